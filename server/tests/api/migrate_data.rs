//! `server migrate-data`: a single-machine instance (SQLite + media folder) copied into
//! PostgreSQL + S3, served from there unchanged, re-run without copying twice, and a target
//! holding other data refused and left as it was. Runs in the suite's PostgreSQL + S3 pass
//! (SHUTTER_TEST_DATABASE_URL and SHUTTER_TEST_MEDIA_URL); says so and returns otherwise.

use crate::helpers::{PASSWORD, TestApp, TestDatabase, TestMedia, fixture, spawn_app_on};
use app::server::media::S3Url;
use reqwest::{Client, StatusCode, header};
use serde_json::Value;
use server::config::{Config, DatabaseUrl};
use sqlx::Connection;

const TABLES: [&str; 9] = [
    "users",
    "posts",
    "post_images",
    "post_tags",
    "follows",
    "likes",
    "comments",
    "notifications",
    "access_tokens",
];

/// A fresh PostgreSQL database and S3 prefix, or None (said) on the SQLite-only pass.
async fn target() -> Option<(TestDatabase, S3Url)> {
    let Ok(raw) = std::env::var("SHUTTER_TEST_MEDIA_URL") else {
        eprintln!("migrate-data tests skipped: SHUTTER_TEST_MEDIA_URL / SHUTTER_TEST_DATABASE_URL not set");
        return None;
    };
    let Some(database) = TestDatabase::create().await else {
        eprintln!("migrate-data tests skipped: SHUTTER_TEST_DATABASE_URL not set");
        return None;
    };
    let mut media = S3Url::parse(&raw).expect("SHUTTER_TEST_MEDIA_URL");
    media.prefix = format!("migrated-{}", app::server::media::store::new_stem().unwrap());
    Some((database, media))
}

/// The media URL as the command line takes it.
fn media_arg(url: &S3Url) -> String {
    let mut arg = format!("s3://{}/{}?region={}", url.bucket, url.prefix, url.region);
    if let Some(endpoint) = &url.endpoint {
        arg += &format!("&endpoint={endpoint}");
    }
    if url.allow_http {
        arg += "&allow_http=true";
    }
    arg
}

/// A single-machine instance: SQLite and the media folder, whatever the suite's pass.
async fn single_machine() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::for_tests(dir.path().to_path_buf());
    spawn_app_on(dir, config, None).await
}

/// A server on the target engines (a data folder of its own, holding nothing).
async fn on_target(database: &TestDatabase, media: &S3Url) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.database_url = Some(DatabaseUrl::parse(&database.url).unwrap());
    config.media_url = Some(media.clone());
    spawn_app_on(dir, config, None).await
}

/// Runs `server --data-dir <source> migrate-data …`: (success, stdout, stderr).
fn migrate(source: &TestApp, database: &TestDatabase, media: &S3Url) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--data-dir")
        .arg(source.data_dir.path())
        .args([
            "--log",
            "warn",
            "migrate-data",
            "--to-database",
            &database.url,
            "--to-media",
            &media_arg(media),
        ])
        .env_remove("SHUTTER_DATABASE_URL")
        .env_remove("SHUTTER_MEDIA_URL")
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

async fn counts(app: &TestApp, database: Option<&TestDatabase>) -> Vec<i64> {
    let mut counts = vec![];
    for table in TABLES {
        let sql = format!("SELECT count(*) FROM {table}");
        counts.push(match database {
            Some(db) => {
                let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
                let n: i64 = sqlx::query_scalar(&sql).fetch_one(&mut conn).await.unwrap();
                n
            }
            None => app.count(&sql).await,
        });
    }
    counts
}

