//! The database's clock. Whatever is shared between instances (the sign-in throttle, new
//! tokens waiting to be shown) is timed by it, never by an instance's own clock: two
//! instances whose clocks are a minute apart must not count one window twice.

use super::{Db, Tx, engine::on_tx};

/// Milliseconds since the Unix epoch, as an SQL expression of `db`'s dialect. On
/// PostgreSQL `clock_timestamp()`, not `now()`: the time of the statement, not of the
/// transaction's start, which may be older than a lock the transaction waited for.
pub(crate) fn now_ms(db: &Db) -> &'static str {
    db.sql(SQLITE, POSTGRES)
}

const SQLITE: &str = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
const POSTGRES: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/// The database's time now, in milliseconds since the Unix epoch, read in `tx`.
pub async fn now(tx: &mut Tx) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT {}", tx.sql(SQLITE, POSTGRES));
    on_tx!(tx, conn => sqlx::query_scalar(&sql).fetch_one(conn).await)
}
