//! Session cookies: flags, renewal at sign-in, destruction at sign-out.

use crate::helpers::{PASSWORD, session_cookie, spawn_app, spawn_app_with};
use reqwest::{StatusCode, header};

fn set_cookie_header(res: &reqwest::Response) -> String {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("shutter_session="))
        .expect("a session cookie is set")
        .to_owned()
}

#[tokio::test]
async fn session_cookie_is_httponly_lax_and_not_secure_on_plain_http() {
    let app = spawn_app().await;
    let res = app.sign_up(&app.client(), "cookie_monster").await;
    let cookie = set_cookie_header(&res);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn secure_switch_marks_the_cookie_secure() {
    let app = spawn_app_with(|c| c.secure_cookies = true).await;
    let res = app.sign_up(&app.client(), "secure_sam").await;
    assert!(set_cookie_header(&res).contains("Secure"));
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id() {
    let app = spawn_app().await;
    app.signed_up("rosalind").await;
    let client = app.client();
    let first = session_cookie(&app.sign_in(&client, "rosalind", PASSWORD).await).expect("cookie");
    let second = session_cookie(&app.sign_in(&client, "rosalind", PASSWORD).await).expect("cookie");
    assert_ne!(first, second, "the id changes at every sign-in");

    // The earlier id is dead: replaying it finds nobody.
    let replay = app
        .client()
        .post(app.url("/api/fn/current_user"))
        .header(header::ORIGIN, &app.address)
        .header(header::COOKIE, &first)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.text().await.unwrap(), "null");
}

#[tokio::test]
async fn old_session_is_unusable_after_sign_out() {
    let app = spawn_app().await;
    let client = app.client();
    let cookie = session_cookie(&app.sign_up(&client, "dorothy").await).expect("cookie");

    let res = app.sign_out(&client).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(app.whoami(&client).await, None);

    // Someone who copied the cookie before sign-out gets nothing from it.
    let replay = app
        .client()
        .post(app.url("/api/fn/profile_settings"))
        .header(header::ORIGIN, &app.address)
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_out_without_javascript_redirects_home() {
    let app = spawn_app().await;
    let client = app.signed_up("joan").await;
    let res = client
        .post(app.url("/accounts/logout/"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/accounts/edit/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(app.whoami(&client).await, None);
}
