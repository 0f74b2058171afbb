//! The database engine: a SQLite file in the data folder (the default), or PostgreSQL
//! for several instances sharing one database. `Db` is the pool, `Tx` a write
//! transaction, whichever the engine. Queries are written once: `on_pool!` / `on_tx!`
//! expand one body for each engine (sqlx binds `$1, $2…` on SQLite too), and only the
//! few statements whose dialects differ pick their SQL with `Db::sql` / `Tx::sql`.
//! (No `sqlx::Any`: it cannot decode the booleans and times these queries read.)

use sqlx::{
    PgPool, Postgres, Sqlite, SqlitePool, Transaction,
    migrate::{MigrateError, Migrator},
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{path::Path, time::Duration};

/// The SQLite schema, as it always was (never edit an applied migration).
pub static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations");
/// The same schema for PostgreSQL. Its migrator holds `pg_advisory_lock` (keyed on the
/// database's name) while it applies them (sqlx-postgres, `PgConnection::lock`), so
/// instances starting at once migrate one after the other, and each later one finds
/// nothing left to do.
pub static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Connections per instance. On PostgreSQL, instances × this must stay under the
/// server's `max_connections`.
pub const POOL_SIZE: u32 = 8;

/// The pool of the configured engine.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction (`Db::begin_write`).
#[derive(Debug)]
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$pool` bound to the engine's pool: one text for both engines.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite($pool) => $body,
            $crate::server::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs `$body` with `$conn` bound to the transaction's connection (reborrow it as
/// `&mut *$conn` to run several statements).
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::server::db::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::server::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

impl Db {
    /// Opens (creating if needed) the SQLite database `file`: WAL, synchronous NORMAL,
    /// foreign keys and a busy timeout, which sqlx does not set by itself.
    pub async fn open_sqlite(file: &Path) -> Result<Db, sqlx::Error> {
        let options = SqliteConnectOptions::new()
            .filename(file)
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
            .max_connections(POOL_SIZE)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    /// Connects to the PostgreSQL database at `url` (`postgres://user:pass@host/db`).
    pub async fn open_postgres(url: &str) -> Result<Db, sqlx::Error> {
        // Named, so an operator can tell Shutter's connections apart in pg_stat_activity.
        let options = url.parse::<PgConnectOptions>()?.application_name("shutter");
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db::Postgres(pool))
    }

    /// Applies the engine's pending migrations.
    pub async fn migrate(&self) -> Result<(), MigrateError> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        }
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred one that writes later fails with SQLITE_BUSY
    /// instead of waiting. PostgreSQL locks the rows it writes, as it writes them.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Runs `work` unless another instance sharing this database is doing the same `job`
    /// right now; then answers `None` and does not run it. On PostgreSQL the job is held
    /// by a session advisory lock on a connection of its own, detached from the pool: if
    /// `work` fails or is cancelled, closing (or dropping) that connection ends its
    /// session and so releases the lock, which can never stay behind on a pooled
    /// connection. (So a job uses one connection beyond `POOL_SIZE` while it runs.) A
    /// SQLite file belongs to one machine: the job runs.
    pub async fn alone<T>(
        &self,
        job: Job,
        work: impl std::future::Future<Output = T>,
    ) -> Result<Option<T>, sqlx::Error> {
        let Db::Postgres(pool) = self else {
            return Ok(Some(work.await));
        };
        let mut conn = pool.acquire().await?.detach();
        let key = job.lock_key();
        let mine: bool =
            sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(key).fetch_one(&mut conn).await?;
        if !mine {
            tracing::info!(?job, "another instance is doing this; skipped");
            let _ = sqlx::Connection::close(conn).await;
            return Ok(None);
        }
        let done = work.await;
        // Closing the session releases the lock too; unlocking first says so plainly.
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(key).execute(&mut conn).await;
        let _ = sqlx::Connection::close(conn).await;
        Ok(Some(done))
    }

    /// Whether the database answers (the health check).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))
    }

    /// Closes every connection (at shut-down).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// `Tx::keep_rows`, for a single statement outside a transaction (its lock lasts
    /// as long as the statement).
    pub(crate) fn keep_rows(&self) -> &'static str {
        self.sql("", KEEP_ROWS)
    }

    /// The engine's name, for logs and messages.
    pub fn engine(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    /// `sqlite` or `postgres`: the text of a statement whose dialects differ.
    pub(crate) fn sql<'a>(&self, sqlite: &'a str, postgres: &'a str) -> &'a str {
        match self {
            Db::Sqlite(_) => sqlite,
            Db::Postgres(_) => postgres,
        }
    }
}

/// Periodic work that one instance at a time does (`Db::alone`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// The start-up sweep of photo files no row points to.
    OrphanSweep,
    /// The hourly deletion of expired sessions.
    SessionSweep,
    /// The deletion, every minute, of new tokens nobody came to see in time.
    RevealSweep,
}

impl Job {
    /// Its PostgreSQL advisory lock: 'SHUT' in the high 32 bits, so Shutter's keys do not
    /// meet another application's in a shared database, and the job in the low ones.
    pub fn lock_key(self) -> i64 {
        const SHUTTER: i64 = 0x5348_5554 << 32;
        SHUTTER
            | match self {
                Job::OrphanSweep => 1,
                Job::SessionSweep => 2,
                Job::RevealSweep => 3,
            }
    }
}

/// See `Tx::keep_rows`.
const KEEP_ROWS: &str = " FOR KEY SHARE";

/// Whether `text` could be stored at all. PostgreSQL's text cannot hold a NUL, and
/// refuses a parameter with one (SQLite would take it, but the domain refuses control
/// characters in whatever is stored): a lookup by such text finds nothing, on either
/// engine, without asking.
pub(crate) fn storable(text: &str) -> bool {
    !text.contains('\0')
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }

    /// `sqlite` or `postgres`: the text of a statement whose dialects differ.
    pub(crate) fn sql<'a>(&self, sqlite: &'a str, postgres: &'a str) -> &'a str {
        match self {
            Tx::Sqlite(_) => sqlite,
            Tx::Postgres(_) => postgres,
        }
    }

    /// Ends a `SELECT` of the rows a new row will point to, so that they stay until the
    /// transaction ends. On PostgreSQL, FOR KEY SHARE: a DELETE of them running at the
    /// same time waits for us, or, if it came first, the row is skipped (nothing to point
    /// to) instead of failing the foreign-key check after the read. Nothing on SQLite,
    /// whose write transactions already run one at a time.
    pub(crate) fn keep_rows(&self) -> &'static str {
        self.sql("", KEEP_ROWS)
    }
}

/// Writes a consistent copy of the live SQLite database to the file `to` (`server backup`).
pub async fn vacuum_into(pool: &SqlitePool, to: &str) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM INTO $1").bind(to).execute(pool).await.map(drop)
}
