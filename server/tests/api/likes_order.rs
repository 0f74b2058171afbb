//! The heart's server function is a set, not a toggle: the page sends the state the person
//! wants (the last click) and may send it again, so setting a like twice must be one like
//! (and one notification), unliking twice must be harmless, and every answer must be the
//! state just set. The page itself keeps one request in flight at a time (see
//! app/src/components/like_button.rs and end2end/tests/like_clicks.spec.ts).

use crate::helpers::{TestApp, spawn_app};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// `set_like`, answered `(count, liked)`.
async fn set_like(app: &TestApp, client: &Client, post: i64, liked: bool) -> (i64, bool) {
    let res =
        app.call(client, "/api/fn/like", &[("post", &post.to_string()), ("liked", &liked.to_string())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let state: Value = res.json().await.unwrap();
    (state["count"].as_i64().unwrap(), state["liked"].as_bool().unwrap())
}

/// (count, liked) as the post page shows it to `client`.
async fn shown(app: &TestApp, client: &Client, post: i64) -> (i64, bool) {
    let view: Value = app.post_view(client, post).await.json().await.unwrap();
    (view["likes"]["count"].as_i64().unwrap(), view["likes"]["liked"].as_bool().unwrap())
}

async fn unread(app: &TestApp, client: &Client) -> i64 {
    app.call(client, "/api/fn/unread_notifications", &[]).await.json().await.unwrap()
}

#[tokio::test]
async fn setting_a_like_twice_is_one_like_and_unliking_twice_is_harmless() {
    let app = spawn_app().await;
    let owner = app.signed_up("owner").await;
    let ada = app.signed_up("ada").await;
    let post = app.post_photos(&owner, &["animated.gif"], "").await;

    assert_eq!(set_like(&app, &ada, post, true).await, (1, true));
    assert_eq!(set_like(&app, &ada, post, true).await, (1, true), "a second like is the same like");
    assert_eq!(shown(&app, &ada, post).await, (1, true));
    assert_eq!(unread(&app, &owner).await, 1, "one notification");

    assert_eq!(set_like(&app, &ada, post, false).await, (0, false));
    assert_eq!(set_like(&app, &ada, post, false).await, (0, false), "a second unlike changes nothing");
    assert_eq!(shown(&app, &ada, post).await, (0, false));
    assert_eq!(unread(&app, &owner).await, 0, "the notification is taken back");
}

#[tokio::test]
async fn each_answer_is_the_state_just_set_and_the_last_set_stays() {
    let app = spawn_app().await;
    let owner = app.signed_up("owner").await;
    let ada = app.signed_up("ada").await;
    let post = app.post_photos(&owner, &["animated.gif"], "").await;
    set_like(&app, &owner, post, true).await;
    // What quick clicks, collapsed by the page, may send: repeats and changes of mind.
    for liked in [true, true, false, true, false, false, true] {
        assert_eq!(set_like(&app, &ada, post, liked).await, (1 + i64::from(liked), liked));
    }
    assert_eq!(shown(&app, &ada, post).await, (2, true), "the last set stays");
    assert_eq!(shown(&app, &owner, post).await, (2, true), "for everyone");
}

#[tokio::test]
async fn the_same_set_sent_at_once_by_several_people_agrees() {
    let app = spawn_app().await;
    let owner = app.signed_up("owner").await;
    let post = app.post_photos(&owner, &["animated.gif"], "").await;
    let mut people = Vec::new();
    for i in 0..4 {
        people.push(app.signed_up(&format!("fan{i}")).await);
    }
    for liked in [true, false] {
        // Each person sends the same set three times at once, all people at once.
        let app = &app;
        let calls = people.iter().flat_map(|p| (0..3).map(move |_| set_like(app, p, post, liked)));
        let answers = futures::future::join_all(calls).await;
        assert!(answers.iter().all(|(_, l)| *l == liked), "each answer is the state set: {answers:?}");
        let expected = if liked { people.len() as i64 } else { 0 };
        assert_eq!(shown(app, &owner, post).await, (expected, false));
        assert_eq!(unread(app, &owner).await, expected, "one notification per person");
    }
}
