//! How long browsers and caches may keep what the site answers: decided here, for every
//! response, and nowhere else (`/uploads/` sets `IMMUTABLE` in its own handler, which
//! knows the file exists).
//!
//! - `/pkg/` files with a content hash in their name (cargo-leptos `hash-files`): kept a
//!   year and never revalidated; a new build has new names.
//! - any other `/pkg/` answer (a file without a hash, `make watch`'s plain names, a 404):
//!   `no-cache`, i.e. revalidated on every use.
//! - files at the top of the site (favicon, robots.txt): an hour.
//! - pages, and the 404s and redirects that stand for pages: `no-cache`, and `private`
//!   too when the request carries a session cookie (the page may show who is signed in)
//!   or the answer sets a cookie, so that no shared cache keeps them.
//!
//! A response that already says how to cache it keeps what it says. Files of the site
//! may be sent precompressed (`.br`, `.gz` beside them); their answers always carry
//! `Vary: accept-encoding`, which the compression layer only adds to what it compresses.

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const NO_CACHE: &str = "no-cache";
pub const PRIVATE_NO_CACHE: &str = "private, no-cache";
pub const SITE_FILE: &str = "public, max-age=3600";

/// What the response to `path` is, as far as caching goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer<'a> {
    pub path: &'a str,
    pub status: StatusCode,
    /// An HTML document (a page, the 404 page, the upload refusal page).
    pub html: bool,
    /// The request carried a session cookie, or the response sets a cookie.
    pub personal: bool,
}

