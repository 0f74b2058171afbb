//! Crash safety, for `make soak` (ignored by `make test`): the server binary runs as a
//! child process on a temporary data folder under the mixed load of `load.rs` and is
//! killed with SIGKILL at an arbitrary moment, several times. After each restart:
//! `PRAGMA integrity_check` is ok, every write the server acknowledged is there and
//! attributed to its sender, every photo a row names is on disk, no file is left that
//! no row names (the start-up sweep), and the log never said `database is locked`.

use crate::{concurrency::books_balance, inspect::Inspector, load::Crowd, load::Stop};
use std::{
    collections::BTreeSet,
    ffi::OsStr,
    io::{BufRead, BufReader, Write as _},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

const PEOPLE_PER_ROUND: usize = 32;

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
}

/// Starts the binary on `data_dir` at a free port; answers once it listens.
fn start(data_dir: &Path, log: &Arc<Mutex<String>>) -> Server {
    // One instance on its own folder: the orphans a kill leaves are swept at once.
    start_with(
        [OsStr::new("--data-dir"), data_dir.as_os_str(), OsStr::new("--orphan-grace"), OsStr::new("0")],
        log,
    )
}

/// Starts the binary with `args` at a free port, its output appended to `log`; answers
/// once it listens (after its start-up sweep).
pub(crate) fn start_with(
    args: impl IntoIterator<Item = impl AsRef<OsStr>>,
    log: &Arc<Mutex<String>>,
) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .args(["--bind", "127.0.0.1:0", "--log", "info,tower_http=warn"])
        .env("NO_COLOR", "1")
        .env_remove("SHUTTER_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let (address, listening) = mpsc::channel();
    for stream in [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as _),
    ]
    .into_iter()
    .flatten()
    {
        let log = log.clone();
        let address = address.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
                    let _ = address.send(addr);
                }
                if let Ok(mut log) = log.lock() {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
    }
    let address = listening.recv_timeout(Duration::from_secs(120)).expect("the server says where it listens");
    Server { child, base: format!("http://{address}") }
}

/// Every media file a row names exists; every file is named by a row; no temporary file.
fn media_matches_rows(stems: &BTreeSet<String>, post_stems: &BTreeSet<String>, dir: &Path) -> Vec<String> {
    let files = crate::inspect::media_files(&dir.join("media"));
    let mut problems = Vec::new();
    for name in files.keys() {
        let stem = name.trim_end_matches(".jpg").trim_end_matches("_t");
        if !stems.contains(stem) {
            problems.push(format!("orphan media file {name}"));
        }
    }
    let names: BTreeSet<String> = files.into_keys().collect();
    problems.extend(missing_files(stems, post_stems, &names));
    problems
}

/// Every media file a row names is among `files`: both variants of each post's photo,
/// and each avatar (`stems` holds post and avatar stems).
pub(crate) fn missing_files(
    stems: &BTreeSet<String>,
    post_stems: &BTreeSet<String>,
    files: &BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for stem in post_stems {
        for name in [format!("{stem}.jpg"), format!("{stem}_t.jpg")] {
            if !files.contains(&name) {
                problems.push(format!("missing media file {name}"));
            }
        }
    }
    for stem in stems.difference(post_stems) {
        if !files.iter().any(|f| f.starts_with(stem.as_str())) {
            problems.push(format!("missing avatar file {stem}"));
        }
    }
    problems
}

/// On SQLite, whatever SHUTTER_TEST_DATABASE_URL or SHUTTER_DATABASE_URL say: it kills the server binary over
/// its data folder's file and checks that file's integrity; on PostgreSQL the kill -9
/// belongs to the two-instance test (issue 11).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "slow: run by `make soak`"]
async fn kill_nine_under_load_loses_no_acknowledged_write() {
    let rounds: usize = std::env::var("SHUTTER_CRASH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let data_dir = tempfile::tempdir().expect("temp dir");
    let log = Arc::new(Mutex::new(String::new()));
    let mut server = start(data_dir.path(), &log);
    let mut ledgers = Vec::new();
    let mut problems = Vec::new();
    let mut acknowledged_ops = 0;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    for round in 0..rounds {
        let crowd =
            Crowd::sign_up(&server.base, &format!("r{round}p"), PEOPLE_PER_ROUND).await.expect("sign up");
        let load =
            tokio::spawn(crowd.run(Stop::At(Instant::now() + Duration::from_secs(120)), seed ^ round as u64));
        // The moment of the kill is arbitrary on purpose: 2 to 8 s into the load.
        let delay = Duration::from_millis(2000 + (seed.rotate_left(round as u32 * 7) % 6000));
        tokio::time::sleep(delay).await;
        server.child.kill().expect("kill -9");
        let _ = server.child.wait();
        let outcome = load.await.expect("the load ends when the server is gone");
        acknowledged_ops += outcome.ops;
        problems.extend(outcome.failures.into_iter().map(|f| format!("round {round}: {f}")));
        ledgers.extend(outcome.ledgers);

        server = start(data_dir.path(), &log);
        let mut db = Inspector::open_sqlite(data_dir.path()).await;
        let integrity = db.integrity_check().await;
        if integrity != "ok" {
            problems.push(format!("round {round}: integrity_check says {integrity}"));
        }
        problems.extend(
            books_balance(&mut db, &ledgers, true).await.into_iter().map(|p| format!("round {round}: {p}")),
        );
        let post_stems: BTreeSet<String> =
            db.pairs("SELECT stem, '' FROM post_images").await.into_iter().map(|p| p.0).collect();
        let mut stems = post_stems.clone();
        stems.extend(
            db.pairs("SELECT avatar, '' FROM users WHERE avatar IS NOT NULL").await.into_iter().map(|p| p.0),
        );
        problems.extend(
            media_matches_rows(&stems, &post_stems, data_dir.path())
                .into_iter()
                .map(|p| format!("round {round}: {p}")),
        );
    }
    let _ = server.child.kill();
    let _ = server.child.wait();
    let log = log.lock().map(|l| l.clone()).unwrap_or_default();
    for needle in ["database is locked", "pool timed out", "panicked"] {
        if log.contains(needle) {
            problems.push(format!("the log says {needle:?}"));
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "crash suite: {rounds} kill -9 rounds, {} people, {acknowledged_ops} operations, {} problems",
        ledgers.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
