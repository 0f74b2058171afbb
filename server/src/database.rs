//! Opening the configured database (`--database-url`: unset, the SQLite file in the data
//! folder; else PostgreSQL) with its migrations applied, and `server backup`.

use crate::config::Config;
use anyhow::Context;
use app::server::db::Db;
use std::path::Path;

/// Opens the configured database and applies pending migrations. Any failure stops
/// start-up with the reason.
pub async fn open(config: &Config) -> anyhow::Result<Db> {
    let db = match &config.database_url {
        None => {
            let data_dir = &config.data_dir;
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
            Db::open_sqlite(&data_dir.join("shutter.db"))
                .await
                .with_context(|| format!("cannot open the database in {}", data_dir.display()))?
        }
        // The URL is not repeated: it may hold a password.
        Some(url) => {
            Db::open_postgres(url.as_str()).await.context("cannot connect to the PostgreSQL database")?
        }
    };
    db.migrate().await.with_context(|| format!("{} database migration failed", db.engine()))?;
    tracing::info!(engine = db.engine(), "database open");
    Ok(db)
}

/// What `server backup` answers on PostgreSQL, where the database is not a file of ours.
pub const USE_PG_DUMP: &str = "server backup copies the SQLite file; this instance uses PostgreSQL: \
     back it up with pg_dump (e.g. pg_dump --format=custom --file=shutter.dump \"$SHUTTER_DATABASE_URL\") \
     and the media with the store's own tools";

/// Writes a consistent snapshot of the live SQLite database to `to`.
pub async fn backup(db: &Db, to: &Path) -> anyhow::Result<()> {
    let Db::Sqlite(pool) = db else {
        anyhow::bail!(USE_PG_DUMP);
    };
    anyhow::ensure!(!to.exists(), "{} already exists", to.display());
    let to = to.to_str().context("backup path must be valid UTF-8")?;
    app::server::db::engine::vacuum_into(pool, to).await.context("backup failed")?;
    Ok(())
}