async fn json(app: &TestApp, client: &Client, path: &str, form: &[(&str, &str)]) -> Value {
    let res = app.call(client, path, form).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

async fn signed_in(app: &TestApp, username: &str) -> Client {
    let client = app.client();
    assert_eq!(app.sign_in(&client, username, PASSWORD).await.status(), StatusCode::OK, "{username}");
    client
}

/// A few people, posts with photos and tags, follows, likes, a comment with a mention, an
/// avatar and a token.
async fn fill(app: &TestApp) -> i64 {
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    let eve = app.signed_up("eve").await;
    let first = app.post_photos(&ada, &["gps_orientation6.jpg", "cmyk.jpg"], "two #sunset photos").await;
    let second = app.post_photos(&ada, &["transparent.png"], "hello @bob").await;
    let third = app.post_photos(&bob, &["photo.webp"], "#sunset by bob").await;
    for (who, whom) in [(&eve, "ada"), (&bob, "ada"), (&ada, "bob"), (&eve, "bob")] {
        assert_eq!(app.call(who, "/api/fn/follow", &[("username", whom)]).await.status(), StatusCode::OK);
    }
    for (who, post) in [(&eve, first), (&eve, second), (&bob, first), (&ada, third)] {
        let res = app.call(who, "/api/fn/like", &[("post", &post.to_string()), ("liked", "true")]).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res =
        app.call(&bob, "/api/fn/add_comment", &[("post", &first.to_string()), ("text", "nice, @eve")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.call(&ada, "/api/fn/create_token", &[("name", "scripts")]).await.status(), StatusCode::OK);
    let form = reqwest::multipart::Form::new()
        .part("avatar", reqwest::multipart::Part::bytes(fixture("cmyk.jpg")).file_name("cmyk.jpg"));
    let res = ada
        .post(app.url("/accounts/avatar/"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    third
}

/// What people see: profiles, a feed, notifications, a post.
async fn seen(app: &TestApp, post: i64) -> Vec<Value> {
    let eve = signed_in(app, "eve").await;
    let ada = signed_in(app, "ada").await;
    let mut seen = vec![json(app, &eve, "/api/fn/feed", &[]).await];
    for username in ["ada", "bob", "eve"] {
        seen.push(json(app, &eve, "/api/fn/profile", &[("username", username)]).await);
    }
    seen.push(json(app, &ada, "/api/fn/notifications", &[]).await);
    seen.push(app.post_view(&eve, post).await.json().await.unwrap());
    seen
}

async fn served(app: &TestApp, name: &str) -> Vec<u8> {
    let res = app.client().get(app.url(&format!("/uploads/{name}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{name}");
    res.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_single_machine_instance_moves_to_postgres_and_s3_whole_and_a_rerun_copies_nothing() {
    let Some((database, media)) = target().await else { return };
    let source = single_machine().await;
    let post = fill(&source).await;
    // Seen once first: reading notifications marks them read (a column copied as well).
    seen(&source, post).await;
    let before = seen(&source, post).await;
    let source_counts = counts(&source, None).await;
    let files = source.media_files().await;
    // Each photo and the avatar: full size and thumbnail; the three photos wider than
    // 640 px (gps, cmyk, webp: 1,200 px) also 640 and 1,080 px.
    assert_eq!(files.len(), 16, "4 photos and an avatar: {files:?}");

    let started = std::time::Instant::now();
    let (ok, stdout, stderr) = migrate(&source, &database, &media);
    assert!(ok, "{stdout}\n{stderr}");
    eprintln!("migrate-data took {:?}:\n{stdout}", started.elapsed());
    assert!(stdout.contains("photo files          16 copied, 0 already there"), "{stdout}");
    assert_eq!(counts(&source, Some(&database)).await, source_counts, "every table copied");
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM notifications WHERE kind = 'like'")
            .fetch_one(&mut sqlx::PgConnection::connect(&database.url).await.unwrap())
            .await
            .unwrap(),
        4,
        "no notification made twice (4 likes, each of someone else's post)"
    );
    let target_media = TestMedia::S3(std::sync::Arc::new(app::server::media::S3Store::open(&media).unwrap()));
    assert_eq!(target_media.files().await, files);

    let target = on_target(&database, &media).await;
    assert_eq!(seen(&target, post).await, before, "the same people, posts, feed and notifications");
    let name = &files[0];
    assert_eq!(served(&target, name).await, served(&source, name).await, "a photo served byte for byte");
    assert_eq!(
        signed_in(&target, "bob").await.get(target.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );

    // A second run changes nothing.
    let (ok, stdout, stderr) = migrate(&source, &database, &media);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("photo files           0 copied, 16 already there"), "{stdout}");
    assert!(stdout.contains("users                 3 rows (0 copied now, 3 already there)"), "{stdout}");
    assert_eq!(counts(&source, Some(&database)).await, source_counts);
    assert_eq!(target_media.files().await, files);

    // New rows take ids past the copied ones (each sequence moved).
    let ada = signed_in(&target, "ada").await;
    let newer = target.post_photos(&ada, &["cmyk.jpg"], "after the move").await;
    assert!(newer > post, "{newer} > {post}");
}

#[tokio::test]
async fn a_target_holding_another_instance_is_refused_and_left_unchanged() {
    let Some((database, media)) = target().await else { return };
    let source = single_machine().await;
    fill(&source).await;
    let other = on_target(&database, &media).await;
    let zed = other.signed_up("zed").await;
    other.post_photos(&zed, &["cmyk.jpg"], "another site").await;
    let target_counts = counts(&other, Some(&database)).await;
    let target_media = TestMedia::S3(std::sync::Arc::new(app::server::media::S3Store::open(&media).unwrap()));
    let files = target_media.files().await;

    let (ok, stdout, stderr) = migrate(&source, &database, &media);
    assert!(!ok, "refused: {stdout}");
    assert!(stderr.contains("the target database holds other data"), "{stderr}");
    assert_eq!(counts(&other, Some(&database)).await, target_counts, "nothing copied");
    assert_eq!(target_media.files().await, files, "no photo copied");
    let profile = json(&other, &zed, "/api/fn/profile", &[("username", "zed")]).await;
    assert_eq!(profile["post_count"], 1, "{profile}");
}
