//! Photo posts and their media: accepted formats, refusals, metadata
//! stripping, orientation, ownership, and files that live and die with their rows.

use crate::helpers::{TestMedia, fixture, spawn_app};
use app::server::media::{ORPHAN_GRACE, Variant};
use futures::StreamExt;
use reqwest::{StatusCode, header};
use serde_json::Value;
use server::startup::Application;
use std::time::Duration;

/// True if the JPEG carries an EXIF (APP1 "Exif") segment.
fn has_exif(jpeg: &[u8]) -> bool {
    jpeg.windows(6).any(|w| w == b"Exif\0\0")
}

/// True if the JPEG's EXIF block has a GPS IFD (tag 0x8825, in either byte order).
fn has_gps(jpeg: &[u8]) -> bool {
    let Some(start) = jpeg.windows(6).position(|w| w == b"Exif\0\0") else { return false };
    // The APP1 segment's length (big-endian, counting itself) precedes "Exif".
    let Some(len) = start.checked_sub(2).map(|l| usize::from(u16::from_be_bytes([jpeg[l], jpeg[l + 1]])))
    else {
        return false;
    };
    let exif = &jpeg[start..jpeg.len().min(start + len - 2)];
    let little_endian = exif.get(6..8) == Some(b"II");
    let tag: [u8; 2] = if little_endian { [0x25, 0x88] } else { [0x88, 0x25] };
    exif.windows(2).any(|w| w == tag)
}

async fn view(app: &crate::helpers::TestApp, client: &reqwest::Client, id: i64) -> Value {
    let res = app.post_view(client, id).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn every_accepted_format_becomes_a_post_of_jpegs() {
    let app = spawn_app().await;
    let client = app.signed_up("photographer").await;
    for file in ["gps_orientation6.jpg", "transparent.png", "photo.webp", "animated.gif", "cmyk.jpg"] {
        let id = app.post_photos(&client, &[file], "").await;
        let post = view(&app, &client, id).await;
        let url = post["photos"][0]["url"].as_str().unwrap();
        let res = client.get(app.url(url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{file}");
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        let bytes = res.bytes().await.unwrap();
        let decoded = image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(decoded.width(), post["photos"][0]["width"].as_u64().unwrap() as u32, "{file}");
    }
}

#[tokio::test]
async fn exif_orientation_is_applied_and_gps_is_stripped_from_every_variant() {
    let app = spawn_app().await;
    let client = app.signed_up("traveller").await;
    let original = fixture("gps_orientation6.jpg");
    assert!(has_gps(&original), "the fixture really carries GPS coordinates");
    let id = app.post_photos(&client, &["gps_orientation6.jpg"], "").await;
    let photo = &view(&app, &client, id).await["photos"][0];
    // 1200 × 800 landscape pixels, EXIF "rotate 90°": stored upright, 800 × 1200.
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(800), Some(1200)));
    assert_eq!((photo["thumb_width"].as_u64(), photo["thumb_height"].as_u64()), (Some(213), Some(320)));
    let files = app.media_files().await;
    assert_eq!(files.len(), 4, "full size, 1,080 and 640 px, and a thumbnail: {files:?}");
    for name in files {
        let stored = app.media.read(&name).await.unwrap();
        assert!(!has_exif(&stored) && !has_gps(&stored), "{name} still has EXIF");
        let img = image::load_from_memory(&stored).unwrap();
        assert!(img.height() > img.width(), "{name} is upright");
    }
}

#[tokio::test]
async fn large_photos_are_bounded_to_1440_and_320() {
    let app = spawn_app().await;
    let client = app.signed_up("pro").await;
    let id = app.post_photos(&client, &["photo_12mp.jpg"], "12 MP").await;
    let photo = &view(&app, &client, id).await["photos"][0];
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(1440), Some(1080)));
    assert_eq!((photo["thumb_width"].as_u64(), photo["thumb_height"].as_u64()), (Some(320), Some(240)));
}

