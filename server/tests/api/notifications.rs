//! Notifications: likes, comments, follows and @mentions of you, an unread count,
//! marked read when seen; taken back with the like or follow; never of oneself; private.

use crate::helpers::{TestApp, spawn_app};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn unread(app: &TestApp, client: &Client) -> i64 {
    let res = app.call(client, "/api/fn/unread_notifications", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn page(app: &TestApp, client: &Client, before: Option<i64>) -> Value {
    let before = before.map(|b| b.to_string());
    let form: Vec<(&str, &str)> = before.iter().map(|b| ("before", b.as_str())).collect();
    let res = app.call(client, "/api/fn/notifications", &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// (kind, actor) of each item, newest first.
fn summary(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (n["kind"].as_str().unwrap().to_owned(), n["actor"]["username"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn s(kind: &str, actor: &str) -> (String, String) {
    (kind.to_owned(), actor.to_owned())
}

#[tokio::test]
async fn likes_comments_follows_and_mentions_notify_the_right_person() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    let eve = app.signed_up("eve").await;
    let post = app.post_photos(&ada, &["animated.gif"], "hello @eve and @nobody").await;
    let id = post.to_string();

    app.call(&bob, "/api/fn/follow", &[("username", "ada")]).await;
    app.call(&bob, "/api/fn/like", &[("post", &id), ("liked", "true")]).await;
    app.call(&bob, "/api/fn/add_comment", &[("post", &id), ("text", "nice, @eve @ada @bob")]).await;
    // Ada's own like and comment on her post notify nobody.
    app.call(&ada, "/api/fn/like", &[("post", &id), ("liked", "true")]).await;
    app.call(&ada, "/api/fn/add_comment", &[("post", &id), ("text", "thanks")]).await;

    assert_eq!(unread(&app, &ada).await, 3);
    let ada_page = page(&app, &ada, None).await;
    assert_eq!(
        summary(&ada_page),
        vec![s("Comment", "bob"), s("Like", "bob"), s("Follow", "bob")],
        "a mention in a comment on her own post is the comment notification, not a second one"
    );
    let comment = &ada_page["items"][0];
    assert_eq!(comment["comment_text"], "nice, @eve @ada @bob");
    assert_eq!(comment["post_id"], post);
    assert!(comment["post_thumb_url"].as_str().unwrap().starts_with("/uploads/"));
    assert!(ada_page["items"].as_array().unwrap().iter().all(|n| n["unread"] == true));
    assert_eq!(ada_page["items"][2]["i_follow_actor"], false, "Ada does not follow Bob back yet");

    assert_eq!(summary(&page(&app, &eve, None).await), vec![s("Mention", "bob"), s("Mention", "ada")]);
    assert_eq!(page(&app, &eve, None).await["items"][1]["comment_text"], Value::Null, "the caption");
    assert_eq!(unread(&app, &bob).await, 0, "mentioning oneself notifies nobody");
}

#[tokio::test]
async fn seeing_the_first_page_marks_read() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    app.call(&bob, "/api/fn/follow", &[("username", "ada")]).await;
    assert_eq!(unread(&app, &ada).await, 1);
    assert_eq!(page(&app, &ada, None).await["items"][0]["unread"], true);
    assert_eq!(unread(&app, &ada).await, 0, "seen");
    assert_eq!(page(&app, &ada, None).await["items"][0]["unread"], false);

    let post = app.post_photos(&ada, &["animated.gif"], "").await;
    app.call(&bob, "/api/fn/like", &[("post", &post.to_string()), ("liked", "true")]).await;
    assert_eq!(unread(&app, &ada).await, 1, "only what came after");
    let items = page(&app, &ada, None).await;
    assert_eq!(
        (items["items"][0]["unread"].clone(), items["items"][1]["unread"].clone()),
        (true.into(), false.into())
    );
}

#[tokio::test]
async fn unliking_unfollowing_and_deleting_take_notifications_back() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    let post = app.post_photos(&ada, &["animated.gif"], "").await.to_string();
    app.call(&bob, "/api/fn/follow", &[("username", "ada")]).await;
    app.call(&bob, "/api/fn/like", &[("post", &post), ("liked", "true")]).await;
    let res = app.call(&bob, "/api/fn/add_comment", &[("post", &post), ("text", "hi")]).await;
    let comment: Value = res.json().await.unwrap();
    assert_eq!(unread(&app, &ada).await, 3);

    // Liking twice and following twice notify once.
    app.call(&bob, "/api/fn/like", &[("post", &post), ("liked", "true")]).await;
    app.call(&bob, "/api/fn/follow", &[("username", "ada")]).await;
    assert_eq!(unread(&app, &ada).await, 3);

    app.call(&bob, "/api/fn/like", &[("post", &post), ("liked", "false")]).await;
    app.call(&bob, "/api/fn/unfollow", &[("username", "ada")]).await;
    app.call(&bob, "/api/fn/delete_comment", &[("id", &comment["id"].to_string())]).await;
    assert_eq!(unread(&app, &ada).await, 0);
    assert!(summary(&page(&app, &ada, None).await).is_empty());

    // A deleted post takes its notifications along; a deleted account too.
    app.call(&bob, "/api/fn/like", &[("post", &post), ("liked", "true")]).await;
    app.call(&bob, "/api/fn/follow", &[("username", "ada")]).await;
    app.call(&ada, "/api/fn/delete_post", &[("id", &post)]).await;
    assert_eq!(summary(&page(&app, &ada, None).await), vec![s("Follow", "bob")]);
    let res = app.call(&bob, "/api/fn/delete_account", &[("password", "correct horse battery")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(summary(&page(&app, &ada, None).await).is_empty());
}

#[tokio::test]
async fn notifications_are_private_and_paged() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let post = app.post_photos(&ada, &["animated.gif"], "").await.to_string();
    for i in 0..25 {
        let fan = app.signed_up(&format!("fan{i}")).await;
        app.call(&fan, "/api/fn/like", &[("post", &post), ("liked", "true")]).await;
    }
    assert_eq!(unread(&app, &ada).await, 25);
    let first = page(&app, &ada, None).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(first["items"][0]["actor"]["username"], "fan24");
    let before = first["next_before"].as_i64().unwrap();
    let second = page(&app, &ada, Some(before)).await;
    assert_eq!(summary(&second).last().unwrap(), &s("Like", "fan0"));
    assert_eq!(second["items"].as_array().unwrap().len(), 5);
    assert_eq!(second["next_before"], Value::Null);

    let visitor = app.client();
    let res = app.call(&visitor, "/api/fn/notifications", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(unread(&app, &visitor).await, 0);
    let other = app.signed_up("zed").await;
    assert!(summary(&page(&app, &other, None).await).is_empty(), "nobody sees Ada's");
}

#[tokio::test]
async fn the_page_and_the_nav_count_render_without_javascript() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    app.call(&bob, "/api/fn/follow", &[("username", "ada")]).await;
    let home = ada.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains(r#"data-testid="unread-count" class="badge">1<"#), "the nav shows 1 unread");
    let res = ada.get(app.url("/notifications/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("started following you."));
    assert!(!html.contains("unread-count"), "nothing unread on the notifications page");
    let home = ada.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains("unread-count"), "seen");

    let res = app.client().get(app.url("/notifications/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/accounts/login/?next=%2Fnotifications%2F");
}
