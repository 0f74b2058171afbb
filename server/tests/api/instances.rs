//! Several instances behave as one: two servers on one data folder (one database), as a
//! load balancer would put behind one address, share every piece of state between
//! requests: the sign-in throttle, new tokens waiting to be shown, what was seen.

use crate::{
    helpers::{PASSWORD, TestApp, spawn_app, spawn_app_beside},
    throttle::{client_from, retry_after},
};
use reqwest::{Client, StatusCode, header};
use serde_json::Value;

/// Instance A, and B beside it.
async fn two_instances() -> (TestApp, TestApp) {
    let a = spawn_app().await;
    let b = spawn_app_beside(&a).await;
    (a, b)
}

#[tokio::test]
async fn failed_sign_ins_alternating_between_instances_meet_the_limit_as_on_one() {
    let (a, b) = two_instances().await;
    let owner = a.signed_up("ada").await;
    a.sign_out(&owner).await;
    let stranger = client_from(&a, 2);
    for i in 0..5 {
        let on = if i % 2 == 0 { &a } else { &b };
        let res = on.sign_in(&stranger, "ada", "a wrong guess").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "guess {i}");
    }
    for (i, on) in [&b, &a, &b, &a].into_iter().enumerate() {
        let res = on.sign_in(&stranger, "ada", "a wrong guess").await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "guess {} is one too many", 5 + i);
        let wait = retry_after(&res);
        assert!(wait > 0 && wait <= 15 * 60, "Retry-After {wait}");
    }
    // The owner, from their own address, on either instance, signs in at once.
    let owner = client_from(&a, 3);
    assert_eq!(b.sign_in(&owner, "ada", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(a.whoami(&owner).await.as_deref(), Some("ada"), "a session made on B works on A");
}

#[tokio::test]
async fn concurrent_guesses_on_two_instances_cannot_slip_past_the_limit() {
    let (a, b) = two_instances().await;
    a.signed_up("ada").await;
    let stranger = client_from(&a, 2);
    let guesses = (0..12).map(|i| {
        let on = if i % 2 == 0 { &a } else { &b };
        on.sign_in(&stranger, "ada", "a wrong guess")
    });
    let statuses: Vec<StatusCode> =
        futures::future::join_all(guesses).await.iter().map(reqwest::Response::status).collect();
    let checked = statuses.iter().filter(|s| **s == StatusCode::FORBIDDEN).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (5, 7), "{statuses:?}");
}

/// Creates a token on `on`; answers the one-time key of its reveal.
async fn create_token(on: &TestApp, client: &Client, name: &str) -> String {
    let res = on.call(client, "/api/fn/create_token", &[("name", name)]).await;
    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    location.split("created=").nth(1).expect("create_token redirects with a reveal key").to_owned()
}

