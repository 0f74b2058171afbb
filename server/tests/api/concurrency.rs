//! Many people at once (see `load.rs`), then the books are checked: every write is
//! attributed to whoever sent it, every count the site shows equals its rows, the
//! notifications match the likes, follows and comments they announce, no answer was a
//! 5xx and the log never said `database is locked`.
//!
//! `make test` runs a short version (64 people × `OPS_PER_PERSON` operations);
//! `make soak` sets `SHUTTER_SOAK_SECS=60` for the full minute.

use crate::{
    helpers::{TestApp, spawn_app},
    inspect::Inspector,
    load::{Crowd, Ledger, Stop},
};
use serde_json::Value;
use std::{
    io::Write as _,
    sync::{Mutex, OnceLock},
    time::{Duration, Instant},
};

const PEOPLE: usize = 64;
const OPS_PER_PERSON: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_people_at_once_keep_every_count_and_every_author() {
    capture_logs();
    let app = spawn_app().await;
    let soak_secs = std::env::var("SHUTTER_SOAK_SECS").ok().and_then(|s| s.parse::<u64>().ok());
    let ops = std::env::var("SHUTTER_LOAD_OPS").ok().and_then(|s| s.parse().ok()).unwrap_or(OPS_PER_PERSON);
    let t0 = Instant::now();
    let crowd = Crowd::sign_up(&app.address, "p", PEOPLE).await.expect("everyone signs up");
    let signed_up = t0.elapsed();
    let stop = match soak_secs {
        Some(secs) => Stop::At(Instant::now() + Duration::from_secs(secs)),
        None => Stop::Ops(ops),
    };
    let started = Instant::now();
    let outcome = crowd.run(stop, 0x5eed).await;
    let elapsed = started.elapsed();

    let mut inspector = Inspector::open(&app).await;
    let mut problems = outcome.failures.clone();
    problems.extend(books_balance(&mut inspector, &outcome.ledgers, false).await);
    let t1 = Instant::now();
    problems.extend(counts_match_rows(&app, &mut inspector).await);
    let checked = t1.elapsed();
    let log = logged();
    for needle in ["database is locked", "pool timed out", "panicked"] {
        if log.contains(needle) {
            problems.push(format!("the log says {needle:?}"));
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "concurrency suite: {PEOPLE} people (signed up in {:.1} s), {} operations in {:.1} s, checked in {:.1} s, \
         {} current_user calls, {} misattributed, {} problems",
        signed_up.as_secs_f64(),
        outcome.ops,
        elapsed.as_secs_f64(),
        checked.as_secs_f64(),
        outcome.current_user_calls,
        outcome.misattributed,
        problems.len()
    );
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// Every row is attributed to the person whose name it carries, and everything the
/// server acknowledged is there. `after_crash`: writes in flight when the server died
/// may or may not be there (but still carry the right name).
pub async fn books_balance(db: &mut Inspector, ledgers: &[Ledger], after_crash: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let ours = |name: &str| ledgers.iter().any(|l| l.accounts.contains(name));
    // Attribution of every row by its text.
    for (owner, text) in
        db.pairs("SELECT u.username, c.text FROM comments c JOIN users u ON u.id = c.owner_id").await
    {
        if ours(&owner) && !text.starts_with(&format!("{owner} says")) {
            problems.push(format!("comment {text:?} is stored as {owner}'s"));
        }
    }
    for (owner, caption) in
        db.pairs("SELECT u.username, p.caption FROM posts p JOIN users u ON u.id = p.owner_id").await
    {
        if ours(&owner) && !caption.starts_with(&format!("{owner} ")) {
            problems.push(format!("post {caption:?} is stored as {owner}'s"));
        }
    }
    for (owner, name) in
        db.pairs("SELECT u.username, t.name FROM access_tokens t JOIN users u ON u.id = t.user_id").await
    {
        if ours(&owner) && name != "load" && !name.starts_with(&format!("{owner} token")) {
            problems.push(format!("token {name:?} is stored as {owner}'s"));
        }
    }
    let users: Vec<String> =
        db.pairs("SELECT username, username FROM users").await.into_iter().map(|p| p.0).collect();
    for ledger in ledgers {
        let me = &ledger.username;
        for account in &ledger.accounts {
            if !users.contains(account) {
                problems.push(format!("acknowledged account {account} is missing"));
            }
        }
        // Likes and follows: only their owner changes them, so the rows are exactly what
        // the last acknowledged answer said (unless an answer was lost in a crash).
        let liked: Vec<i64> = db
            .pairs(&format!(
                "SELECT l.post_id, '' FROM likes l JOIN users u ON u.id = l.user_id WHERE u.username = '{me}'"
            ))
            .await
            .into_iter()
            .filter_map(|(p, _)| p.parse().ok())
            .collect();
        for (post, &want) in &ledger.likes {
            if !ledger.uncertain_likes.contains(post) && liked.contains(post) != want {
                problems
                    .push(format!("{me}: post {post} liked={} in the database, {want} acknowledged", !want));
            }
        }
        for post in &liked {
            if !ledger.likes.contains_key(post) && !ledger.uncertain_likes.contains(post) {
                problems.push(format!("{me}: a like of post {post} that {me} never sent"));
            }
        }
        let followed: Vec<String> = db
            .pairs(&format!(
                "SELECT b.username, '' FROM follows f JOIN users a ON a.id = f.follower_id \
                 JOIN users b ON b.id = f.followee_id WHERE a.username = '{me}'"
            ))
            .await
            .into_iter()
            .map(|p| p.0)
            .collect();
        for (other, &want) in &ledger.follows {
            if !ledger.uncertain_follows.contains(other) && followed.contains(other) != want {
                problems
                    .push(format!("{me}: follows {other}={} in the database, {want} acknowledged", !want));
            }
        }
        for other in &followed {
            if !ledger.follows.contains_key(other) && !ledger.uncertain_follows.contains(other) {
                problems.push(format!("{me}: a follow of {other} that {me} never sent"));
            }
        }
        // Comments, posts and tokens: every acknowledged one is there, as acknowledged.
        let comments: Vec<(String, String)> = db
            .pairs(&format!(
                "SELECT c.id, c.text FROM comments c JOIN users u ON u.id = c.owner_id WHERE u.username = '{me}'"
            ))
            .await;
        for (id, text) in &ledger.comments {
            if !ledger.uncertain_comments.contains(id) && !comments.contains(&(id.to_string(), text.clone()))
            {
                problems.push(format!("{me}: acknowledged comment {id} {text:?} is missing"));
            }
        }
        for (id, text) in &comments {
            let id: i64 = id.parse().unwrap_or_default();
            if !after_crash && !ledger.comments.contains_key(&id) {
                problems.push(format!("{me}: comment {id} {text:?} should not exist"));
            }
        }
        let posts: Vec<(String, String)> = db
            .pairs(&format!(
                "SELECT p.id, p.caption FROM posts p JOIN users u ON u.id = p.owner_id WHERE u.username = '{me}'"
            ))
            .await;
        for (id, caption) in &ledger.posts {
            match posts.iter().find(|(p, _)| *p == id.to_string()) {
                None => problems.push(format!("{me}: acknowledged post {id} is missing")),
                Some((_, stored)) if !caption.is_empty() && stored != caption => {
                    problems.push(format!("{me}: post {id} has caption {stored:?}, {caption:?} acknowledged"))
                }
                _ => {}
            }
        }
        if !after_crash && posts.len() != ledger.posts.len() {
            problems.push(format!(
                "{me}: {} posts in the database, {} acknowledged",
                posts.len(),
                ledger.posts.len()
            ));
        }
        let tokens: Vec<String> = db
            .pairs(&format!(
                "SELECT t.name, '' FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = '{me}'"
            ))
            .await
            .into_iter()
            .map(|p| p.0)
            .collect();
        for name in &ledger.tokens {
            if !tokens.contains(name) {
                problems.push(format!("{me}: acknowledged token {name:?} is missing"));
            }
        }
        if !after_crash && tokens.len() != ledger.tokens.len() + 1 {
            problems.push(format!(
                "{me}: {} tokens in the database, {} acknowledged",
                tokens.len(),
                ledger.tokens.len() + 1
            ));
        }
    }
    problems.extend(notifications_match(db).await);
    problems
}

/// Each like, follow and comment of one person on another's post has exactly its
/// notification, and no notification announces something that is not there.
pub async fn notifications_match(db: &mut Inspector) -> Vec<String> {
    let pairs = [
        (
            "likes",
            "SELECT p.owner_id, l.user_id, l.post_id FROM likes l JOIN posts p ON p.id = l.post_id WHERE p.owner_id <> l.user_id",
            "SELECT recipient_id, actor_id, post_id FROM notifications WHERE kind = 'like'",
        ),
        (
            "follows",
            "SELECT followee_id, follower_id FROM follows",
            "SELECT recipient_id, actor_id FROM notifications WHERE kind = 'follow'",
        ),
        (
            "comments",
            "SELECT p.owner_id, c.owner_id, c.post_id, c.id FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.owner_id <> c.owner_id",
            "SELECT recipient_id, actor_id, post_id, comment_id FROM notifications WHERE kind = 'comment'",
        ),
    ];
    let mut problems = Vec::new();
    for (what, rows, notes) in pairs {
        let unannounced = db.count(&format!("SELECT COUNT(*) FROM ({rows} EXCEPT {notes}) AS x")).await;
        let phantom = db.count(&format!("SELECT COUNT(*) FROM ({notes} EXCEPT {rows}) AS x")).await;
        let duplicates = db
            .count(&format!(
                "SELECT (SELECT COUNT(*) FROM ({notes}) AS x) - (SELECT COUNT(*) FROM ({notes} UNION {notes}) AS y)"
            ))
            .await;
        if unannounced + phantom + duplicates > 0 {
            problems.push(format!(
                "notifications of {what}: {unannounced} missing, {phantom} without their row, {duplicates} duplicated"
            ));
        }
    }
    problems
}

/// The counts the site shows (profiles: posts, followers, following; posts: likes and
/// comments) equal the rows behind them, for every person and every post.
pub async fn counts_match_rows(app: &TestApp, db: &mut Inspector) -> Vec<String> {
    let mut problems = Vec::new();
    let client = app.signed_up("auditor").await;
    let people = db.pairs("SELECT username, id FROM users WHERE username <> 'auditor'").await;
    for (username, id) in people {
        let res = app.call(&client, "/api/fn/profile", &[("username", &username)]).await;
        let profile: Value = res.json().await.unwrap_or_default();
        let rows = [
            ("post_count", format!("SELECT COUNT(*) FROM posts WHERE owner_id = {id}")),
            ("followers", format!("SELECT COUNT(*) FROM follows WHERE followee_id = {id}")),
            ("following", format!("SELECT COUNT(*) FROM follows WHERE follower_id = {id}")),
        ];
        for (field, sql) in rows {
            let (shown, real) = (profile[field].as_i64(), db.count(&sql).await);
            if shown != Some(real) {
                problems.push(format!("{username}: {field} shows {shown:?}, {real} rows"));
            }
        }
    }
    let posts: Vec<String> = db.pairs("SELECT id, '' FROM posts").await.into_iter().map(|p| p.0).collect();
    for id in posts {
        let res = app.post_view(&client, id.parse().unwrap_or_default()).await;
        let view: Value = res.json().await.unwrap_or_default();
        let likes = db.count(&format!("SELECT COUNT(*) FROM likes WHERE post_id = {id}")).await;
        let comments = db.count(&format!("SELECT COUNT(*) FROM comments WHERE post_id = {id}")).await;
        if view["likes"]["count"].as_i64() != Some(likes) {
            problems.push(format!("post {id}: like count {} but {likes} rows", view["likes"]["count"]));
        }
        if view["comments"].as_array().map(Vec::len) != Some(comments as usize) {
            problems.push(format!(
                "post {id}: {:?} comments shown but {comments} rows",
                view["comments"].as_array().map(Vec::len)
            ));
        }
    }
    problems
}

static LOG: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();

/// Sends the process's warnings and errors (the server's included) into `LOG`.
fn capture_logs() {
    struct Sink;
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut log) = LOG.get_or_init(Mutex::default).lock() {
                log.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_writer(|| Sink)
        .with_ansi(false)
        .try_init();
}

fn logged() -> String {
    LOG.get_or_init(Mutex::default)
        .lock()
        .map(|l| String::from_utf8_lossy(&l).into_owned())
        .unwrap_or_default()
}
