//! Every request is served as the person who sent it, whatever else the server is doing:
//! server functions called while other people's pages render must never see a render's
//! signed-in user, and pages must never show someone else's. (A reactive owner that a page
//! render left current on a worker thread once made server functions children of that
//! render, so `current_user` answered with the render's user.) A render finds its caller and
//! their unread count together, once per request: each page must show its own count.

use crate::helpers::{TestApp, spawn_app};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::sync::{
    Arc,
    atomic::{AtomicBool, AtomicUsize, Ordering},
};

/// Calls per caller: enough to meet renders in flight many times over (the bug answered
/// about one call in five with a page loader's name).
const CALLS: usize = 150;

async fn json(app: &TestApp, client: &Client, endpoint: &str) -> Value {
    let res = app.call(client, endpoint, &[]).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_and_pages_answer_for_their_own_caller_under_concurrent_renders() {
    let app = Arc::new(spawn_app().await);
    let loaders = ["ann_loader", "bob_loader", "cyd_loader"];
    let callers = ["dee_caller", "eve_caller"];
    let mut clients = Vec::new();
    for name in loaders.iter().chain(&callers) {
        clients.push((*name, app.signed_up(name).await));
    }
    // Each loader has its own number of unread notifications: ann 1, bob 2, cyd 3.
    let follows = [("dee_caller", "ann_loader"), ("dee_caller", "bob_loader"), ("eve_caller", "bob_loader")]
        .into_iter()
        .chain([("dee_caller", "cyd_loader"), ("eve_caller", "cyd_loader"), ("ann_loader", "cyd_loader")]);
    for (follower, followee) in follows {
        let (_, client) = clients.iter().find(|(name, _)| *name == follower).unwrap();
        let res = app.call(client, "/api/fn/follow", &[("username", followee)]).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let wrong = Arc::new(AtomicUsize::new(0));
    let renders = Arc::new(AtomicUsize::new(0));

    // Page loaders: render `/` signed in, again and again, until the callers are done.
    let mut loader_tasks = Vec::new();
    for ((name, client), unread) in clients[..loaders.len()].iter().zip(1..) {
        let (name, client) = (*name, client.clone());
        let (app, stop, wrong, renders) = (app.clone(), stop.clone(), wrong.clone(), renders.clone());
        loader_tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let res = client.get(app.url("/")).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                let html = res.text().await.unwrap();
                renders.fetch_add(1, Ordering::Relaxed);
                let own = format!(r#"<span class="nav-username">{name}</span>"#);
                if !html.contains(&own) {
                    wrong.fetch_add(1, Ordering::Relaxed);
                    eprintln!("{name}'s page did not show {name} as signed in");
                }
                let badge = format!(r#"data-testid="unread-count" class="badge">{unread}<"#);
                if !html.contains(&badge) {
                    wrong.fetch_add(1, Ordering::Relaxed);
                    eprintln!("{name}'s page did not show their {unread} unread");
                }
            }
        }));
    }

    // Callers: ask who they are, and for their private settings, while the pages render.
    let mut caller_tasks = Vec::new();
    for (name, client) in &clients[loaders.len()..] {
        let (name, client) = (*name, client.clone());
        let (app, wrong) = (app.clone(), wrong.clone());
        caller_tasks.push(tokio::spawn(async move {
            for _ in 0..CALLS {
                let me = json(&app, &client, "/api/fn/current_user").await;
                if me["username"] != name {
                    wrong.fetch_add(1, Ordering::Relaxed);
                    eprintln!("current_user for {name} answered {me}");
                }
                let settings = json(&app, &client, "/api/fn/profile_settings").await;
                if settings["username"] != name {
                    wrong.fetch_add(1, Ordering::Relaxed);
                    eprintln!("profile_settings for {name} answered {settings}");
                }
            }
        }));
    }
    // A visitor, signed in as nobody, is nobody.
    let visitor = {
        let (app, wrong) = (app.clone(), wrong.clone());
        tokio::spawn(async move {
            let client = app.client();
            for _ in 0..CALLS {
                let me = json(&app, &client, "/api/fn/current_user").await;
                if !me.is_null() {
                    wrong.fetch_add(1, Ordering::Relaxed);
                    eprintln!("current_user for a visitor answered {me}");
                }
                let res = app.call(&client, "/api/fn/profile_settings", &[]).await;
                if res.status() != StatusCode::FORBIDDEN {
                    wrong.fetch_add(1, Ordering::Relaxed);
                    eprintln!("profile_settings for a visitor answered {}", res.status());
                }
            }
        })
    };

    for task in caller_tasks {
        task.await.unwrap();
    }
    visitor.await.unwrap();
    stop.store(true, Ordering::Relaxed);
    for task in loader_tasks {
        task.await.unwrap();
    }
    assert!(renders.load(Ordering::Relaxed) > 0, "no page rendered while the callers ran");
    assert_eq!(wrong.load(Ordering::Relaxed), 0, "answers that named someone other than the caller");
}