/// The token page's new token on `on` for `key` (null if none).
async fn reveal(on: &TestApp, client: &Client, key: &str) -> Value {
    let res = on.call(client, "/api/fn/tokens", &[("created", key)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.unwrap()["new_token"].clone()
}

#[tokio::test]
async fn a_token_created_on_one_instance_is_revealed_once_on_the_other() {
    let (a, b) = two_instances().await;
    let ada = a.signed_up("ada").await;
    let bob = a.signed_up("bob").await;
    let key = create_token(&a, &ada, "backup script").await;

    assert_eq!(reveal(&b, &bob, &key).await, Value::Null, "only to its owner");
    let shown = reveal(&b, &ada, &key).await;
    assert_eq!(shown["name"], "backup script");
    let token = shown["token"].as_str().expect("the token, on the instance the redirect landed on");
    let res = a.client().get(a.url("/api/v1/posts/")).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the token shown works");
    assert_eq!(reveal(&a, &ada, &key).await, Value::Null, "shown once, on any instance");
    assert_eq!(reveal(&b, &ada, &key).await, Value::Null, "shown once");

    // Two reveals at once, one on each instance: exactly one shows the token.
    let key = create_token(&b, &ada, "second").await;
    let (on_a, on_b) = tokio::join!(reveal(&a, &ada, &key), reveal(&b, &ada, &key));
    let shown: Vec<&Value> = [&on_a, &on_b].into_iter().filter(|t| !t.is_null()).collect();
    assert_eq!(shown.len(), 1, "{on_a} / {on_b}");
    assert_eq!(shown[0]["name"], "second");
}

async fn unread(on: &TestApp, client: &Client) -> i64 {
    let res = on.call(client, "/api/fn/unread_notifications", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// A page of notifications on `on`: its items' `unread` flags and the next cursor.
async fn notifications(on: &TestApp, client: &Client, before: Option<i64>) -> (Vec<bool>, Option<i64>) {
    let before = before.map(|b| b.to_string());
    let form: Vec<(&str, &str)> = before.iter().map(|b| ("before", b.as_str())).collect();
    let res = on.call(client, "/api/fn/notifications", &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = res.json().await.unwrap();
    let unread = page["items"].as_array().unwrap().iter().map(|n| n["unread"] == true).collect();
    (unread, page["next_before"].as_i64())
}

#[tokio::test]
async fn interleaved_writes_on_two_instances_lose_no_unread_notification() {
    let (a, b) = two_instances().await;
    let ada = a.signed_up("ada").await;
    let bob = a.signed_up("bob").await;
    let eve = b.signed_up("eve").await;
    let post = a.post_photos(&ada, &["animated.gif"], "").await.to_string();

    // 200 comments in bursts, each burst at once and half through each instance; Ada
    // reads her notifications between bursts, on one instance or the other. Some bursts
    // are longer than a page: what the page did not show must stay unread.
    let bursts = [1, 3, 24, 2, 5, 1, 27, 8, 13, 2, 22, 1, 4, 9, 30, 6, 11, 3, 8, 20];
    assert_eq!(bursts.iter().sum::<usize>(), 200);
    let (mut created, mut shown_unread) = (0i64, 0i64);
    for (round, burst) in bursts.into_iter().enumerate() {
        let comments = (0..burst).map(|i| {
            let (on, who) = if i % 2 == 0 { (&a, &bob) } else { (&b, &eve) };
            let (text, post) = (format!("comment {i} of burst {round}"), &post);
            async move {
                let res = on.call(who, "/api/fn/add_comment", &[("post", post), ("text", &text)]).await;
                assert_eq!(res.status(), StatusCode::OK);
            }
        });
        futures::future::join_all(comments).await;
        created += i64::try_from(burst).unwrap();
        let reader = if round % 2 == 0 { &b } else { &a };
        let (page, _) = notifications(reader, &ada, None).await;
        shown_unread += page.iter().filter(|u| **u).count() as i64;
        let left = unread(if round % 2 == 0 { &a } else { &b }, &ada).await;
        assert_eq!(
            shown_unread + left,
            created,
            "after burst {round}: every notification was shown or is unread"
        );
    }

    // Reading every page shows the rest, once; then nothing is unread.
    let left = unread(&a, &ada).await;
    assert!(left > 0, "some bursts were longer than a page");
    let (mut rest, mut before, mut on_a) = (0i64, None, true);
    loop {
        let (page, next) = notifications(if on_a { &a } else { &b }, &ada, before).await;
        rest += page.iter().filter(|u| **u).count() as i64;
        on_a = !on_a;
        match next {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    assert_eq!(rest, left);
    assert_eq!(unread(&b, &ada).await, 0);
}

/// A session made on A works on B (sessions live in the database), and a password change
/// on A ends the person's other sessions on B too.
#[tokio::test]
async fn a_session_made_on_one_instance_works_on_the_other_until_a_password_change() {
    let (a, b) = two_instances().await;
    let laptop = a.signed_up("hedy").await;
    assert_eq!(b.whoami(&laptop).await.as_deref(), Some("hedy"), "A's session, on B");
    let phone = b.client();
    assert_eq!(b.sign_in(&phone, "hedy", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(a.whoami(&phone).await.as_deref(), Some("hedy"), "B's session, on A");
    let res = a
        .call(
            &laptop,
            "/api/fn/change_password",
            &[("old_password", PASSWORD), ("new_password", "frequency hopping")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        b.whoami(&laptop).await.as_deref(),
        Some("hedy"),
        "the session that changed it stays, on B too"
    );
    assert_eq!(b.whoami(&phone).await, None, "the other session is over on B");
    assert_eq!(a.whoami(&phone).await, None, "and on A");
}

/// A photo uploaded through A is served by B byte for byte, with the same headers.
#[tokio::test]
async fn a_photo_uploaded_through_one_instance_is_served_by_the_other_byte_for_byte() {
    let (a, b) = two_instances().await;
    let ada = a.signed_up("ada").await;
    let id = a.post_photos(&ada, &["photo.webp"], "from A").await;
    let post: Value = b.post_view(&ada, id).await.json().await.unwrap();
    for size in ["url", "thumb_url"] {
        let path = post["photos"][0][size].as_str().unwrap();
        let from_a = a.client().get(a.url(path)).send().await.unwrap();
        let from_b = b.client().get(b.url(path)).send().await.unwrap();
        assert_eq!(from_b.status(), StatusCode::OK, "{path}");
        for header in
            [header::CONTENT_TYPE, header::ETAG, header::CACHE_CONTROL, header::X_CONTENT_TYPE_OPTIONS]
        {
            assert_eq!(from_a.headers().get(&header), from_b.headers().get(&header), "{path}: {header}");
        }
        assert_eq!(from_a.bytes().await.unwrap(), from_b.bytes().await.unwrap(), "{path}");
    }
}

/// A like and a comment made on A show on B at once, with their notifications.
#[tokio::test]
async fn a_like_and_a_comment_on_one_instance_show_on_the_other_with_their_notifications() {
    let (a, b) = two_instances().await;
    let ada = a.signed_up("ada").await;
    let bob = b.signed_up("bob").await;
    let id = a.post_photos(&ada, &["animated.gif"], "hello").await;
    let post = id.to_string();
    assert_eq!(
        a.call(&bob, "/api/fn/like", &[("post", &post), ("liked", "true")]).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        a.call(&bob, "/api/fn/add_comment", &[("post", &post), ("text", "nice")]).await.status(),
        StatusCode::OK
    );
    let view: Value = b.post_view(&ada, id).await.json().await.unwrap();
    assert_eq!(view["likes"]["count"], 1);
    assert_eq!(view["comments"][0]["username"], "bob");
    assert_eq!(view["comments"][0]["text"], "nice");
    let page: Value = b.call(&ada, "/api/fn/notifications", &[]).await.json().await.unwrap();
    let seen: Vec<(&str, &str)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap(), n["actor"]["username"].as_str().unwrap()))
        .collect();
    assert_eq!(seen, [("Comment", "bob"), ("Like", "bob")]);
}
