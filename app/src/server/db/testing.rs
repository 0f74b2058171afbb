//! A database for unit tests: migrated, in memory, gone with the pool.

use super::Db;

/// A migrated in-memory SQLite database (one connection: each would have its own).
pub async fn database() -> Db {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("an in-memory database");
    let db = Db::Sqlite(pool);
    db.migrate().await.expect("migrations");
    db
}
