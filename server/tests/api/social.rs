//! Follows, the feed and likes: contents and order, keyset pages, idempotence,
//! concurrency, and nobody touching anyone else's like.

use crate::helpers::{TestApp, spawn_app};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn feed(app: &TestApp, client: &Client, before: Option<i64>) -> Value {
    let before = before.map(|b| b.to_string());
    let mut form = vec![];
    if let Some(b) = &before {
        form.push(("before", b.as_str()));
    }
    let res = app.call(client, "/api/fn/feed", &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn ids(page: &Value) -> Vec<i64> {
    page["cards"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

async fn profile(app: &TestApp, client: &Client, username: &str) -> Value {
    app.call(client, "/api/fn/profile", &[("username", username)]).await.json().await.unwrap()
}

#[tokio::test]
async fn following_rules() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    app.signed_up("bob").await;
    let res = app.call(&ada, "/api/fn/follow", &[("username", "ada")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "following yourself is refused");
    let res = app.call(&ada, "/api/fn/follow", &[("username", "nobody")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.call(&app.client(), "/api/fn/follow", &[("username", "bob")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "visitors cannot follow");
    for _ in 0..2 {
        let res = app.call(&ada, "/api/fn/follow", &[("username", "bob")]).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let bob = profile(&app, &ada, "bob").await;
    assert_eq!(
        (bob["followers"].as_i64(), bob["i_follow"].as_bool()),
        (Some(1), Some(true)),
        "twice is once"
    );
    assert_eq!(profile(&app, &ada, "ada").await["following"], 1);
    assert_eq!(profile(&app, &ada, "ada").await["i_follow"], Value::Null, "no button for oneself");
    for _ in 0..2 {
        assert_eq!(app.call(&ada, "/api/fn/unfollow", &[("username", "bob")]).await.status(), StatusCode::OK);
    }
    assert_eq!(profile(&app, &ada, "bob").await["followers"], 0);
}

#[tokio::test]
async fn the_feed_is_own_and_followed_posts_newest_first() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    let eve = app.signed_up("eve").await;
    let a1 = app.post_photos(&ada, &["animated.gif"], "ada 1").await;
    let b1 = app.post_photos(&bob, &["animated.gif"], "bob 1").await;
    let _e1 = app.post_photos(&eve, &["animated.gif"], "eve 1").await;
    let a2 = app.post_photos(&ada, &["animated.gif"], "ada 2").await;
    assert_eq!(ids(&feed(&app, &ada, None).await), vec![a2, a1], "own posts only at first");

    app.call(&ada, "/api/fn/follow", &[("username", "bob")]).await;
    let page = feed(&app, &ada, None).await;
    assert_eq!(ids(&page), vec![a2, b1, a1]);
    assert_eq!(page["cards"][1]["owner"]["username"], "bob");
    assert_eq!(page["cards"][1]["photos"].as_array().unwrap().len(), 1);
    assert_eq!(page["next_before"], Value::Null);

    app.call(&ada, "/api/fn/unfollow", &[("username", "bob")]).await;
    assert_eq!(ids(&feed(&app, &ada, None).await), vec![a2, a1], "unfollowing removes their posts");
    let res = app.call(&app.client(), "/api/fn/feed", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn feed_pages_are_ten_and_stable_while_new_posts_arrive() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let mut posted = Vec::new();
    for i in 0..23 {
        posted.push(app.post_photos(&ada, &["animated.gif"], &format!("post {i}")).await);
    }
    let newest_first: Vec<i64> = posted.iter().rev().copied().collect();
    let page1 = feed(&app, &ada, None).await;
    assert_eq!(ids(&page1), newest_first[0..10]);
    // New posts arrive while the reader scrolls: the next pages do not shift.
    app.post_photos(&ada, &["animated.gif"], "late").await;
    let page2 = feed(&app, &ada, page1["next_before"].as_i64()).await;
    assert_eq!(ids(&page2), newest_first[10..20]);
    let page3 = feed(&app, &ada, page2["next_before"].as_i64()).await;
    assert_eq!(ids(&page3), newest_first[20..23]);
    assert_eq!(page3["next_before"], Value::Null);
}

async fn like(app: &TestApp, client: &Client, post: i64, liked: bool) -> reqwest::Response {
    app.call(client, "/api/fn/like", &[("post", &post.to_string()), ("liked", &liked.to_string())]).await
}

#[tokio::test]
async fn likes_are_idempotent_and_only_ever_ones_own() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    let post = app.post_photos(&ada, &["animated.gif"], "").await;
    for _ in 0..2 {
        let state: Value = like(&app, &ada, post, true).await.json().await.unwrap();
        assert_eq!((state["count"].as_i64(), state["liked"].as_bool()), (Some(1), Some(true)));
    }
    // Bob "unliking" touches only Bob's like, of which there is none.
    let state: Value = like(&app, &bob, post, false).await.json().await.unwrap();
    assert_eq!((state["count"].as_i64(), state["liked"].as_bool()), (Some(1), Some(false)));
    let state: Value = like(&app, &bob, post, true).await.json().await.unwrap();
    assert_eq!(state["count"], 2);
    let card = &feed(&app, &ada, None).await["cards"][0];
    assert_eq!((card["likes"]["count"].as_i64(), card["likes"]["liked"].as_bool()), (Some(2), Some(true)));
    assert_eq!(like(&app, &ada, 999_999, true).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(like(&app, &app.client(), post, true).await.status(), StatusCode::FORBIDDEN);
    let res = app.call(&ada, "/api/fn/like", &[("post", "abc"), ("liked", "true")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn fifty_concurrent_clients_end_with_counts_equal_to_the_rows() {
    let app = spawn_app().await;
    let owner = app.signed_up("popular").await;
    let post = app.post_photos(&owner, &["animated.gif"], "").await;
    let mut clients = Vec::new();
    for i in 0..50 {
        clients.push(app.signed_up(&format!("fan{i}")).await);
    }
    // Each client likes, unlikes and likes again; odd ones end unliked.
    let tasks = clients.iter().enumerate().map(|(i, client)| {
        let app = &app;
        async move {
            for liked in [true, false, true, i % 2 == 0] {
                assert_eq!(like(app, client, post, liked).await.status(), StatusCode::OK);
            }
        }
    });
    futures::future::join_all(tasks).await;
    let rows = app.count(&format!("SELECT count(*) FROM likes WHERE post_id = {post}")).await;
    assert_eq!(rows, 25);
    let shown: Value = app.post_view(&owner, post).await.json().await.unwrap();
    assert_eq!(shown["likes"]["count"], rows);
}

#[tokio::test]
async fn comments_rules_and_who_may_delete_them() {
    let app = spawn_app().await;
    let owner = app.signed_up("owner").await;
    let writer = app.signed_up("writer").await;
    let stranger = app.signed_up("stranger").await;
    let post = app.post_photos(&owner, &["animated.gif"], "").await;
    let p = post.to_string();
    let comment = |client: &Client, text: &str| {
        let (app, p, text, client) = (&app, p.clone(), text.to_owned(), client.clone());
        async move { app.call(&client, "/api/fn/add_comment", &[("post", &p), ("text", &text)]).await }
    };
    for bad in ["", "   ", &"x".repeat(1001)] {
        assert_eq!(comment(&writer, bad).await.status(), StatusCode::BAD_REQUEST);
    }
    let res = app.call(&writer, "/api/fn/add_comment", &[("post", "999999"), ("text", "hi")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(comment(&app.client(), "hi").await.status(), StatusCode::FORBIDDEN);

    let first: Value = comment(&writer, "  first! @owner  ").await.json().await.unwrap();
    assert_eq!((first["text"].as_str(), first["username"].as_str()), (Some("first! @owner"), Some("writer")));
    let second: Value = comment(&writer, "second").await.json().await.unwrap();
    let third: Value = comment(&stranger, "third").await.json().await.unwrap();

    let view: Value = app.post_view(&owner, post).await.json().await.unwrap();
    let texts: Vec<&str> =
        view["comments"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["first! @owner", "second", "third"], "oldest first");
    assert!(
        view["comments"].as_array().unwrap().iter().all(|c| c["can_delete"] == true),
        "the owner may delete all"
    );
    let seen_by_stranger: Value = app.post_view(&stranger, post).await.json().await.unwrap();
    let deletable: Vec<bool> = seen_by_stranger["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["can_delete"].as_bool().unwrap())
        .collect();
    assert_eq!(deletable, [false, false, true]);

    let delete = |client: &Client, id: &Value| {
        let (app, id, client) = (&app, id.as_i64().unwrap().to_string(), client.clone());
        async move { app.call(&client, "/api/fn/delete_comment", &[("id", &id)]).await }
    };
    assert_eq!(delete(&stranger, &first["id"]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(delete(&writer, &first["id"]).await.status(), StatusCode::OK, "its author");
    assert_eq!(delete(&owner, &third["id"]).await.status(), StatusCode::OK, "the post's owner");
    assert_eq!(delete(&owner, &third["id"]).await.status(), StatusCode::NOT_FOUND);
    let view: Value = app.post_view(&owner, post).await.json().await.unwrap();
    assert_eq!(view["comments"].as_array().unwrap().len(), 1);
    assert_eq!(view["comments"][0]["id"], second["id"]);
    // The feed card carries the count and the first comments.
    let card = &feed(&app, &owner, None).await["cards"][0];
    assert_eq!(card["comment_count"], 1);
    assert_eq!(card["first_comments"][0]["text"], "second");
}

#[tokio::test]
async fn follower_lists_and_explore() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    let cy = app.signed_up("cy").await;
    app.call(&bob, "/api/fn/follow", &[("username", "ada")]).await;
    app.call(&cy, "/api/fn/follow", &[("username", "ada")]).await;
    app.call(&cy, "/api/fn/follow", &[("username", "bob")]).await;

    let page: Value = app
        .call(&bob, "/api/fn/people", &[("username", "ada"), ("list", "followers")])
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> =
        page["people"].as_array().unwrap().iter().map(|p| p["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["bob", "cy"]);
    assert_eq!(page["people"][0]["i_follow"], Value::Null, "no button for oneself");
    assert_eq!(page["people"][1]["i_follow"], false);
    let res = app.call(&bob, "/api/fn/people", &[("username", "ada"), ("list", "enemies")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app.call(&bob, "/api/fn/people", &[("username", "nobody"), ("list", "followers")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Explore suggests people not followed yet, most followed first, never oneself.
    let explore: Value = app.call(&ada, "/api/fn/explore", &[]).await.json().await.unwrap();
    let names: Vec<&str> =
        explore["people"].as_array().unwrap().iter().map(|p| p["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["bob", "cy"], "bob has a follower, cy none");
    app.call(&ada, "/api/fn/follow", &[("username", "bob")]).await;
    let explore: Value = app.call(&ada, "/api/fn/explore", &[]).await.json().await.unwrap();
    assert_eq!(explore["people"].as_array().unwrap().len(), 1);
    let post = app.post_photos(&cy, &["animated.gif"], "").await;
    let explore: Value = app.call(&ada, "/api/fn/explore", &[]).await.json().await.unwrap();
    assert_eq!(explore["popular"][0]["id"], post);
    assert_eq!(app.call(&app.client(), "/api/fn/explore", &[]).await.status(), StatusCode::FORBIDDEN);

    // The pages render, and unknown people are a 404.
    let html = bob.get(app.url("/users/ada/followers/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("People following @ada") && html.contains("href=\"/users/cy/\""));
    let res = bob.get(app.url("/users/nobody/following/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.client().get(app.url("/explore/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "explore needs a signed-in visitor");
}

/// Follower counts are kept by the database (triggers on `follows`): every follow,
/// unfollow and deleted account moves them, and explore ranks people by them.
#[tokio::test]
async fn follower_counts_follow_follows_unfollows_and_deleted_accounts() {
    let app = spawn_app().await;
    let [_ada, bob, cy, dee, eve] = [
        app.signed_up("ada").await,
        app.signed_up("bob").await,
        app.signed_up("cy").await,
        app.signed_up("dee").await,
        app.signed_up("eve").await,
    ];
    for (who, whom) in [(&bob, "ada"), (&cy, "ada"), (&dee, "ada"), (&cy, "bob"), (&dee, "bob"), (&dee, "cy")]
    {
        assert_eq!(app.call(who, "/api/fn/follow", &[("username", whom)]).await.status(), StatusCode::OK);
    }
    let followers = |names: &'static [&'static str]| {
        let (app, eve) = (&app, &eve);
        async move {
            let mut counts = Vec::new();
            for name in names {
                counts.push(profile(app, eve, name).await["followers"].as_i64().unwrap_or(-1));
            }
            counts
        }
    };
    let suggested = || async {
        let explore: Value = app.call(&eve, "/api/fn/explore", &[]).await.json().await.unwrap();
        explore["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["username"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(followers(&["ada", "bob", "cy", "dee"]).await, [3, 2, 1, 0]);
    assert_eq!(suggested().await, ["ada", "bob", "cy", "dee"], "most followed first");

    // An account deletion takes its follows, and their counts, with it.
    let res = app.call(&dee, "/api/fn/delete_account", &[("password", crate::helpers::PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(followers(&["ada", "bob", "cy"]).await, [2, 1, 0]);
    assert_eq!(suggested().await, ["ada", "bob", "cy"]);

    // An unfollow counts once, however often it is sent; equal counts: the newest first.
    for _ in 0..2 {
        assert_eq!(app.call(&cy, "/api/fn/unfollow", &[("username", "ada")]).await.status(), StatusCode::OK);
    }
    assert_eq!(followers(&["ada", "bob", "cy"]).await, [1, 1, 0]);
    assert_eq!(suggested().await, ["bob", "ada", "cy"]);
    app.call(&eve, "/api/fn/follow", &[("username", "cy")]).await;
    assert_eq!(followers(&["cy"]).await, [1]);
    assert_eq!(suggested().await, ["bob", "ada"], "whom one follows is not suggested");
}

/// Likes and comments racing the deletion of their post: each answers 200 (it came first)
/// or 404 (the post was gone), never a 500 — on PostgreSQL too, where nothing serialises
/// writers and a row can vanish between a statement's read and its foreign-key check.
#[tokio::test]
async fn likes_and_comments_racing_a_post_deletion_answer_200_or_404() {
    let app = spawn_app().await;
    let owner = app.signed_up("fleeting").await;
    let mut fans = Vec::new();
    for i in 0..12 {
        fans.push(app.signed_up(&format!("racer{i}")).await);
    }
    for round in 0..6 {
        let post = app.post_photos(&owner, &["animated.gif"], &format!("round {round}")).await.to_string();
        let deletion = async {
            let res = app.call(&owner, "/api/fn/delete_post", &[("id", &post)]).await;
            vec![("delete", res.status())]
        };
        let reactions = fans.iter().map(|fan| {
            let (app, post) = (&app, &post);
            async move {
                let like = app.call(fan, "/api/fn/like", &[("post", post), ("liked", "true")]).await;
                let comment =
                    app.call(fan, "/api/fn/add_comment", &[("post", post), ("text", "quick!")]).await;
                vec![("like", like.status()), ("comment", comment.status())]
            }
        });
        let (deleted, reacted) = futures::join!(deletion, futures::future::join_all(reactions));
        for (what, status) in deleted.into_iter().chain(reacted.into_iter().flatten()) {
            assert!(
                status == StatusCode::OK || (what != "delete" && status == StatusCode::NOT_FOUND),
                "round {round}: {what} answered {status}"
            );
        }
    }
}

/// Follows and @mentions racing the deletion of the account they name: each answers 200
/// (it came first, or the mention found nobody) or 404 (the person was gone), never a 500.
#[tokio::test]
async fn follows_and_mentions_racing_an_account_deletion_answer_200_or_404() {
    let app = spawn_app().await;
    let host = app.signed_up("host").await;
    let post = app.post_photos(&host, &["animated.gif"], "").await.to_string();
    let mut fans = Vec::new();
    for i in 0..12 {
        fans.push(app.signed_up(&format!("chaser{i}")).await);
    }
    for round in 0..6 {
        let name = format!("leaving{round}");
        let leaving = app.signed_up(&name).await;
        let deletion = async {
            let res =
                app.call(&leaving, "/api/fn/delete_account", &[("password", crate::helpers::PASSWORD)]).await;
            vec![("delete", res.status())]
        };
        let reactions = fans.iter().map(|fan| {
            let (app, post, name) = (&app, &post, &name);
            async move {
                let follow = app.call(fan, "/api/fn/follow", &[("username", name)]).await;
                let text = format!("@{name} wait!");
                let comment = app.call(fan, "/api/fn/add_comment", &[("post", post), ("text", &text)]).await;
                vec![("follow", follow.status()), ("comment", comment.status())]
            }
        });
        let (deleted, reacted) = futures::join!(deletion, futures::future::join_all(reactions));
        for (what, status) in deleted.into_iter().chain(reacted.into_iter().flatten()) {
            assert!(
                status == StatusCode::OK || (what == "follow" && status == StatusCode::NOT_FOUND),
                "round {round}: {what} answered {status}"
            );
        }
    }
}
