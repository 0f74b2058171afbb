//! The password throttle as people meet it: a stranger guessing from one address is slowed
//! down without locking the owner out; a guess spread over many addresses meets the
//! account's ceiling; password confirmations count like sign-ins.
//!
//! Every test client connects over loopback. Linux routes all of 127.0.0.0/8 to it, so a
//! client bound to 127.0.0.2 reaches the server (listening on 127.0.0.1) and the server
//! sees 127.0.0.2: that is how these tests act from several addresses.

use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_with};
use app::server::throttle::ThrottlePolicy;
use reqwest::{Client, Response, StatusCode, header, redirect::Policy};
use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    time::Duration,
};

/// A fresh browser-like client whose connections come from 127.0.0.`n`.
pub fn client_from(app: &TestApp, n: u8) -> Client {
    let port: u16 = app.address.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        // `localhost` could resolve to ::1 first, which a v4 source address cannot reach.
        .resolve("localhost", SocketAddr::from(([127, 0, 0, 1], port)))
        .build()
        .expect("client")
}

pub fn retry_after(res: &Response) -> u64 {
    res.headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a 429 says when to retry")
}

#[tokio::test]
async fn a_strangers_guesses_do_not_lock_the_owner_out() {
    let app = spawn_app().await;
    let owner = app.signed_up("ada").await;
    app.sign_out(&owner).await;

    let stranger = client_from(&app, 2);
    for i in 0..5 {
        let res = app.sign_in(&stranger, "ada", "a wrong guess").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "guess {i}");
    }
    for _ in 0..3 {
        let res = app.sign_in(&stranger, "ada", "a wrong guess").await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the stranger is slowed down");
        let wait = retry_after(&res);
        assert!(wait > 0 && wait <= 15 * 60, "Retry-After {wait}");
    }
    let res = app.sign_in(&stranger, "ada", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even a right guess waits there");

    // The owner, from their own address, signs in at once; so does a script with Basic.
    let res = app.sign_in(&owner, "ada", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK, "the owner is not locked out");
    assert_eq!(app.whoami(&owner).await.as_deref(), Some("ada"));
    let res =
        app.client().get(app.url("/api/v1/posts/")).basic_auth("ada", Some(PASSWORD)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "nor their REST scripts");
}

#[tokio::test]
async fn the_owners_own_mistakes_are_forgiven_by_a_right_password() {
    let app = spawn_app().await;
    app.signed_up("ada").await;
    let owner = app.client();
    for _ in 0..4 {
        assert_eq!(app.sign_in(&owner, "ada", "typo typo").await.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(app.sign_in(&owner, "ada", PASSWORD).await.status(), StatusCode::OK);
    app.sign_out(&owner).await;
    for _ in 0..4 {
        assert_eq!(app.sign_in(&owner, "ada", "typo typo").await.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(app.sign_in(&owner, "ada", PASSWORD).await.status(), StatusCode::OK, "a fresh budget");
}

#[tokio::test]
async fn a_guess_spread_over_many_addresses_meets_the_accounts_ceiling() {
    let policy = ThrottlePolicy {
        window: Duration::from_secs(15 * 60),
        max_failures_per_account_and_address: 2,
        max_failures_per_address: 10,
        max_failures_per_account: 6,
    };
    let app = spawn_app_with(|config| config.password_throttle = policy).await;
    app.signed_up("ada").await;
    for n in 2..5 {
        let guesser = client_from(&app, n);
        for _ in 0..2 {
            let res = app.sign_in(&guesser, "ada", "a wrong guess").await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "from 127.0.0.{n}");
        }
    }
    let res = app.sign_in(&client_from(&app, 9), "ada", "a wrong guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "a seventh address meets the ceiling");
    assert!(retry_after(&res) > 0);
    let res = app.sign_in(&client_from(&app, 9), "grace", "a wrong guess").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "other accounts are not affected");
}

#[tokio::test]
async fn concurrent_guesses_cannot_slip_past_the_limit() {
    let app = spawn_app().await;
    app.signed_up("ada").await;
    let stranger = client_from(&app, 2);
    let answers =
        futures::future::join_all((0..12).map(|_| app.sign_in(&stranger, "ada", "a wrong guess"))).await;
    let statuses: Vec<StatusCode> = answers.iter().map(Response::status).collect();
    let checked = statuses.iter().filter(|s| **s == StatusCode::FORBIDDEN).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (5, 7), "{statuses:?}");
}

#[tokio::test]
async fn wrong_password_confirmations_are_throttled() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    for i in 0..5 {
        let res = app.call(&ada, "/api/fn/delete_account", &[("password", "a wrong guess")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "confirmation {i}");
    }
    let res = app.call(&ada, "/api/fn/delete_account", &[("password", "a wrong guess")]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&res) > 0);
    let res = app
        .call(
            &ada,
            "/api/fn/change_password",
            &[("old_password", "another guess"), ("new_password", "new pass phrase")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "one budget for every confirmation");
    let res = app.call(&ada, "/api/fn/delete_account", &[("password", PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert_eq!(app.whoami(&ada).await.as_deref(), Some("ada"), "nothing was deleted");
    // Confirmations count like sign-ins from that address.
    assert_eq!(app.sign_in(&app.client(), "ada", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn wrong_old_passwords_are_throttled() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let change = |old: &'static str| {
        let form = [("old_password", old), ("new_password", "new pass phrase")];
        let (app, ada) = (&app, &ada);
        async move { app.call(ada, "/api/fn/change_password", &form).await }
    };
    for i in 0..5 {
        assert_eq!(change("a wrong guess").await.status(), StatusCode::FORBIDDEN, "attempt {i}");
    }
    let res = change("a wrong guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&res) > 0);
    assert_eq!(change(PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = app.sign_in(&client_from(&app, 2), "ada", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK, "the password did not change");
}

#[tokio::test]
async fn a_right_confirmation_passes_and_resets_the_budget() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    for _ in 0..4 {
        let res = app.call(&ada, "/api/fn/delete_account", &[("password", "a wrong guess")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let res = app
        .call(
            &ada,
            "/api/fn/change_password",
            &[("old_password", PASSWORD), ("new_password", "new pass phrase")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    for _ in 0..4 {
        let res = app.call(&ada, "/api/fn/delete_account", &[("password", "a wrong guess")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "the budget was reset by the right password");
    }
    let res = app.call(&ada, "/api/fn/delete_account", &[("password", "new pass phrase")]).await;
    assert_eq!(res.status(), StatusCode::OK);
}
