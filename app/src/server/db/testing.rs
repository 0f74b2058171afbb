//! A database for unit tests: migrated, in memory, gone with the pool.

use sqlx::SqlitePool;

/// A migrated in-memory database (one connection: each would have its own database).
pub async fn database() -> SqlitePool {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("an in-memory database");
    sqlx::migrate!("../migrations").run(&pool).await.expect("migrations");
    pool
}
