//! Photos sized to the screen: every upload is stored at 320, 640, 1,080 and 1,440 px (each
//! where smaller than the photo), pages offer them by real width in `srcset` with `sizes`
//! matching the photo's slot, the page's first photo is fetched first, and photos from
//! before get their middle sizes from `server backfill-photos`.

use crate::helpers::{TestApp, spawn_app};
use app::server::media::backfill::Backfilled;
use reqwest::{Client, StatusCode, header};
use serde_json::Value;
use std::collections::BTreeMap;

/// The slot of a post's photo (`style/main.css`: `.post` is 600 px at most, the whole
/// screen up to 640 px).
const SIZES: &str = "(max-width: 640px) 100vw, 600px";

/// The `<img>` tags of a page, each as its attributes (values as written, unescaped
/// enough for the URLs and keywords checked here).
fn images(html: &str) -> Vec<BTreeMap<String, String>> {
    let mut found = Vec::new();
    for tag in html.split("<img").skip(1) {
        let tag = &tag[..tag.find('>').expect("a closed tag")];
        let mut attrs = BTreeMap::new();
        let mut rest = tag.trim_start();
        while let Some(end) = rest.find(|c: char| c == '=' || c.is_whitespace() || c == '/') {
            let name = &rest[..end];
            rest = &rest[end..];
            if let Some(after) = rest.strip_prefix("=\"") {
                let close = after.find('"').expect("a closed value");
                attrs.insert(name.to_owned(), after[..close].replace("&amp;", "&"));
                rest = &after[close + 1..];
            } else if !name.is_empty() {
                attrs.insert(name.to_owned(), String::new());
            }
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        }
        found.push(attrs);
    }
    found
}

/// The post photos of a page: the images with a `srcset`.
fn photos(html: &str) -> Vec<BTreeMap<String, String>> {
    images(html).into_iter().filter(|img| img.contains_key("srcset")).collect()
}

/// `srcset` as (URL, width) pairs.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|c| {
            let (url, width) = c.split_once(' ').expect("URL and width");
            (url.to_owned(), width.strip_suffix('w').and_then(|w| w.parse().ok()).expect("a width"))
        })
        .collect()
}

async fn page(app: &TestApp, client: &Client, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// The stems of a post's photos, in order.
async fn stems(app: &TestApp, client: &Client, id: i64) -> Vec<String> {
    let post: Value = app.post_view(client, id).await.json().await.unwrap();
    let photos = post["photos"].as_array().unwrap();
    photos
        .iter()
        .map(|p| {
            let url = p["url"].as_str().unwrap();
            url.strip_prefix("/uploads/").and_then(|n| n.strip_suffix(".jpg")).unwrap().to_owned()
        })
        .collect()
}

/// Every candidate of `srcset` is served, as a JPEG exactly as wide as it says.
async fn check_candidates(app: &TestApp, client: &Client, srcset: &str) {
    for (url, width) in candidates(srcset) {
        let res = client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        let bytes = res.bytes().await.unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!(img.width(), width, "{url}: the width srcset announces");
    }
}

fn attr<'a>(img: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    img.get(name).map(String::as_str)
}

