//! Security: cross-site requests, security headers, body limits, open redirects.

use crate::helpers::{PASSWORD, error_message, spawn_app, spawn_app_with};
use reqwest::{StatusCode, header};

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let form =
        [("username", "mallory"), ("full_name", "M"), ("email", "m@example.com"), ("password", PASSWORD)];
    let attempts = [
        vec![(header::ORIGIN, "https://evil.example".to_owned())],
        vec![(header::ORIGIN, "null".to_owned())],
        vec![(header::REFERER, "https://evil.example/page".to_owned())],
        vec![
            (header::HeaderName::from_static("sec-fetch-site"), "cross-site".to_owned()),
            (header::ORIGIN, app.address.clone()),
        ],
    ];
    for headers in attempts {
        let mut req = app.client().post(app.url("/api/fn/sign_up")).form(&form);
        for (name, value) in &headers {
            req = req.header(name, value);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert_eq!(error_message(res).await, "Cross-site request refused.");
    }
    assert_eq!(
        app.sign_in(&app.client(), "mallory", PASSWORD).await.status(),
        StatusCode::FORBIDDEN,
        "no account was made"
    );
}

#[tokio::test]
async fn cross_site_sign_out_is_refused() {
    let app = spawn_app().await;
    let client = app.signed_up("victim").await;
    let res = client
        .post(app.url("/accounts/logout/"))
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.whoami(&client).await.as_deref(), Some("victim"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_nonce_csp() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/accounts/login/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-frame-options"], "DENY");
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("script-src has a nonce")
        .to_owned();
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");

    // A fresh nonce per response.
    let again = app.client().get(app.url("/accounts/login/")).send().await.unwrap();
    assert_ne!(again.headers()["content-security-policy"].to_str().unwrap(), csp);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let res = app
        .client()
        .post(app.url("/api/fn/sign_in"))
        .header(header::ORIGIN, &app.address)
        .form(&[("username", huge.as_str()), ("password", "whatever")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn next_cannot_send_people_to_another_site() {
    let app = spawn_app().await;
    app.signed_up("eve").await;
    for next in ["https://evil.example/", "//evil.example/", "/\\evil.example"] {
        let res = app
            .call(
                &app.client(),
                "/api/fn/sign_in",
                &[("username", "eve"), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["location"], "/", "next={next}");
    }
}

#[tokio::test]
async fn wrong_methods_get_405() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/accounts/logout/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let res = app
        .client()
        .delete(app.url("/accounts/login/"))
        .header(header::ORIGIN, &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn behind_a_proxy_the_public_url_is_the_only_accepted_origin() {
    let app = spawn_app_with(|c| c.public_url = Some("https://photos.example.org".parse().unwrap())).await;
    let sign_up = |origin: &'static str| {
        app.client()
            .post(app.url("/api/fn/sign_up"))
            .header(header::ORIGIN, origin)
            .form(&[
                ("username", "proxied"),
                ("full_name", "P"),
                ("email", "p@example.com"),
                ("password", PASSWORD),
            ])
            .send()
    };
    assert_eq!(sign_up("http://attacker.example").await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(sign_up("https://photos.example.org").await.unwrap().status(), StatusCode::OK);
}
