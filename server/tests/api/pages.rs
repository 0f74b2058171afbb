//! Server-rendered pages: redirects, status codes, forms without JavaScript.

use crate::helpers::{PASSWORD, spawn_app};
use reqwest::{StatusCode, header};

#[tokio::test]
async fn health_check_answers_ok() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn page_urls_without_the_slash_redirect_to_it() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/accounts/login?next=%2Fx%2F")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()["location"], "/accounts/login/?next=%2Fx%2F");
}

#[tokio::test]
async fn unknown_pages_are_a_real_404() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/no/such/page/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn protected_pages_send_visitors_to_login_with_next() {
    let app = spawn_app().await;
    for path in ["/accounts/edit/", "/accounts/password/", "/accounts/delete/"] {
        let res = app.client().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "{path}");
        let expected = format!("/accounts/login/?next={}", path.replace('/', "%2F"));
        assert_eq!(res.headers()["location"], expected.as_str());
    }
}

#[tokio::test]
async fn signed_in_people_see_their_pages_and_skip_login() {
    let app = spawn_app().await;
    let client = app.signed_up("ida").await;
    let res = client.get(app.url("/accounts/edit/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Edit profile") && html.contains("Test Person"));
    let res = client.get(app.url("/accounts/login/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/");
}

#[tokio::test]
async fn landing_page_for_visitors_and_home_for_members() {
    let app = spawn_app().await;
    let html = app.client().get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Share the moments that matter."));
    let client = app.signed_up("lise").await;
    let html = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Your feed is empty"), "a new member's home is their (empty) feed");
}

/// Without JavaScript, ActionForm posts a plain form: success redirects to `next`,
/// failure redirects back to the form with the error for the page to show.
#[tokio::test]
async fn plain_form_sign_in_redirects_and_reports_errors_on_the_form() {
    let app = spawn_app().await;
    app.signed_up("mary").await;
    let login = app.url("/accounts/login/?next=%2Faccounts%2Fedit%2F");
    let post = |client: &reqwest::Client, password: &str| {
        client
            .post(app.url("/api/fn/sign_in"))
            .header(header::ORIGIN, &app.address)
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, &login)
            .form(&[("username", "mary"), ("password", password), ("next", "/accounts/edit/")])
            .send()
    };
    let client = app.client();
    let res = post(&client, "wrong password").await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with(&login) && back.contains("__err="), "{back}");
    let page = client.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Invalid username or password"), "the form shows the error");

    let res = post(&client, PASSWORD).await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/accounts/edit/");
    assert_eq!(app.whoami(&client).await.as_deref(), Some("mary"));
}

/// A page's data is fetched once per server render: a resource made inside a `Suspense`
/// would be made (and its query run) again each time the server walks it. Each fetched
/// resource is serialised into the page once, so counting them counts the fetches.
#[tokio::test]
async fn server_rendering_fetches_each_page_data_once() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    for (path, marker) in [
        ("/", r#"{\"Ok\":{\"cards\""#),
        ("/explore/", r#"{\"Ok\":{\"people\""#),
        ("/notifications/", r#"{\"Ok\":{\"items\""#),
        ("/search/?q=ada", r#"{\"Ok\":{\"people\""#),
    ] {
        let html = ada.get(app.url(path)).send().await.unwrap().text().await.unwrap();
        assert_eq!(html.matches(marker).count(), 1, "{path} fetched its data once");
    }
}