#[tokio::test]
async fn new_photos_are_offered_at_every_stored_width_and_the_first_one_of_a_page_comes_first() {
    let app = spawn_app().await;
    let client = app.signed_up("framer").await;
    // 1,200 × 800 and (turned upright) 800 × 1,200: full size, 1,080, 640 and thumbnail each.
    let pair = app.post_photos(&client, &["photo.webp", "gps_orientation6.jpg"], "two").await;
    // 320 and 640 px wide: smaller than the middle sizes, so only a full size and a thumbnail.
    let small = app.post_photos(&client, &["animated.gif"], "").await;
    let small_too = app.post_photos(&client, &["animated.gif"], "").await;
    let newest = app.post_photos(&client, &["transparent.png"], "one").await;

    let pair_stems = stems(&app, &client, pair).await;
    let mut expected: Vec<String> = pair_stems
        .iter()
        .flat_map(|s| [".jpg", "_1080.jpg", "_640.jpg", "_t.jpg"].map(|suffix| format!("{s}{suffix}")))
        .collect();
    for id in [small, small_too, newest] {
        let stem = &stems(&app, &client, id).await[0];
        expected.extend([format!("{stem}.jpg"), format!("{stem}_t.jpg")]);
    }
    expected.sort();
    assert_eq!(app.media_files().await, expected);

    // The post page: both photos at every width, the first one eager and first.
    let html = page(&app, &client, &format!("/posts/{pair}/")).await;
    let imgs = photos(&html);
    assert_eq!(imgs.len(), 2, "{imgs:?}");
    let s = &pair_stems[0];
    assert_eq!(
        attr(&imgs[0], "srcset"),
        Some(
            format!(
                "/uploads/{s}_t.jpg 320w, /uploads/{s}_640.jpg 640w, /uploads/{s}_1080.jpg 1080w, /uploads/{s}.jpg 1200w"
            )
            .as_str()
        )
    );
    let s = &pair_stems[1];
    assert_eq!(
        attr(&imgs[1], "srcset"),
        Some(
            format!(
                "/uploads/{s}_t.jpg 213w, /uploads/{s}_640.jpg 427w, /uploads/{s}_1080.jpg 720w, /uploads/{s}.jpg 800w"
            )
            .as_str()
        ),
        "a portrait photo: widths, not longest sides"
    );
    for img in &imgs {
        assert_eq!(attr(img, "sizes"), Some(SIZES));
        check_candidates(&app, &client, attr(img, "srcset").unwrap()).await;
    }
    assert_eq!((attr(&imgs[0], "loading"), attr(&imgs[0], "fetchpriority")), (Some("eager"), Some("high")));
    assert_eq!((attr(&imgs[1], "loading"), attr(&imgs[1], "fetchpriority")), (Some("lazy"), None));

    // The feed: the newest card's photo first; every other photo when scrolled near.
    let html = page(&app, &client, "/").await;
    let imgs = photos(&html);
    assert_eq!(imgs.len(), 5, "{imgs:?}");
    let s = &stems(&app, &client, newest).await[0];
    assert_eq!(
        attr(&imgs[0], "srcset"),
        Some(format!("/uploads/{s}_t.jpg 320w, /uploads/{s}.jpg 640w").as_str())
    );
    assert_eq!((attr(&imgs[0], "loading"), attr(&imgs[0], "fetchpriority")), (Some("eager"), Some("high")));
    for img in &imgs[1..] {
        assert_eq!((attr(img, "loading"), attr(img, "fetchpriority")), (Some("lazy"), None), "{img:?}");
    }
    for img in &imgs {
        assert_eq!(attr(img, "sizes"), Some(SIZES));
        check_candidates(&app, &client, attr(img, "srcset").unwrap()).await;
    }

    // The profile grid keeps the thumbnails; its first row (three) loads at once.
    let html = page(&app, &client, "/users/framer/").await;
    let grid: Vec<_> = images(&html)
        .into_iter()
        .filter(|img| attr(img, "src").is_some_and(|s| s.ends_with("_t.jpg")))
        .collect();
    assert_eq!(grid.len(), 4, "{grid:?}");
    let loading: Vec<(Option<&str>, Option<&str>)> =
        grid.iter().map(|img| (attr(img, "loading"), attr(img, "fetchpriority"))).collect();
    assert_eq!(
        loading,
        [(Some("eager"), Some("high")), (Some("eager"), None), (Some("eager"), None), (Some("lazy"), None)]
    );
}

