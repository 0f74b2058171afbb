//! The database's clock. Whatever is shared between instances (the sign-in throttle, new
//! tokens waiting to be shown) is timed by it, never by an instance's own clock: two
//! instances whose clocks are a minute apart must not count one window twice.

use sqlx::SqliteConnection;

/// Milliseconds since the Unix epoch, as an SQL expression. The one dialect-specific
/// piece of these tables: on PostgreSQL it is
/// `(extract(epoch FROM clock_timestamp()) * 1000)::bigint` (`clock_timestamp`, not
/// `now()`: the time of the statement, not of the transaction's start, which may be
/// older than a lock the transaction waited for).
pub(crate) fn now_ms() -> &'static str {
    "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
}

/// The database's time now, in milliseconds since the Unix epoch.
pub async fn now(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT {}", now_ms())).fetch_one(conn).await
}
