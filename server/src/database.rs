//! The SQLite database: WAL, foreign keys, busy timeout, embedded migrations.

use anyhow::Context;
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{path::Path, time::Duration};

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens (creating if needed) `<data_dir>/shutter.db` and applies pending migrations.
/// Any failure stops start-up with the reason.
pub async fn open(data_dir: &Path) -> anyhow::Result<SqlitePool> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
    let options = SqliteConnectOptions::new()
        .filename(data_dir.join("shutter.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .pragma("temp_store", "memory")
        .optimize_on_close(true, None);
    // A connection waiting for the write lock (up to the busy timeout) holds its pool
    // slot meanwhile, so waiting for a slot may take a busy timeout too: give it longer,
    // and both less than the 30 s request timeout. (Holding a write transaction while
    // waiting for a second connection would deadlock until these run out: services
    // never do; see posts::check_owner.)
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the database in {}", data_dir.display()))?;
    MIGRATIONS.run(&pool).await.context("database migration failed")?;
    Ok(pool)
}

/// Writes a consistent snapshot of the live database to `to`.
pub async fn backup(pool: &SqlitePool, to: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(!to.exists(), "{} already exists", to.display());
    let to = to.to_str().context("backup path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO ?").bind(to).execute(pool).await.context("backup failed")?;
    Ok(())
}
