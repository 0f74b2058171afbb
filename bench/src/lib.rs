//! What the benchmark binaries share: the migrations (the same files the server embeds),
//! where generated databases are cached, a deterministic dice, percentiles and /proc.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

/// The real migrations, embedded from the same folder the server embeds.
pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Bump when the generator's output changes: cached databases of another version are
/// not reused.
pub const GENERATOR_VERSION: u32 = 1;

/// The password of every generated account.
pub const PASSWORD: &str = "shutter-bench";

/// Written into a generated data folder once it is complete; holds `key=value` lines
/// (`typical=<username>`, `seconds=<generation time>`, ...).
pub const READY_FILE: &str = "bench-ready.txt";

/// A stable key for the generator version plus the migrations (their checksums): a
/// cached database is reused only while both are unchanged.
pub fn cache_key() -> String {
    // FNV-1a, so the key is the same on every build.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for migration in MIGRATIONS.iter() {
        for byte in migration.version.to_le_bytes().iter().chain(migration.checksum.iter()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("v{GENERATOR_VERSION}-{hash:016x}")
}

/// `<target dir>/bench-db/<key>/<posts>-posts`: the cached data folder of a size (the
/// target dir is `$CARGO_TARGET_DIR`, else the workspace's `target/`).
pub fn cached_data_dir(posts: u64) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("bench-db").join(cache_key()).join(format!("{posts}-posts"))
}

/// The `key=value` lines of a finished data folder's ready file, or `None` if the folder
/// was never completed.
pub fn ready_info(data_dir: &Path) -> Option<Vec<(String, String)>> {
    let text = std::fs::read_to_string(data_dir.join(READY_FILE)).ok()?;
    Some(
        text.lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect(),
    )
}

/// A small deterministic generator (xorshift64*): the same data on every machine.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// The `p`-th percentile (0–100) of sorted durations, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A `/proc/<pid>/status` field in KiB (e.g. "VmRSS", "VmHWM").
pub fn proc_status_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