#[tokio::test]
async fn middle_sizes_are_served_like_every_stored_file() {
    let app = spawn_app().await;
    let client = app.signed_up("server").await;
    let id = app.post_photos(&client, &["photo.webp"], "").await;
    let stem = &stems(&app, &client, id).await[0];
    for suffix in ["_640", "_1080"] {
        let url = app.url(&format!("/uploads/{stem}{suffix}.jpg"));
        let res = app.client().get(&url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{suffix}");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        let etag = format!("\"{stem}{suffix}\"");
        assert_eq!(res.headers()[header::ETAG], etag.as_str());
        let again = app.client().get(&url).header(header::IF_NONE_MATCH, &etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{suffix}");
    }
    let res = app.client().get(app.url(&format!("/uploads/{stem}_320.jpg"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no such size");
    // Deleting the post removes every size.
    let res = app.call(&client, "/api/fn/delete_post", &[("id", &id.to_string())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.media_files().await, Vec::<String>::new());
}

/// Photos stored the way Shutter stored them before the middle sizes: the row unmarked,
/// and only the full size and thumbnail in the store.
async fn make_old(app: &TestApp, stems: &[&str]) {
    // `(1 = 0)`: false on both engines (0 on SQLite, FALSE on PostgreSQL).
    app.execute("UPDATE post_images SET middle_sizes = (1 = 0)").await;
    for stem in stems {
        for suffix in ["_640.jpg", "_1080.jpg"] {
            app.media.delete(&format!("{stem}{suffix}")).await;
        }
    }
}

/// `server backfill-photos` on the test server's database and store, through the binary
/// (with the photo store in the data folder) or the same code in this process (an S3
/// store, whose keys the binary would need).
async fn backfill(app: &TestApp, through_the_binary: bool) -> Backfilled {
    if !through_the_binary || app.config.media_url.is_some() {
        return server::backfill_photos::run(&app.config).await.unwrap();
    }
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command.arg("--data-dir").arg(app.data_dir.path());
    if let Some(db) = &app.database {
        command.args(["--database-url", db.url.as_str()]);
    }
    command.args(["--log", "error", "backfill-photos"]);
    command.env_remove("SHUTTER_DATABASE_URL").env_remove("SHUTTER_MEDIA_URL");
    let out = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // Read back from what it printed.
    let count = |label: &str| -> u64 {
        let line =
            stdout.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("{label}: {stdout}"));
        line[label.len()..].split_whitespace().next().and_then(|n| n.parse().ok()).expect(line)
    };
    let printed = Backfilled {
        photos: count("photos given their middle sizes now"),
        files: stdout
            .lines()
            .find(|l| l.starts_with("photos given"))
            .and_then(|l| l.split('(').nth(1))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("files written"),
        already: count("photos that already had them"),
        missing: count("full-size file missing (skipped)"),
        unreadable: count("full-size file unreadable (skipped)"),
    };
    assert!(stdout.contains(&printed.to_string()), "prints its counts: {stdout}");
    printed
}

#[tokio::test]
async fn backfill_photos_gives_old_photos_their_middle_sizes_once_and_pages_offer_them_after() {
    let app = spawn_app().await;
    let client = app.signed_up("oldtimer").await;
    let old = app.post_photos(&client, &["photo.webp", "transparent.png"], "before").await;
    let interrupted = app.post_photos(&client, &["gps_orientation6.jpg"], "half done").await;
    let lost = app.post_photos(&client, &["cmyk.jpg"], "its file is gone").await;
    let (old_stems, interrupted_stem, lost_stem) = (
        stems(&app, &client, old).await,
        stems(&app, &client, interrupted).await.remove(0),
        stems(&app, &client, lost).await.remove(0),
    );
    // The interrupted one keeps its new files, as a run stopped before marking it leaves them.
    make_old(&app, &[old_stems[0].as_str(), &lost_stem]).await;
    app.media.delete(&format!("{lost_stem}.jpg")).await;
    let files_before = app.media_files().await;

    // Unmarked, a photo is offered as before: its thumbnail and full size, nothing missing.
    let html = page(&app, &client, &format!("/posts/{old}/")).await;
    let s = &old_stems[0];
    let imgs = photos(&html);
    assert_eq!(
        attr(&imgs[0], "srcset"),
        Some(format!("/uploads/{s}_t.jpg 320w, /uploads/{s}.jpg 1200w").as_str())
    );
    for img in &imgs {
        check_candidates(&app, &client, attr(img, "srcset").unwrap()).await;
    }
    let html = page(&app, &client, &format!("/posts/{interrupted}/")).await;
    assert!(!photos(&html)[0]["srcset"].contains("_640"), "files there but not marked: not offered");

    let first = backfill(&app, true).await;
    assert_eq!(
        first,
        Backfilled { photos: 3, files: 4, already: 0, missing: 1, unreadable: 0 },
        "webp and gps photos: two files each; the 640 px png: none; cmyk: its full size is gone"
    );
    let mut expected = files_before.clone();
    expected.extend(["_640.jpg", "_1080.jpg"].map(|suffix| format!("{s}{suffix}")));
    expected.sort();
    assert_eq!(app.media_files().await, expected, "the old photo's middle sizes, and nothing else new");

    for (id, stem, full_width) in [(old, s, 1200), (interrupted, &interrupted_stem, 800)] {
        let html = page(&app, &client, &format!("/posts/{id}/")).await;
        let srcset = attr(&photos(&html)[0], "srcset").unwrap().to_owned();
        let widths: Vec<(String, u32)> = candidates(&srcset);
        let urls: Vec<&str> = widths.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            urls,
            ["_t.jpg", "_640.jpg", "_1080.jpg", ".jpg"].map(|suffix| format!("/uploads/{stem}{suffix}")),
            "{id}"
        );
        assert_eq!(widths.last().map(|(_, w)| *w), Some(full_width));
        check_candidates(&app, &client, &srcset).await;
    }
    let html = page(&app, &client, &format!("/posts/{lost}/")).await;
    assert!(!photos(&html)[0]["srcset"].contains("_640"), "left unmarked: nothing it does not have");
    let marked = app.count("SELECT count(*) FROM post_images WHERE middle_sizes = (1 = 1)").await;
    assert_eq!(marked, 3, "all but the one whose file is gone");

    // Again: nothing left to do, nothing rewritten.
    let bytes_of = |name: String| {
        let media = app.media.clone();
        async move { media.read(&name).await }
    };
    let middle_file = format!("{s}_640.jpg");
    let kept = bytes_of(middle_file.clone()).await;
    let second = backfill(&app, false).await;
    assert_eq!(second, Backfilled { photos: 0, files: 0, already: 3, missing: 1, unreadable: 0 });
    assert_eq!(app.media_files().await, expected);
    assert_eq!(bytes_of(middle_file).await, kept);
}
