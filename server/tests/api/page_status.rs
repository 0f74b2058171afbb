//! Pages whose data fails answer the error's HTTP status (for browsers and crawlers),
//! with the message in the server-rendered page, not a 200.

use crate::helpers::{TestApp, spawn_app};
use reqwest::{Client, StatusCode};

const SERVER_ERROR: &str = "Something went wrong on our side. Please try again.";

/// The status and HTML of the page at `path`, as `client` sees it.
async fn page(app: &TestApp, client: &Client, path: &str) -> (StatusCode, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Makes `table` unreadable to the running server, as a damaged or half-migrated database
/// would: renamed away through a second connection to the server's own database.
async fn lose_table(app: &TestApp, table: &str) {
    app.execute(&format!("ALTER TABLE {table} RENAME TO lost_{table}")).await;
}

#[tokio::test]
async fn missing_people_and_posts_answer_404_with_the_not_found_page() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let kept = app.post_photos(&ada, &["animated.gif"], "kept #sun").await;
    let deleted = app.post_photos(&ada, &["animated.gif"], "gone").await;
    let res = app.call(&ada, "/api/fn/delete_post", &[("id", &deleted.to_string())]).await;
    assert_eq!(res.status(), StatusCode::OK);

    let visitor = app.client();
    for path in [
        "/users/nobody/".to_owned(),
        "/users/nobody/followers/".to_owned(),
        "/users/nobody/following/".to_owned(),
        "/posts/999999/".to_owned(),
        "/posts/not-a-number/".to_owned(),
        format!("/posts/{deleted}/"),
        "/tags/nosuchtag/".to_owned(),
    ] {
        for client in [&visitor, &ada] {
            let (status, html) = page(&app, client, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(html.contains("Page not found"), "{path}: {html}");
        }
    }
    let (status, html) = page(&app, &visitor, &format!("/posts/{kept}/")).await;
    assert_eq!(status, StatusCode::OK, "the post that is still there");
    assert!(html.contains("kept"));
}

#[tokio::test]
async fn a_page_refusing_its_input_answers_400_with_the_message() {
    let app = spawn_app().await;
    app.signed_up("ada").await;
    let (status, html) = page(&app, &app.client(), "/users/ada/followers/?after=%2F%2Fnot-a-name").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("form-error"), "{html}");
    let (status, _) = page(&app, &app.client(), "/users/ada/followers/").await;
    assert_eq!(status, StatusCode::OK);
}

/// No page's data answers 403 to a browser today: the pages that need a signed-in person
/// send visitors to sign in first (302), and nobody's page shows another's private data.
/// `components::page_error`'s unit tests check that a 403 would be answered as such.
#[tokio::test]
async fn pages_for_members_send_visitors_to_sign_in_rather_than_403() {
    let app = spawn_app().await;
    for path in ["/explore/", "/notifications/", "/search/?q=a", "/accounts/tokens/", "/accounts/edit/"] {
        let (status, _) = page(&app, &app.client(), path).await;
        assert_eq!(status, StatusCode::FOUND, "{path}");
    }
}

#[tokio::test]
async fn pages_whose_data_cannot_be_read_answer_500_with_the_message() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    let id = app.post_photos(&ada, &["animated.gif"], "hello #sun").await;
    assert_eq!(app.call(&bob, "/api/fn/follow", &[("username", "ada")]).await.status(), StatusCode::OK);
    let visitor = app.client();

    // Each step loses a table the pages beside it read (and no page of a later step
    // reads); the account and session tables stay, so the people are still signed in.
    // Notifications are lost on an instance of their own (below): every signed-in page
    // finds its reader's unread count together with the reader.
    let steps: [(&str, Vec<(&Client, String)>); 3] = [
        ("access_tokens", vec![(&ada, "/accounts/tokens/".into())]),
        (
            "posts",
            vec![
                (&visitor, format!("/posts/{id}/")),
                (&visitor, "/users/ada/".into()),
                (&visitor, "/tags/sun/".into()),
                (&bob, "/".into()),
                (&bob, "/explore/".into()),
            ],
        ),
        (
            "follows",
            vec![(&visitor, "/users/ada/followers/".into()), (&visitor, "/users/ada/following/".into())],
        ),
    ];
    for (table, pages) in steps {
        for (client, path) in &pages {
            assert_eq!(page(&app, client, path).await.0, StatusCode::OK, "{path} before losing {table}");
        }
        lose_table(&app, table).await;
        for (client, path) in &pages {
            let (status, html) = page(&app, client, path).await;
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path} without {table}");
            assert!(html.contains(SERVER_ERROR), "{path}: {html}");
        }
    }

    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    for path in ["/notifications/", "/", "/explore/"] {
        assert_eq!(page(&app, &ada, path).await.0, StatusCode::OK, "{path} before losing notifications");
    }
    lose_table(&app, "notifications").await;
    for path in ["/notifications/", "/", "/explore/"] {
        let (status, html) = page(&app, &ada, path).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path} without notifications");
        assert!(html.contains(SERVER_ERROR), "{path}: {html}");
    }
    let (status, _) = page(&app, &app.client(), "/users/ada/").await;
    assert_eq!(status, StatusCode::OK, "a visitor's page does not read them");
}
