//! Read-only looks at a server's data folder from beside it: a snapshot of every table
//! and of the media folder (to prove a request changed nothing), and the rows behind the
//! counts the site shows. It opens its own read-only connection, never the server's pool,
//! to the SQLite file or the PostgreSQL database the server runs on.

use crate::helpers::{TestApp, TestMedia};
use sqlx::{Connection, PgConnection, Row, SqliteConnection, sqlite::SqliteConnectOptions};
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

/// Tables whose rows change on every request by design (the session's expiry, the
/// sign-in throttle's counts) or that only the migrator writes.
const SKIPPED_TABLES: &[&str] = &["sessions", "sign_in_attempts", "_sqlx_migrations"];
/// Columns a read may legitimately change: opening the notifications marks them seen,
/// and a token records when it was last used.
const VOLATILE_COLUMNS: &[(&str, &str)] = &[("notifications", "seen"), ("access_tokens", "last_used_at")];

/// Every row of every table (as SQLite quotes it, sorted) and every media file's size (0
/// on S3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub tables: BTreeMap<String, Vec<String>>,
    pub media: BTreeMap<String, u64>,
}

impl Snapshot {
    /// What changed from `before` to `self`, in a few readable lines ("" if nothing).
    pub fn changes_since(&self, before: &Snapshot) -> String {
        let mut out = Vec::new();
        for (table, rows) in &self.tables {
            let old = before.tables.get(table).cloned().unwrap_or_default();
            let added: Vec<_> = rows.iter().filter(|r| !old.contains(r)).take(3).collect();
            let removed: Vec<_> = old.iter().filter(|r| !rows.contains(r)).take(3).collect();
            if !added.is_empty() || !removed.is_empty() {
                out.push(format!("{table}: +{added:?} -{removed:?}"));
            }
        }
        if self.media != before.media {
            let added: Vec<_> = self.media.keys().filter(|k| !before.media.contains_key(*k)).collect();
            let removed: Vec<_> = before.media.keys().filter(|k| !self.media.contains_key(*k)).collect();
            out.push(format!("media: +{added:?} -{removed:?}"));
        }
        out.join("; ")
    }
}

pub struct Inspector {
    conn: Conn,
    data_dir: PathBuf,
    /// `SELECT` of each table, built once from its columns.
    queries: Vec<(String, String)>,
    /// The server's photo store when it is not the data folder (S3).
    media: Option<TestMedia>,
}

enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Inspector {
    /// Looks at `app`'s database, whichever engine it runs on.
    pub async fn open(app: &TestApp) -> Self {
        let inspector = match &app.database {
            Some(db) => Self::open_postgres(&db.url, app.data_dir.path()).await,
            None => Self::open_sqlite(app.data_dir.path()).await,
        };
        inspector.watching(&app.media)
    }

    /// Looks at the SQLite database of the data folder `data_dir`.
    pub async fn open_sqlite(data_dir: &Path) -> Self {
        let options = SqliteConnectOptions::new().filename(data_dir.join("shutter.db")).read_only(true);
        let mut conn = SqliteConnection::connect_with(&options).await.expect("read-only connection");
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut conn)
                .await
                .expect("tables");
        let mut queries = Vec::new();
        for table in tables.into_iter().filter(|t| !SKIPPED_TABLES.contains(&t.as_str())) {
            let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
                .bind(&table)
                .fetch_all(&mut conn)
                .await
                .expect("columns");
            let kept: Vec<String> = columns
                .into_iter()
                .filter(|c| !VOLATILE_COLUMNS.contains(&(table.as_str(), c.as_str())))
                .map(|c| format!("quote(\"{c}\")"))
                .collect();
            queries.push((table.clone(), format!("SELECT {} FROM \"{table}\"", kept.join(" || ',' || "))));
        }
        Self { conn: Conn::Sqlite(conn), data_dir: data_dir.to_owned(), queries, media: None }
    }

    /// Snapshots list the photos of `media` (the server's store, which may be S3).
    pub fn watching(mut self, media: &TestMedia) -> Self {
        self.media = Some(media.clone());
        self
    }

    /// Looks at the PostgreSQL database at `url` (media in `data_dir`): each row as JSON
    /// text, less its volatile columns.
    pub(crate) async fn open_postgres(url: &str, data_dir: &Path) -> Self {
        let mut conn = PgConnection::connect(url).await.expect("connection");
        sqlx::query("SET default_transaction_read_only = on").execute(&mut conn).await.expect("read only");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        )
        .fetch_all(&mut conn)
        .await
        .expect("tables");
        let queries = tables
            .into_iter()
            .filter(|t| !SKIPPED_TABLES.contains(&t.as_str()))
            .map(|table| {
                let volatile: Vec<String> = VOLATILE_COLUMNS
                    .iter()
                    .filter(|(t, _)| *t == table)
                    .map(|(_, c)| format!("'{c}'"))
                    .collect();
                let query = format!(
                    "SELECT (to_jsonb(t) - ARRAY[{}]::text[])::text FROM \"{table}\" t",
                    volatile.join(", ")
                );
                (table, query)
            })
            .collect();
        Self { conn: Conn::Postgres(conn), data_dir: data_dir.to_owned(), queries, media: None }
    }

    pub async fn snapshot(&mut self) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for (table, query) in &self.queries {
            let mut rows: Vec<String> = match &mut self.conn {
                Conn::Sqlite(conn) => sqlx::query_scalar(query).fetch_all(conn).await,
                Conn::Postgres(conn) => sqlx::query_scalar(query).fetch_all(conn).await,
            }
            .expect("table rows");
            rows.sort();
            snapshot.tables.insert(table.clone(), rows);
        }
        snapshot.media = match &self.media {
            // Names only: a stored photo is never rewritten, so a change adds or removes one.
            Some(media @ TestMedia::S3(_)) => media.files().await.into_iter().map(|name| (name, 0)).collect(),
            _ => media_files(&self.data_dir.join("media")),
        };
        snapshot
    }

    /// One number from the database.
    pub async fn count(&mut self, sql: &str) -> i64 {
        match &mut self.conn {
            Conn::Sqlite(conn) => sqlx::query(sql).fetch_one(conn).await.expect(sql).get(0),
            Conn::Postgres(conn) => sqlx::query(sql).fetch_one(conn).await.expect(sql).get(0),
        }
    }

    /// Rows of two columns, as text.
    pub async fn pairs(&mut self, sql: &str) -> Vec<(String, String)> {
        match &mut self.conn {
            Conn::Sqlite(conn) => sqlx::query(sql)
                .fetch_all(conn)
                .await
                .expect(sql)
                .iter()
                .map(|r| (text(r, 0), text(r, 1)))
                .collect(),
            Conn::Postgres(conn) => sqlx::query(sql)
                .fetch_all(conn)
                .await
                .expect(sql)
                .iter()
                .map(|r| (text(r, 0), text(r, 1)))
                .collect(),
        }
    }

    /// SQLite's own check of the file (the kill -9 soak runs on SQLite).
    pub async fn integrity_check(&mut self) -> String {
        match &mut self.conn {
            Conn::Sqlite(conn) => {
                sqlx::query_scalar("PRAGMA integrity_check").fetch_one(conn).await.expect("integrity_check")
            }
            Conn::Postgres(_) => "ok".into(),
        }
    }
}

/// A column as text, whatever its type.
fn text<R: Row>(row: &R, i: usize) -> String
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    row.try_get::<String, _>(i)
        .or_else(|_| row.try_get::<i64, _>(i).map(|v| v.to_string()))
        .unwrap_or_default()
}

/// Files of the media folder (recursively) and their sizes.
pub fn media_files(dir: &Path) -> BTreeMap<String, u64> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) => {
                    let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().into_owned();
                    files.insert(name, m.len());
                }
                Err(_) => {}
            }
        }
    }
    files
}
