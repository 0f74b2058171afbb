//! What holds whichever database engine a server runs on (`--database-url`).

use crate::helpers::{spawn_app, test_config};
use reqwest::StatusCode;
use serde_json::Value;

/// Several instances share one PostgreSQL database and may start at the same moment:
/// the migrations (under sqlx's advisory lock) and the session table (made by them, not
/// by the session store's racy CREATE IF NOT EXISTS) are set up once, and every one of
/// them starts. (SQLite is one instance's file: there is nothing to share.)
#[tokio::test]
async fn instances_starting_at_once_on_one_postgres_database_all_start() {
    let data = tempfile::tempdir().unwrap();
    let (config, database) = test_config(data.path()).await;
    if database.is_none() {
        return;
    }
    let starts = (0..4).map(|_| server::startup::Application::build(config.clone()));
    for started in futures::future::join_all(starts).await {
        started.expect("every instance starts");
    }
}

/// Ids are 64-bit integers on both engines (BIGINT on PostgreSQL): a post and a like
/// numbered past 2³² are stored, liked, listed and shown like any other.
#[tokio::test]
async fn ids_past_32_bits_work_on_either_engine() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    if app.on_postgres() {
        app.execute(
            "ALTER TABLE posts ALTER COLUMN id RESTART WITH 5000000000; \
             ALTER TABLE likes ALTER COLUMN id RESTART WITH 6000000000;",
        )
        .await;
    } else {
        app.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('posts', 4999999999), ('likes', 5999999999)",
        )
        .await;
    }
    let id = app.post_photos(&ada, &["animated.gif"], "#big").await;
    assert_eq!(id, 5_000_000_000);
    let res = app.call(&ada, "/api/fn/like", &[("post", &id.to_string()), ("liked", "true")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.count("SELECT max(id) FROM likes").await, 6_000_000_000);
    assert_eq!(app.post_view(&ada, id).await.status(), StatusCode::OK);
    let feed: Value = app.call(&ada, "/api/fn/feed", &[]).await.json().await.unwrap();
    assert_eq!(feed["cards"][0]["id"], id);
    assert_eq!(feed["cards"][0]["likes"]["count"], 1);
}