#[tokio::test]
async fn a_payload_appended_to_a_jpeg_does_not_survive() {
    let app = spawn_app().await;
    let client = app.signed_up("careful").await;
    app.post_photos(&client, &["polyglot_html_after_jpeg.jpg"], "").await;
    for name in app.media_files().await {
        let stored = app.media.read(&name).await.unwrap();
        let text = String::from_utf8_lossy(&stored).to_lowercase();
        assert!(!text.contains("<script") && !text.contains("<html"), "{name}");
    }
}

#[tokio::test]
async fn refusals_are_4xx_with_a_message_and_store_nothing() {
    let app = spawn_app().await;
    let client = app.signed_up("mischief").await;
    let gif = || ("animated.gif", fixture("animated.gif"));
    type Case<'a> = (Vec<(&'a str, Vec<u8>)>, String, StatusCode);
    let cases: Vec<Case> = vec![
        (
            vec![("not_an_image.jpg", fixture("not_an_image.jpg"))],
            String::new(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            vec![("truncated.jpg", fixture("truncated.jpg"))],
            String::new(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            vec![("bomb.png", fixture("png_bomb_30000x30000.png"))],
            String::new(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ((0..11).map(|_| gif()).collect(), String::new(), StatusCode::BAD_REQUEST),
        (vec![], String::new(), StatusCode::BAD_REQUEST),
        (vec![gif()], "x".repeat(2201), StatusCode::BAD_REQUEST),
        (vec![("huge.jpg", vec![0xFF; 21 * 1024 * 1024])], String::new(), StatusCode::PAYLOAD_TOO_LARGE),
        // A failure after two good photos were processed and written: they go too.
        (
            vec![gif(), ("photo.webp", fixture("photo.webp")), ("text.jpg", fixture("not_an_image.jpg"))],
            String::new(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ];
    for (files, caption, status) in cases {
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        let res = app.upload(&client, &files, &caption, &[]).await;
        assert_eq!(res.status(), status, "{names:?}");
        let body: Value = res.json().await.unwrap();
        assert!(!body["message"].as_str().unwrap_or_default().is_empty(), "{names:?}: a message");
        assert_eq!(app.media_files().await, Vec::<String>::new(), "{names:?}: no file left behind");
    }
    let grid: Value =
        app.call(&client, "/api/fn/profile_grid", &[("username", "mischief")]).await.json().await.unwrap();
    assert_eq!(grid["posts"], serde_json::json!([]), "no post was created");
}

#[tokio::test]
async fn an_empty_caption_is_fine_and_2200_characters_too() {
    let app = spawn_app().await;
    let client = app.signed_up("quiet").await;
    app.post_photos(&client, &["animated.gif"], "").await;
    app.post_photos(&client, &["animated.gif"], &"x".repeat(2200)).await;
}

#[tokio::test]
async fn uploads_need_a_signed_in_same_site_user() {
    let app = spawn_app().await;
    let res = app.upload(&app.client(), &[("a.gif", fixture("animated.gif"))], "", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let client = app.signed_up("target").await;
    let form = reqwest::multipart::Form::new()
        .part("images", reqwest::multipart::Part::bytes(fixture("animated.gif")));
    let res = client
        .post(app.url("/posts/new/"))
        .header(header::ORIGIN, "https://evil.example")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(app.media_files().await.is_empty());
}

#[tokio::test]
async fn without_javascript_the_form_redirects_to_the_new_post() {
    let app = spawn_app().await;
    let client = app.signed_up("classic").await;
    let form = reqwest::multipart::Form::new()
        .text("caption", "Hello #world")
        .part("images", reqwest::multipart::Part::bytes(fixture("animated.gif")).file_name("a.gif"))
        .part("images", reqwest::multipart::Part::bytes(Vec::new()).file_name(""))
        .text("alt", "A tiny animation");
    let res = client
        .post(app.url("/posts/new/"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/posts/") && location.ends_with('/'), "{location}");
    let page = client.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("A tiny animation") && page.contains("href=\"/tags/world/\""));

    // A refusal without JavaScript is an HTML page with the status and the message.
    let form = reqwest::multipart::Form::new()
        .part("images", reqwest::multipart::Part::bytes(fixture("not_an_image.jpg")));
    let res = client
        .post(app.url("/posts/new/"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(res.text().await.unwrap().contains("not a JPEG, PNG, WebP or GIF"));
}

#[tokio::test]
async fn only_the_owner_edits_or_deletes_and_deleting_removes_the_files() {
    let app = spawn_app().await;
    let owner = app.signed_up("owner").await;
    let other = app.signed_up("other").await;
    let id = app.post_photos(&owner, &["animated.gif", "transparent.png"], "first #draft").await;
    let sid = id.to_string();
    assert_eq!(app.media_files().await.len(), 4);

    let edit = [("id", sid.as_str()), ("caption", "stolen"), ("alt[0]", "x")];
    let res = app.call(&other, "/api/fn/update_post", &edit).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.call(&other, "/api/fn/delete_post", &[("id", sid.as_str())]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.call(&owner, "/api/fn/update_post", &[("id", "999999"), ("caption", "x")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(view(&app, &owner, id).await["caption"], "first #draft", "refusals change nothing");

    let edit = [("id", sid.as_str()), ("caption", "final #done"), ("alt[0]", "a gif"), ("alt[1]", "a png")];
    let res = app.call(&owner, "/api/fn/update_post", &edit).await;
    assert_eq!(res.status(), StatusCode::OK);
    let post = view(&app, &owner, id).await;
    assert_eq!(post["caption"], "final #done");
    assert_eq!(post["photos"][1]["alt"], "a png");
    let tagged: Value = app.call(&owner, "/api/fn/tag_grid", &[("tag", "done")]).await.json().await.unwrap();
    assert_eq!(tagged["posts"][0]["id"], id);
    let old_tag = app.call(&owner, "/api/fn/tag_grid", &[("tag", "draft")]).await;
    assert_eq!(old_tag.status(), StatusCode::NOT_FOUND, "the removed tag has no posts left");

    let url = post["photos"][0]["url"].as_str().unwrap().to_owned();
    let res = app.call(&owner, "/api/fn/delete_post", &[("id", sid.as_str())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.post_view(&owner, id).await.status(), StatusCode::NOT_FOUND);
    assert!(app.media_files().await.is_empty(), "files went with the post");
    assert_eq!(owner.get(app.url(&url)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn media_files_are_served_immutable_with_an_etag() {
    let app = spawn_app().await;
    let client = app.signed_up("server").await;
    let id = app.post_photos(&client, &["animated.gif"], "").await;
    let url = view(&app, &client, id).await["photos"][0]["thumb_url"].as_str().unwrap().to_owned();
    let anonymous = app.client();
    let res = anonymous.get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    let etag = res.headers()["etag"].clone();
    let name = url.trim_start_matches("/uploads/");
    assert_eq!(etag, format!("\"{}\"", name.trim_end_matches(".jpg")));
    let stored = app.media.read(name).await.expect("the store holds the file");
    assert_eq!(res.bytes().await.unwrap(), stored, "served byte for byte as stored");
    let res = anonymous.get(app.url(&url)).header(header::IF_NONE_MATCH, etag).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    for bad in
        ["/uploads/..%2Fshutter.db", "/uploads/shutter.db", "/uploads/00000000000000000000000000000000.jpg"]
    {
        assert_eq!(
            anonymous.get(app.url(bad)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn profile_grid_is_newest_first_with_keyset_pages() {
    let app = spawn_app().await;
    let client = app.signed_up("prolific").await;
    let mut ids = Vec::new();
    for _ in 0..26 {
        ids.push(app.post_photos(&client, &["animated.gif"], "").await);
    }
    let page1: Value =
        app.call(&client, "/api/fn/profile_grid", &[("username", "prolific")]).await.json().await.unwrap();
    let got: Vec<i64> =
        page1["posts"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    let newest: Vec<i64> = ids.iter().rev().take(24).copied().collect();
    assert_eq!(got, newest);
    let before = page1["next_before"].as_i64().expect("a second page");
    // A post arriving meanwhile does not shift the next page.
    app.post_photos(&client, &["animated.gif"], "").await;
    let page2: Value = app
        .call(&client, "/api/fn/profile_grid", &[("username", "prolific"), ("before", &before.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let got: Vec<i64> =
        page2["posts"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(got, vec![ids[1], ids[0]]);
    assert_eq!(page2["next_before"], Value::Null);
    let profile: Value =
        app.call(&app.client(), "/api/fn/profile", &[("username", "prolific")]).await.json().await.unwrap();
    assert_eq!(profile["post_count"], 27);
}

#[tokio::test]
async fn avatars_are_square_and_replacing_one_removes_the_old_files() {
    let app = spawn_app().await;
    let client = app.signed_up("selfie").await;
    let send = |name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .part("avatar", reqwest::multipart::Part::bytes(fixture(name)).file_name(name));
        client
            .post(app.url("/accounts/avatar/"))
            .header(header::ORIGIN, &app.address)
            .header(header::ACCEPT, "application/json")
            .multipart(form)
            .send()
    };
    assert_eq!(send("gps_orientation6.jpg").await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(app.media_files().await.len(), 2);
    assert_eq!(send("transparent.png").await.unwrap().status(), StatusCode::NO_CONTENT);
    let files = app.media_files().await;
    assert_eq!(files.len(), 2, "the old avatar's files are gone: {files:?}");
    let profile: Value =
        app.call(&client, "/api/fn/profile", &[("username", "selfie")]).await.json().await.unwrap();
    let avatar = client
        .get(app.url(profile["avatar_url"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let img = image::load_from_memory(&avatar).unwrap();
    assert_eq!(img.width(), img.height());
    assert_eq!(send("not_an_image.jpg").await.unwrap().status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.media_files().await, files, "a refused avatar changes nothing");
}

#[tokio::test]
async fn deleting_an_account_removes_its_photos() {
    let app = spawn_app().await;
    let client = app.signed_up("leaving").await;
    app.post_photos(&client, &["animated.gif", "photo.webp"], "bye").await;
    // The 320 px GIF: full size and thumbnail; the 1,200 px WebP: the middle sizes too.
    assert_eq!(app.media_files().await.len(), 6);
    let res = app.call(&client, "/api/fn/delete_account", &[("password", crate::helpers::PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(app.media_files().await.is_empty());
}

#[tokio::test]
async fn a_database_failure_after_the_files_were_written_removes_them() {
    let app = spawn_app().await;
    let client = app.signed_up("unlucky").await;
    // Sabotage the insert of the photo rows, after the files are already written.
    if app.on_postgres() {
        app.execute(
            "CREATE FUNCTION sabotage() RETURNS trigger LANGUAGE plpgsql AS \
               $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$; \
             CREATE TRIGGER sabotage BEFORE INSERT ON post_images FOR EACH ROW EXECUTE FUNCTION sabotage();",
        )
        .await;
    } else {
        app.execute(
            "CREATE TRIGGER sabotage BEFORE INSERT ON post_images BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
        )
        .await;
    }
    let res = app.upload(&client, &[("a.gif", fixture("animated.gif"))], "doomed", &[]).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = res.json().await.unwrap();
    assert!(
        !body["message"].as_str().unwrap().contains("disk on fire"),
        "database errors stay on the server"
    );
    assert!(app.media_files().await.is_empty(), "no orphan files");
    assert_eq!(app.count("SELECT count(*) FROM posts").await, 0, "no orphan rows");
}

#[tokio::test]
async fn old_files_no_row_points_to_are_swept_at_start_up() {
    let data_dir = tempfile::tempdir().unwrap();
    let (mut config, database) = crate::helpers::test_config(data_dir.path()).await;
    let media = crate::helpers::TestMedia::of(&config);
    let orphan = Variant::Full.file_name(&"ab".repeat(16));
    media.write(&orphan, b"left by a crash").await;
    if let TestMedia::Local(dir) = &media {
        std::fs::write(dir.join(format!(".tmp-{orphan}")), b"half written").unwrap();
    }
    // As if the crash were longer ago than the grace period.
    config.orphan_grace = Duration::ZERO;
    let app = crate::helpers::spawn_app_on(data_dir, config, database).await;
    let client = app.signed_up("survivor").await;
    app.post_photos(&client, &["animated.gif"], "").await;
    let files = app.media_files().await;
    assert_eq!(files.len(), 2, "only the live post's files remain: {files:?}");
    assert!(!files.contains(&orphan));
}

/// The start-up sweep runs on one instance at a time: while another instance holds it (its
/// PostgreSQL advisory lock), a starting server leaves even old orphans alone; the next
/// start, with nobody else sweeping, removes them.
#[tokio::test]
async fn the_start_up_sweep_runs_on_one_instance_at_a_time() {
    use sqlx::Connection;
    let app = spawn_app().await;
    let Some(database) = &app.database else {
        eprintln!("skipped on SQLite (one machine, no lock): runs in make unit's PostgreSQL run");
        return;
    };
    let orphan = Variant::Full.file_name(&"ef".repeat(16));
    app.media.write(&orphan, b"left by a crash").await;
    let mut other_instance = sqlx::PgConnection::connect(&database.url).await.unwrap();
    let held: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(app::server::db::engine::Job::OrphanSweep.lock_key())
        .fetch_one(&mut other_instance)
        .await
        .unwrap();
    assert!(held, "the test holds the sweep");
    let mut config = app.config.clone();
    config.orphan_grace = Duration::ZERO;
    let _second = Application::build(config.clone()).await.expect("starts while another sweeps");
    assert!(app.media_files().await.contains(&orphan), "another instance is sweeping: skipped");
    other_instance.close().await.unwrap();
    let _third = Application::build(config).await.expect("the server starts");
    assert!(!app.media_files().await.contains(&orphan), "nobody else sweeping: swept");
}

/// Another instance writes a photo's files before it commits the row: the start-up sweep
/// of a second server must leave files younger than ORPHAN_GRACE alone.
#[tokio::test]
async fn the_start_up_sweep_spares_files_younger_than_the_grace_period() {
    let app = spawn_app().await;
    let client = app.signed_up("committer").await;
    app.post_photos(&client, &["animated.gif"], "").await;
    let live = app.media_files().await;
    let in_flight = Variant::ALL.map(|v| v.file_name(&"cd".repeat(16)));
    for name in &in_flight {
        app.media.write(name, b"being committed elsewhere").await;
    }
    let mut all = [live.clone(), in_flight.to_vec()].concat();
    all.sort();

    let restart = |grace: Duration| {
        let mut config = app.config.clone();
        config.orphan_grace = grace;
        async move { drop(Application::build(config).await.expect("the server starts")) }
    };
    restart(ORPHAN_GRACE).await;
    assert_eq!(app.media_files().await, all, "a file younger than the grace period stays");
    if let TestMedia::Local(dir) = &app.media {
        // The file's own time counts: written longer ago than the grace period, it goes.
        let long_ago = std::time::SystemTime::now() - ORPHAN_GRACE - Duration::from_secs(60);
        for name in &in_flight {
            std::fs::File::options()
                .write(true)
                .open(dir.join(name))
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        restart(ORPHAN_GRACE).await;
    } else {
        // An object store's times cannot be set: pretend it is later instead.
        restart(Duration::ZERO).await;
    }
    assert_eq!(app.media_files().await, live, "once old, the orphans go and the live files stay");
}

/// The sweep reads the store in batches (500 names each): files of photos and avatars
/// stay, across batch boundaries, and every orphan goes.
#[tokio::test]
async fn a_restart_sweeps_orphans_in_batches_and_keeps_live_files() {
    let app = spawn_app().await;
    let client = app.signed_up("keeper").await;
    app.post_photos(&client, &["animated.gif", "transparent.png"], "").await;
    let form = reqwest::multipart::Form::new()
        .part("avatar", reqwest::multipart::Part::bytes(fixture("transparent.png")).file_name("a.png"));
    let res = client
        .post(app.url("/accounts/avatar/"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let live = app.media_files().await;
    assert_eq!(live.len(), 6, "two photos and an avatar, two sizes each");

    futures::stream::iter(0..1200)
        .for_each_concurrent(16, |i| {
            let variant = Variant::ALL[i % 2];
            let media = &app.media;
            async move { media.write(&variant.file_name(&format!("{i:032x}")), b"orphan").await }
        })
        .await;
    // A second server on the same store sweeps as it starts.
    let mut config = app.config.clone();
    config.orphan_grace = Duration::ZERO;
    let _restarted = Application::build(config).await.expect("the server starts");
    assert_eq!(app.media_files().await, live, "exactly the live files remain");
}