/// The `Cache-Control` for `answer`, or `None` to leave the response as it is (the JSON
/// API, `/healthz`).
pub fn policy(answer: Answer<'_>) -> Option<&'static str> {
    let Answer { path, status, html, personal } = answer;
    let found = status.is_success() || status == StatusCode::NOT_MODIFIED;
    let redirect = status.is_redirection() && status != StatusCode::NOT_MODIFIED;
    if html || redirect {
        return Some(if personal { PRIVATE_NO_CACHE } else { NO_CACHE });
    }
    if let Some(file) = path.strip_prefix("/pkg/") {
        return Some(if found && is_hashed(file) { IMMUTABLE } else { NO_CACHE });
    }
    (found && is_top_level_file(path)).then_some(SITE_FILE)
}

/// Whether a file name under `/pkg/` carries a cargo-leptos content hash: a dot-separated
/// part, neither the first nor the extension, of 22 base64url characters (an MD5 digest),
/// e.g. `shutter.Xq3b9OqSpe1PXLKa8Mk6Xw.wasm` or `__wasm_split.<hash>.js`.
pub fn is_hashed(file: &str) -> bool {
    if file.contains('/') {
        // wasm-bindgen's snippets/<crate>/…: cargo-leptos leaves their names alone.
        return false;
    }
    let parts: Vec<&str> = file.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() == 22 && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// `/favicon.svg`, `/robots.txt`: a file name directly under the site's root.
fn is_top_level_file(path: &str) -> bool {
    path.strip_prefix('/').is_some_and(|name| !name.is_empty() && !name.contains('/') && name.contains('.'))
}

/// Whether `headers` (a request's) carry the session cookie.
fn has_session_cookie(headers: &HeaderMap) -> bool {
    let prefix = format!("{}=", app::server::auth::session_cookie::COOKIE);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|cookie| cookie.trim_start().starts_with(&prefix))
}

/// The middleware: sets `Cache-Control` (and `Vary` on files of the site) by [`policy`].
pub async fn set_cache_control(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let session = has_session_cookie(req.headers());
    let mut res = next.run(req).await;
    let headers = res.headers();
    if headers.contains_key(header::CACHE_CONTROL) {
        return res;
    }
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    let personal = session || headers.contains_key(header::SET_COOKIE);
    let Some(policy) = policy(Answer { path: &path, status: res.status(), html, personal }) else {
        return res;
    };
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    if !html && (policy == IMMUTABLE || policy == SITE_FILE || path.starts_with("/pkg/")) {
        let varies = headers.get_all(header::VARY).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|name| name.trim().eq_ignore_ascii_case("accept-encoding")))
        });
        if !varies {
            headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "Xq3b9OqSpe1PXLKa8Mk6Xw";

    fn file(path: &str, status: StatusCode) -> Option<&'static str> {
        policy(Answer { path, status, html: false, personal: false })
    }

    fn page(path: &str, status: StatusCode, personal: bool) -> Option<&'static str> {
        policy(Answer { path, status, html: true, personal })
    }

    #[test]
    fn hashed_pkg_files_are_immutable() {
        for name in [
            format!("/pkg/shutter.{HASH}.wasm"),
            format!("/pkg/shutter.{HASH}.js"),
            format!("/pkg/shutter.{HASH}.css"),
            format!("/pkg/__wasm_split.{HASH}.js"),
            format!("/pkg/chunk_3.{}.wasm", HASH.replace('X', "-").replace('q', "_")),
        ] {
            assert_eq!(file(&name, StatusCode::OK), Some(IMMUTABLE), "{name}");
        }
        assert_eq!(file(&format!("/pkg/shutter.{HASH}.wasm"), StatusCode::NOT_MODIFIED), Some(IMMUTABLE));
        assert_eq!(file(&format!("/pkg/shutter.{HASH}.wasm"), StatusCode::PARTIAL_CONTENT), Some(IMMUTABLE));
    }

    #[test]
    fn unhashed_pkg_files_are_revalidated() {
        for name in [
            "/pkg/shutter.js",
            "/pkg/shutter.wasm",
            "/pkg/shutter_bg.wasm",
            "/pkg/shutter.css",
            "/pkg/hash.txt",
            // A part of 21 or 23 characters, or with a character base64url lacks.
            "/pkg/shutter.Xq3b9OqSpe1PXLKa8Mk6X.js",
            "/pkg/shutter.Xq3b9OqSpe1PXLKa8Mk6Xww.js",
            "/pkg/shutter.Xq3b9OqSpe1PXLKa8Mk6X=.js",
            // The hash must not be the name or the extension.
            &format!("/pkg/{HASH}.js"),
            &format!("/pkg/shutter.{HASH}"),
            &format!("/pkg/snippets/leptos-{HASH}/inline0.js"),
            &format!("/pkg/snippets/x/a.{HASH}.js"),
        ] {
            assert_eq!(file(name, StatusCode::OK), Some(NO_CACHE), "{name}");
        }
    }

    #[test]
    fn a_missing_hashed_file_is_not_cached_for_a_year() {
        for status in
            [StatusCode::NOT_FOUND, StatusCode::INTERNAL_SERVER_ERROR, StatusCode::METHOD_NOT_ALLOWED]
        {
            assert_eq!(file(&format!("/pkg/shutter.{HASH}.wasm"), status), Some(NO_CACHE), "{status}");
        }
    }

    #[test]
    fn top_level_files_are_kept_an_hour() {
        assert_eq!(file("/favicon.svg", StatusCode::OK), Some(SITE_FILE));
        assert_eq!(file("/robots.txt", StatusCode::OK), Some(SITE_FILE));
        assert_eq!(file("/robots.txt", StatusCode::NOT_MODIFIED), Some(SITE_FILE));
        assert_eq!(file("/robots.txt", StatusCode::NOT_FOUND), None);
    }

    #[test]
    fn pages_are_revalidated_and_private_when_personal() {
        for path in ["/", "/explore/", "/users/ada/", "/posts/new/"] {
            assert_eq!(page(path, StatusCode::OK, false), Some(NO_CACHE), "{path}");
            assert_eq!(page(path, StatusCode::OK, true), Some(PRIVATE_NO_CACHE), "{path}");
        }
    }

    #[test]
    fn error_pages_are_revalidated() {
        assert_eq!(page("/no/such/page/", StatusCode::NOT_FOUND, false), Some(NO_CACHE));
        assert_eq!(page("/no/such/page/", StatusCode::NOT_FOUND, true), Some(PRIVATE_NO_CACHE));
        assert_eq!(page("/posts/new/", StatusCode::PAYLOAD_TOO_LARGE, true), Some(PRIVATE_NO_CACHE));
        // A 404 page rendered for a missing file is still a page, maybe a personal one.
        assert_eq!(page("/pkg/nothing.js", StatusCode::NOT_FOUND, true), Some(PRIVATE_NO_CACHE));
        assert_eq!(page("/missing.png", StatusCode::NOT_FOUND, false), Some(NO_CACHE));
    }

    #[test]
    fn redirects_are_revalidated() {
        for status in [StatusCode::FOUND, StatusCode::SEE_OTHER, StatusCode::PERMANENT_REDIRECT] {
            assert_eq!(file("/accounts/login", status), Some(NO_CACHE), "{status}");
            assert_eq!(
                policy(Answer { path: "/accounts/login/", status, html: false, personal: true }),
                Some(PRIVATE_NO_CACHE)
            );
        }
    }

    #[test]
    fn the_api_and_health_check_are_left_alone() {
        assert_eq!(file("/healthz", StatusCode::OK), None);
        assert_eq!(file("/api/fn/search", StatusCode::OK), None);
        assert_eq!(file("/api/v1/posts/1", StatusCode::OK), None);
        assert_eq!(file("/api/v1/posts/1", StatusCode::NOT_FOUND), None);
        assert_eq!(file("/uploads/abc.jpg", StatusCode::NOT_MODIFIED), None);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        assert!(!has_session_cookie(&headers));
        headers.insert(header::COOKIE, HeaderValue::from_static("theme=dark; not_shutter_session=1"));
        assert!(!has_session_cookie(&headers));
        headers.append(header::COOKIE, HeaderValue::from_static("a=b;shutter_session=xyz"));
        assert!(has_session_cookie(&headers));
    }
}
