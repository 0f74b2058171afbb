//! The built site's files: pages name the content-hashed JS, WASM and CSS from the site's
//! hash file, and every answer says how long it may be cached (server/src/cache_control.rs).

use crate::helpers::{TestApp, fixture, spawn_app_with};
use reqwest::{Client, Response, StatusCode, header};
use std::path::Path;

// cargo-leptos hashes are 22 base64url characters (an MD5 digest).
const JS: &str = "J5-hash_J5hashJ5hashJ5";
const WASM: &str = "W4smHash-W4smHash_W4sm";
const CSS: &str = "CssHashCssHashCssHash0";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A site folder as `make build` leaves it: hashed JS, WASM and CSS with their .br and .gz
/// copies, the hash file at the top, the public files.
fn built_site(root: &Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (name, bytes) in [
        (format!("pkg/shutter.{JS}.js"), &b"export default async function init() {}"[..]),
        (format!("pkg/shutter.{WASM}.wasm"), b"\0asm\x01\0\0\0"),
        (format!("pkg/shutter.{CSS}.css"), b"body { margin: 0 }"),
        (format!("pkg/shutter.{WASM}.wasm.br"), b"brotli copy"),
        (format!("pkg/shutter.{WASM}.wasm.gz"), b"gzip copy"),
        ("pkg/unhashed.js".to_owned(), b"export {}"),
        ("favicon.svg".to_owned(), b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("robots.txt".to_owned(), b"User-agent: *\n"),
        ("hash.txt".to_owned(), format!("js: {JS}\nwasm: {WASM}\ncss: {CSS}\n").as_bytes()),
    ] {
        std::fs::write(root.join(name), bytes).unwrap();
    }
}

async fn spawn_with_built_site() -> (TestApp, tempfile::TempDir) {
    let site = tempfile::tempdir().unwrap();
    built_site(site.path());
    let root = site.path().to_path_buf();
    (spawn_app_with(move |config| config.site_root = root).await, site)
}

async fn get(client: &Client, app: &TestApp, path: &str) -> Response {
    client.get(app.url(path)).send().await.unwrap()
}

fn cache_control(res: &Response) -> &str {
    res.headers().get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap()).unwrap_or("(none)")
}

#[tokio::test]
async fn pages_name_the_hashed_files_and_those_are_immutable() {
    let (app, _site) = spawn_with_built_site().await;
    let client = app.client();
    let res = get(&client, &app, "/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(cache_control(&res), "no-cache");
    let page = res.text().await.unwrap();
    let urls = [
        format!("/pkg/shutter.{JS}.js"),
        format!("/pkg/shutter.{WASM}.wasm"),
        format!("/pkg/shutter.{CSS}.css"),
    ];
    for url in &urls {
        assert!(page.contains(&format!("\"{url}\"")), "the page names {url}: {page}");
    }
    for plain in ["/pkg/shutter.js", "/pkg/shutter.wasm", "/pkg/shutter_bg.wasm", "/pkg/shutter.css"] {
        assert!(!page.contains(plain), "the page names no unhashed {plain}");
    }
    for url in &urls {
        let res = get(&client, &app, url).await;
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        assert_eq!(cache_control(&res), IMMUTABLE, "{url}");
    }
}

#[tokio::test]
async fn precompressed_copies_are_immutable_and_vary_by_accept_encoding() {
    let (app, _site) = spawn_with_built_site().await;
    let url = app.url(&format!("/pkg/shutter.{WASM}.wasm"));
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), &b"brotli copy"[..]),
        ("gzip", Some("gzip"), b"gzip copy"),
        ("identity", None, b"\0asm\x01\0\0\0"),
    ] {
        let res = Client::new().get(&url).header(header::ACCEPT_ENCODING, accept).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accept}");
        assert_eq!(
            res.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(cache_control(&res), IMMUTABLE, "{accept}");
        let vary: Vec<_> =
            res.headers().get_all(header::VARY).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        assert_eq!(vary, ["accept-encoding"], "{accept}");
        assert_eq!(&res.bytes().await.unwrap()[..], body, "{accept}");
    }
}

#[tokio::test]
async fn unhashed_and_missing_files_are_revalidated_and_public_files_kept_an_hour() {
    let (app, _site) = spawn_with_built_site().await;
    let client = app.client();
    let res = get(&client, &app, "/pkg/unhashed.js").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(cache_control(&res), "no-cache");
    // A hashed name that is not there (an old build's) must not be kept for a year.
    let res = get(&client, &app, "/pkg/shutter.AAAAAAAAAAAAAAAAAAAAAA.js").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(cache_control(&res), "no-cache");
    for file in ["/favicon.svg", "/robots.txt"] {
        let res = get(&client, &app, file).await;
        assert_eq!(res.status(), StatusCode::OK, "{file}");
        assert_eq!(cache_control(&res), "public, max-age=3600", "{file}");
    }
    let res = get(&client, &app, "/no/such/page/").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(cache_control(&res), "no-cache");
    let res = get(&client, &app, "/missing.png").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(cache_control(&res), "no-cache");
}

#[tokio::test]
async fn redirects_are_revalidated() {
    let (app, _site) = spawn_with_built_site().await;
    let client = app.client();
    // The trailing-slash redirect, and a protected page seen by a visitor.
    for (path, status) in
        [("/explore", StatusCode::PERMANENT_REDIRECT), ("/accounts/edit/", StatusCode::FOUND)]
    {
        let res = get(&client, &app, path).await;
        assert_eq!(res.status(), status, "{path}");
        assert_eq!(cache_control(&res), "no-cache", "{path}");
    }
}

#[tokio::test]
async fn signed_in_pages_are_private() {
    let (app, _site) = spawn_with_built_site().await;
    let client = app.signed_up("cached").await;
    for path in ["/", "/users/cached/", "/accounts/edit/", "/no/such/page/"] {
        let res = get(&client, &app, path).await;
        assert_eq!(cache_control(&res), "private, no-cache", "{path}");
    }
    // The hashed files are the same for everyone.
    let res = get(&client, &app, &format!("/pkg/shutter.{CSS}.css")).await;
    assert_eq!(cache_control(&res), IMMUTABLE);
    let res = get(&app.client(), &app, "/").await;
    assert_eq!(cache_control(&res), "no-cache", "a visitor's page");
}

#[tokio::test]
async fn the_upload_refusal_page_uses_the_hashed_stylesheet() {
    let (app, _site) = spawn_with_built_site().await;
    let client = app.signed_up("refused").await;
    let form = reqwest::multipart::Form::new()
        .part("images", reqwest::multipart::Part::bytes(fixture("not_an_image.jpg")));
    let res = client
        .post(app.url("/posts/new/"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(cache_control(&res), "private, no-cache");
    let page = res.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/pkg/shutter.{CSS}.css\"")), "{page}");
}

#[tokio::test]
async fn without_a_hash_file_pages_name_the_plain_files() {
    // `make watch` builds with plain names and writes no hash file.
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/shutter.css"), "body {}").unwrap();
    let root = site.path().to_path_buf();
    let app = spawn_app_with(move |config| config.site_root = root).await;
    let page = get(&app.client(), &app, "/").await.text().await.unwrap();
    assert!(page.contains("\"/pkg/shutter.css\""), "{page}");
    assert!(page.contains("\"/pkg/shutter.js\""), "{page}");
    let res = get(&app.client(), &app, "/pkg/shutter.css").await;
    assert_eq!(cache_control(&res), "no-cache");
}
