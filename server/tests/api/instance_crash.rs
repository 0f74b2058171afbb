//! Scale out, crash safety: two instances of the server binary on one PostgreSQL database
//! and one S3 bucket prefix, under the mixed load of `load.rs` through both. Instance A is
//! killed with SIGKILL mid-load, B goes on alone, A restarts (its start-up sweep runs with
//! the real grace while B is still uploading). Then every write either instance
//! acknowledged is there and attributed to its sender, every photo a row names is in the
//! bucket, and A's sweep deleted nothing: not B's uploads, not a file still waiting for
//! its row.

use crate::{
    concurrency::books_balance,
    helpers::{TestMedia, test_config},
    inspect::Inspector,
    load::{Crowd, Stop},
    soak::{Server, missing_files, start_with},
};
use std::{
    collections::BTreeSet,
    ffi::OsString,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const PEOPLE_PER_INSTANCE: usize = 8;

/// The stems of every photo and avatar rows name, and of posts only.
async fn named_stems(db: &mut Inspector) -> (BTreeSet<String>, BTreeSet<String>) {
    let posts: BTreeSet<String> =
        db.pairs("SELECT stem, '' FROM post_images").await.into_iter().map(|p| p.0).collect();
    let mut all = posts.clone();
    all.extend(
        db.pairs("SELECT avatar, '' FROM users WHERE avatar IS NOT NULL").await.into_iter().map(|p| p.0),
    );
    (all, posts)
}

async fn stored(media: &TestMedia) -> BTreeSet<String> {
    media.files().await.into_iter().collect()
}

fn stop(server: &mut Server) {
    let _ = server.child.kill();
    let _ = server.child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_one_instance_under_load_loses_nothing_the_other_goes_on() {
    let folder_a = tempfile::tempdir().expect("temp dir");
    let folder_b = tempfile::tempdir().expect("temp dir");
    let (config, database) = test_config(folder_a.path()).await;
    let (Some(database), Some(media_url)) = (database, config.media_url.clone()) else {
        eprintln!(
            "skipped: killing an instance needs a shared database and bucket \
             (set SHUTTER_TEST_DATABASE_URL and SHUTTER_TEST_MEDIA_URL)"
        );
        return;
    };
    let media = TestMedia::of(&config);
    // Each instance its own data folder, as on two machines: all they share is the
    // database and the bucket. The keys come from the environment (AWS_*), inherited.
    let args = |folder: &std::path::Path| -> Vec<OsString> {
        vec![
            "--data-dir".into(),
            folder.into(),
            "--database-url".into(),
            database.url.clone().into(),
            "--media-url".into(),
            media_url.to_string().into(),
        ]
    };
    let (args_a, args_b) = (args(folder_a.path()), args(folder_b.path()));
    let (log_a, log_b) = (Arc::new(Mutex::new(String::new())), Arc::new(Mutex::new(String::new())));
    let mut a = start_with(&args_a, &log_a);
    let mut b = start_with(&args_b, &log_b);
    let mut db = Inspector::open_postgres(&database.url, folder_a.path()).await.watching(&media);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    let started = Instant::now();

    let crowd_a = Crowd::sign_up(&a.base, "ka", PEOPLE_PER_INSTANCE).await.expect("sign up on A");
    let crowd_b = Crowd::sign_up(&b.base, "kb", PEOPLE_PER_INSTANCE).await.expect("sign up on B");
    // A's crowd would go on for long; the kill ends it. B's goes on through A's restart.
    let load_a = tokio::spawn(crowd_a.run(Stop::At(Instant::now() + Duration::from_secs(120)), seed));
    let load_b = tokio::spawn(crowd_b.run(Stop::At(Instant::now() + Duration::from_secs(12)), seed ^ 0xb));

    // Mid-load: once both crowds have posted their first photos and some more.
    let deadline = Instant::now() + Duration::from_secs(30);
    while db.count("SELECT COUNT(*) FROM posts").await < (2 * PEOPLE_PER_INSTANCE + 16) as i64 {
        assert!(Instant::now() < deadline, "the crowds post nothing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop(&mut a);
    let outcome_a = load_a.await.expect("A's crowd ends when A is gone");

    // What B writes while A is down and restarting must outlive A's sweep. Besides B's
    // real uploads (which may or may not be between file and row at that moment), one
    // file is put there the way an upload in flight leaves it: stored, its row not yet
    // committed.
    let in_flight = format!("{}.jpg", app::server::media::store::new_stem().expect("a stem"));
    media.write(&in_flight, &crate::load::tiny_jpeg()).await;
    let before_restart = stored(&media).await;
    // Listening means the start-up sweep is over.
    a = start_with(&args_a, &log_a);
    let after_restart = stored(&media).await;

    // A goes on too: a few people sign up and write through the restarted A.
    let crowd_c = Crowd::sign_up(&a.base, "kc", 4).await.expect("sign up on the restarted A");
    let outcome_c = crowd_c.run(Stop::Ops(15), seed ^ 0xc).await;
    let outcome_b = load_b.await.expect("B's crowd");
    stop(&mut a);
    stop(&mut b);

    let mut problems = Vec::new();
    for (who, outcome) in [("A (killed)", &outcome_a), ("B", &outcome_b), ("A (restarted)", &outcome_c)] {
        problems.extend(outcome.failures.iter().map(|f| format!("{who}: {f}")));
    }
    let deleted: Vec<&String> = before_restart.difference(&after_restart).collect();
    if !deleted.is_empty() {
        problems.push(format!("A's start-up sweep deleted {} files: {deleted:?}", deleted.len()));
    }
    let ledgers: Vec<_> =
        [&outcome_a, &outcome_b, &outcome_c].into_iter().flat_map(|o| o.ledgers.iter().cloned()).collect();
    problems.extend(books_balance(&mut db, &ledgers, true).await);
    let (stems, post_stems) = named_stems(&mut db).await;
    let files = stored(&media).await;
    problems.extend(missing_files(&stems, &post_stems, &files));
    if !files.contains(&in_flight) {
        problems.push(format!("the file of an upload in flight, {in_flight}, is gone"));
    }
    for (who, log) in [("A", &log_a), ("B", &log_b)] {
        let log = log.lock().map(|l| l.clone()).unwrap_or_default();
        if log.contains("panicked") {
            problems.push(format!("{who}'s log says \"panicked\""));
        }
    }
    eprintln!(
        "two instances, A killed: {} + {} + {} operations, {} posts, {} files, B wrote {} files \
         while A restarted, {} problems, {:?}",
        outcome_a.ops,
        outcome_b.ops,
        outcome_c.ops,
        post_stems.len(),
        files.len(),
        after_restart.difference(&before_restart).count(),
        problems.len(),
        started.elapsed()
    );
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
