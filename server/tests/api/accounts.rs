//! Sign up, sign in, profile, password and deletion rules.

use crate::helpers::{PASSWORD, error_message, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn signing_up_signs_you_in_and_goes_to_next() {
    let app = spawn_app().await;
    let client = app.client();
    let res = app
        .call(
            &client,
            "/api/fn/sign_up",
            &[
                ("username", "Ada.Lovelace"),
                ("full_name", "Ada Lovelace"),
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", "/accounts/edit/"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["location"], "/accounts/edit/");
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("ada.lovelace"),
        "usernames are stored in lower case"
    );
}

#[tokio::test]
async fn duplicate_username_is_409_whatever_the_case() {
    let app = spawn_app().await;
    app.signed_up("grace").await;
    let other = app.client();
    let res = app.sign_up(&other, "GRACE").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(error_message(res).await, "This username is taken. Try another one.");
    assert_eq!(app.whoami(&other).await, None);
}

#[tokio::test]
async fn sign_up_refuses_bad_input_with_400_and_creates_nothing() {
    let app = spawn_app().await;
    let good =
        [("username", "linus"), ("full_name", "Linus"), ("email", "l@example.com"), ("password", PASSWORD)];
    let cases: &[(&str, &str, &str)] = &[
        ("username", "", "Enter a username."),
        ("username", "has space", "A username may only use letters a–z, digits, '.' and '_'."),
        ("username", "accounts", "This username is reserved."),
        ("username", &"a".repeat(31), "A username has at most 30 characters."),
        ("full_name", "", "Enter your name."),
        ("email", "", "Enter an email address."),
        ("email", "not-an-email", "Enter a valid email address, like name@example.com."),
        ("password", "", "A password needs at least 8 characters."),
        ("password", "short", "A password needs at least 8 characters."),
    ];
    for (field, value, message) in cases {
        let form: Vec<(&str, &str)> =
            good.iter().map(|(k, v)| if k == field { (*k, *value) } else { (*k, *v) }).collect();
        let client = app.client();
        let res = app.call(&client, "/api/fn/sign_up", &form).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{field}={value:?}");
        assert_eq!(error_message(res).await, *message, "{field}={value:?}");
    }
    // A missing field is a 400 too, not a 500.
    let res = app.call(&app.client(), "/api/fn/sign_up", &[("username", "linus")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // None of the refused attempts created the account.
    let res = app.sign_in(&app.client(), "linus", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    app.signed_up("margaret").await;
    let wrong = app.sign_in(&app.client(), "margaret", "wrong password").await;
    let unknown = app.sign_in(&app.client(), "nobody_here", "wrong password").await;
    let impossible = app.sign_in(&app.client(), "not a username!", "wrong password").await;
    for res in [wrong, unknown, impossible] {
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(error_message(res).await, "Invalid username or password");
    }
}

#[tokio::test]
async fn empty_sign_in_fields_are_400() {
    let app = spawn_app().await;
    let res = app.sign_in(&app.client(), "", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app.sign_in(&app.client(), "someone", "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sign_in_works_case_insensitively() {
    let app = spawn_app().await;
    app.signed_up("barbara").await;
    let client = app.client();
    let res = app.sign_in(&client, "Barbara", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.whoami(&client).await.as_deref(), Some("barbara"));
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_account_with_retry_after() {
    let app = spawn_app().await;
    app.signed_up("frances").await;
    for _ in 0..5 {
        let res = app.sign_in(&app.client(), "frances", "guess guess").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let res = app.sign_in(&app.client(), "frances", "guess guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "Retry-After {retry}");
    // Even the right password waits from this address (elsewhere it works: see throttle.rs).
    let res = app.sign_in(&app.client(), "frances", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn failures_from_one_ip_across_accounts_are_throttled() {
    let app = spawn_app().await;
    for i in 0..20 {
        let res = app.sign_in(&app.client(), &format!("ghost{i}"), "guess guess").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "attempt {i}");
    }
    let res = app.sign_in(&app.client(), "ghost_next", "guess guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn profile_edits_are_saved_and_validated() {
    let app = spawn_app().await;
    let client = app.signed_up("katherine").await;
    let res = app
        .call(
            &client,
            "/api/fn/update_profile",
            &[("full_name", " Katherine Johnson "), ("email", "kj@nasa.gov"), ("bio", "Orbits\r\nand maths")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["location"], "/accounts/edit/?saved=1", "back to the form, saying it saved");
    let settings: Value = app.call(&client, "/api/fn/profile_settings", &[]).await.json().await.unwrap();
    assert_eq!(settings["full_name"], "Katherine Johnson");
    assert_eq!(settings["email"], "kj@nasa.gov");
    assert_eq!(settings["bio"], "Orbits\nand maths");

    let long_bio = "x".repeat(151);
    for form in [
        [("full_name", "K"), ("email", "kj@nasa.gov"), ("bio", long_bio.as_str())],
        [("full_name", ""), ("email", "kj@nasa.gov"), ("bio", "")],
        [("full_name", "K"), ("email", "nope"), ("bio", "")],
    ] {
        let res = app.call(&client, "/api/fn/update_profile", &form).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{form:?}");
    }
    let settings: Value = app.call(&client, "/api/fn/profile_settings", &[]).await.json().await.unwrap();
    assert_eq!(settings["full_name"], "Katherine Johnson", "refused edits change nothing");
}

#[tokio::test]
async fn settings_need_a_signed_in_user() {
    let app = spawn_app().await;
    let anonymous = app.client();
    for (path, form) in [
        ("/api/fn/profile_settings", vec![]),
        ("/api/fn/update_profile", vec![("full_name", "X"), ("email", "x@example.com"), ("bio", "")]),
        ("/api/fn/change_password", vec![("old_password", PASSWORD), ("new_password", "another password")]),
        ("/api/fn/delete_account", vec![("password", PASSWORD)]),
    ] {
        let res = app.call(&anonymous, path, &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(error_message(res).await, "Please sign in first.");
    }
}

#[tokio::test]
async fn changing_password_needs_the_old_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let laptop = app.signed_up("hedy").await;
    let phone = app.client();
    assert_eq!(app.sign_in(&phone, "hedy", PASSWORD).await.status(), StatusCode::OK);

    let res = app
        .call(
            &laptop,
            "/api/fn/change_password",
            &[("old_password", "not my password"), ("new_password", "frequency hopping")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_message(res).await, "Your current password is not correct.");
    let res = app
        .call(&laptop, "/api/fn/change_password", &[("old_password", PASSWORD), ("new_password", "short")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.whoami(&phone).await.as_deref(), Some("hedy"), "refused changes end nothing");

    let res = app
        .call(
            &laptop,
            "/api/fn/change_password",
            &[("old_password", PASSWORD), ("new_password", "frequency hopping")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.whoami(&laptop).await.as_deref(), Some("hedy"), "this session stays signed in");
    assert_eq!(app.whoami(&phone).await, None, "the other session is over");

    assert_eq!(app.sign_in(&app.client(), "hedy", PASSWORD).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.sign_in(&app.client(), "hedy", "frequency hopping").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn deleting_an_account_needs_the_password_and_ends_every_session() {
    let app = spawn_app().await;
    let laptop = app.signed_up("alan").await;
    let phone = app.client();
    assert_eq!(app.sign_in(&phone, "alan", PASSWORD).await.status(), StatusCode::OK);

    let res = app.call(&laptop, "/api/fn/delete_account", &[("password", "wrong password")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.call(&laptop, "/api/fn/delete_account", &[("password", "")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.whoami(&laptop).await.as_deref(), Some("alan"), "refused deletion changes nothing");

    let res = app.call(&laptop, "/api/fn/delete_account", &[("password", PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(app.whoami(&laptop).await, None);
    assert_eq!(app.whoami(&phone).await, None);
    assert_eq!(app.sign_in(&app.client(), "alan", PASSWORD).await.status(), StatusCode::FORBIDDEN);
    // The name is free again.
    assert_eq!(app.sign_up(&app.client(), "alan").await.status(), StatusCode::OK);
}
