//! Search: people by username or full-name prefix, tags by prefix; `@` and `#`
//! narrow it; wildcards are literal; the page works without JavaScript.

use crate::helpers::{TestApp, spawn_app};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn search(app: &TestApp, client: &Client, q: &str) -> Value {
    let res =
        client.get(app.url("/api/fn/search")).query(&[("q", q), ("full", "false")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn people(results: &Value) -> Vec<&str> {
    results["people"].as_array().unwrap().iter().map(|p| p["username"].as_str().unwrap()).collect()
}

fn tags(results: &Value) -> Vec<(&str, i64)> {
    results["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["tag"].as_str().unwrap(), t["posts"].as_i64().unwrap()))
        .collect()
}

async fn sign_up_named(app: &TestApp, username: &str, full_name: &str) -> Client {
    let client = app.client();
    let res = app
        .call(
            &client,
            "/api/fn/sign_up",
            &[
                ("username", username),
                ("full_name", full_name),
                ("email", &format!("{username}@example.com")),
                ("password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    client
}

#[tokio::test]
async fn people_by_username_or_full_name_prefix() {
    let app = spawn_app().await;
    let ada = sign_up_named(&app, "ada", "Ada Lovelace").await;
    sign_up_named(&app, "adam_s", "Adam Smith").await;
    sign_up_named(&app, "grace", "Grace Hopper").await;
    sign_up_named(&app, "x_y", "Adalbert").await;
    // The most followed comes first after an exact username match.
    let grace = app.signed_up("zoe").await;
    app.call(&grace, "/api/fn/follow", &[("username", "adam_s")]).await;

    assert_eq!(people(&search(&app, &ada, "ada").await), vec!["ada", "adam_s", "x_y"]);
    assert_eq!(people(&search(&app, &ada, "ADA").await), vec!["ada", "adam_s", "x_y"], "any case");
    assert_eq!(people(&search(&app, &ada, "Grace H").await), vec!["grace"]);
    assert_eq!(people(&search(&app, &ada, "hopper").await), vec!["grace"], "a word of the full name");
    assert_eq!(people(&search(&app, &ada, "@gr").await), vec!["grace"]);
    assert!(people(&search(&app, &ada, "race").await).is_empty(), "prefix, not substring");
    assert_eq!(people(&search(&app, &ada, "_").await), Vec::<&str>::new(), "_ is not a wildcard");
    assert_eq!(people(&search(&app, &ada, "x_").await), vec!["x_y"]);
    assert!(people(&search(&app, &ada, "%").await).is_empty(), "% is not a wildcard");
    assert!(people(&search(&app, &ada, "   ").await).is_empty());
    let long = "a".repeat(5000);
    assert!(people(&search(&app, &ada, &long).await).is_empty(), "a long query is just no match");
    // No name holds a NUL (PostgreSQL's text cannot): no match either, not a failure.
    assert!(people(&search(&app, &ada, "ad\u{0}a").await).is_empty(), "a NUL is just no match");
}

#[tokio::test]
async fn tags_by_prefix_most_used_first() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    app.post_photos(&ada, &["animated.gif"], "#Sunset #sun").await;
    app.post_photos(&ada, &["animated.gif"], "#sunset again").await;
    app.post_photos(&ada, &["animated.gif"], "#sunday").await;
    app.post_photos(&ada, &["animated.gif"], "#moon").await;

    assert_eq!(tags(&search(&app, &ada, "#sun").await), vec![("sunset", 2), ("sun", 1), ("sunday", 1)]);
    assert_eq!(tags(&search(&app, &ada, "SUNS").await), vec![("sunset", 2)]);
    assert!(tags(&search(&app, &ada, "@sun").await).is_empty(), "@ looks for people only");
    assert!(people(&search(&app, &ada, "#ada").await).is_empty(), "# looks for tags only");
}

#[tokio::test]
async fn the_search_page_works_without_javascript() {
    let app = spawn_app().await;
    let ada = sign_up_named(&app, "ada", "Ada Lovelace").await;
    app.post_photos(&ada, &["animated.gif"], "#adaptive").await;
    let res = ada.get(app.url("/search/?q=ada")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"href="/users/ada/""#));
    assert!(html.contains(r#"href="/tags/adaptive/""#));
    let html = ada.get(app.url("/search/?q=%3Cscript%3E")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Nothing matches"));
    assert!(!html.contains("<script>"), "the query is escaped");
    let res = app.client().get(app.url("/search/?q=ada")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "signed-in people only, like explore");
}
