//! Middleware every response goes through: security headers (with the CSP nonce), the
//! cross-site request check, and the trailing-slash redirect of page URLs.

use app::error::AppError;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use leptos::nonce::Nonce;

/// A JSON error answer in the wire format of `AppError`.
pub fn error_response(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], error.to_json_body()).into_response()
}

/// Adds the security headers to every response. Pages get a CSP whose script
/// source is a fresh per-request nonce, which Leptos stamps on its hydration script.
pub async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let live_reload = if std::env::var_os("LEPTOS_WATCH").is_some() { " ws: wss:" } else { "" };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'{live_reload}; media-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(csp);
    }
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ] {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    res
}

/// The `host[:port]` people reach the site at, when a reverse proxy hides it from the
/// Host header (`--public-url`). `None`: trust the request's own Host.
#[derive(Debug, Clone, Default)]
pub struct PublicAuthority(pub Option<String>);

/// CSRF defence beside SameSite=Lax cookies: a state-changing request that a browser
/// marks as coming from another site, or whose Origin (or Referer) names another host,
/// is refused with 403. Requests without those headers (scripts, curl) pass.
pub async fn refuse_cross_site(State(public): State<PublicAuthority>, req: Request, next: Next) -> Response {
    let expected = public.0.as_deref().or_else(|| {
        // HTTP/1.1 names the host in Host; HTTP/2 in the URI's authority.
        req.headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or(req.uri().authority().map(|a| a.as_str()))
    });
    if is_safe_method(req.method()) || expected.is_some_and(|host| is_same_site(req.headers(), host)) {
        next.run(req).await
    } else {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        error_response(&AppError::Forbidden("Cross-site request refused.".into()))
    }
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_same_site(headers: &HeaderMap, host: &str) -> bool {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site"))
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    let authority_matches = |url: &str| {
        url.parse::<Uri>()
            .ok()
            .and_then(|uri| uri.authority().map(|a| a.as_str().eq_ignore_ascii_case(host)))
            .unwrap_or(false)
    };
    match (text(header::ORIGIN), text(header::REFERER)) {
        (Some(origin), _) => authority_matches(origin),
        (None, Some(referer)) => authority_matches(referer),
        (None, None) => true,
    }
}

/// Page URLs end in `/`: `GET /accounts/login` answers 308 to `/accounts/login/`. Files
/// (a `.` in the last segment) and the machine endpoints are left alone.
pub async fn add_trailing_slash(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_page = matches!(*req.method(), Method::GET | Method::HEAD)
        && !path.ends_with('/')
        && !path.rsplit('/').next().is_some_and(|last| last.contains('.'))
        && !["/api/", "/pkg/", "/uploads/"].iter().any(|p| path.starts_with(p))
        && path != "/healthz";
    if !is_page {
        return next.run(req).await;
    }
    Redirect::permanent(&with_trailing_slash(path, req.uri().query())).into_response()
}

/// The same-site address of `path` with a trailing slash. Leading slashes and
/// backslashes collapse into one `/`: browsers read `//host`, `///host` and `/\host` in
/// a Location as another site, which made this redirect an open redirect.
fn with_trailing_slash(path: &str, query: Option<&str>) -> String {
    let path = path.trim_start_matches(['/', '\\']);
    match query {
        Some(q) => format!("/{path}/?{q}"),
        None => format!("/{path}/"),
    }
}

/// 405 for a method a page does not answer.
pub async fn method_not_allowed() -> Response {
    error_response(&AppError::MethodNotAllowed("This address does not accept that method.".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn is_same_site_on_localhost(h: &HeaderMap) -> bool {
        is_same_site(h, "localhost:3000")
    }

    #[test]
    fn the_trailing_slash_redirect_stays_on_this_site() {
        assert_eq!(with_trailing_slash("/accounts/login", None), "/accounts/login/");
        assert_eq!(with_trailing_slash("/explore", Some("q=1")), "/explore/?q=1");
        for (path, target) in [
            ("//evil%2Eexample", "/evil%2Eexample/"),
            ("//evil", "/evil/"),
            ("///evil", "/evil/"),
            ("//evil.example/x", "/evil.example/x/"),
            ("/\\evil", "/evil/"),
            ("/\\/evil", "/evil/"),
            ("\\\\evil", "/evil/"),
        ] {
            assert_eq!(with_trailing_slash(path, None), target, "{path}");
        }
        assert_eq!(with_trailing_slash("//evil", Some("a=b")), "/evil/?a=b");
    }

    #[test]
    fn same_origin_requests_pass() {
        assert!(is_same_site_on_localhost(&headers(&[("origin", "http://localhost:3000")])));
        assert!(is_same_site_on_localhost(&headers(&[("referer", "http://localhost:3000/accounts/login/")])));
        assert!(is_same_site_on_localhost(&headers(&[])), "non-browser clients send neither");
    }

    #[test]
    fn a_configured_public_host_replaces_the_host_header() {
        let proxied = headers(&[("origin", "https://photos.example.org")]);
        assert!(is_same_site(&proxied, "photos.example.org"));
        assert!(!is_same_site(&proxied, "127.0.0.1:3000"));
    }

    #[test]
    fn cross_site_requests_are_refused() {
        assert!(!is_same_site_on_localhost(&headers(&[("origin", "https://evil.example")])));
        assert!(!is_same_site_on_localhost(&headers(&[("origin", "null")])));
        assert!(!is_same_site_on_localhost(&headers(&[("referer", "https://evil.example/x")])));
        assert!(!is_same_site_on_localhost(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!is_same_site_on_localhost(&headers(&[("sec-fetch-site", "same-site")])));
    }
}
