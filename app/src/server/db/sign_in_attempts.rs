//! The `sign_in_attempts` table: password checks counted by the sign-in throttle
//! (`server::throttle` decides; this only stores). Times are the database's (`clock`).

use super::{Db, Tx, engine::on_pool, engine::on_tx};

/// The advisory lock that serialises counting on PostgreSQL: 'SHUT' in the high 32 bits
/// like the periodic jobs' (`engine::Job::lock_key`), and low bits none of them uses.
const COUNTING_LOCK: i64 = 0x5348_5554_5445_5231;

/// Starts the transaction in which one check is counted: from the first read to the
/// last insert, no other check (on any instance) may count, or concurrent guesses could
/// all find a budget with room left. SQLite: the write transaction holds the database's
/// write lock from its start. PostgreSQL: a transaction-scoped advisory lock, held until
/// it ends (checks are rare and this transaction short, so one lock for all keys costs
/// nothing and cannot deadlock).
pub async fn begin(db: &Db) -> Result<Tx, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    if let Tx::Postgres(pg) = &mut tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(COUNTING_LOCK).execute(&mut **pg).await?;
    }
    Ok(tx)
}

/// When `key`'s budget of `limit` checks after `since` is full: the time of the oldest
/// of its newest `limit` checks (it must leave the window first). `None` while there is
/// room.
pub async fn oldest_of_full(
    tx: &mut Tx,
    key: &[u8],
    since: i64,
    limit: i64,
) -> Result<Option<i64>, sqlx::Error> {
    on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT at FROM sign_in_attempts WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3",
    )
    .bind(key)
    .bind(since)
    .bind(limit - 1)
    .fetch_optional(conn)
    .await)
}

/// Counts a check of `key` at `at`.
pub async fn insert(tx: &mut Tx, key: &[u8], at: i64) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => sqlx::query("INSERT INTO sign_in_attempts (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(at)
        .execute(conn)
        .await
        .map(drop))
}

/// Forgets every check counted at or before `until` (they are out of every window).
pub async fn prune(tx: &mut Tx, until: i64) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM sign_in_attempts WHERE at <= $1")
        .bind(until)
        .execute(conn)
        .await
        .map(drop))
}

/// A right password: forgets every check of `forgiven`, and takes back the one check of
/// each of `taken_back` counted at `at` (one statement, so one write).
pub async fn forgive(db: &Db, forgiven: &[u8], taken_back: [&[u8]; 2], at: i64) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query(
        "DELETE FROM sign_in_attempts WHERE key = $1 \
           OR id = (SELECT max(id) FROM sign_in_attempts WHERE key = $2 AND at = $4) \
           OR id = (SELECT max(id) FROM sign_in_attempts WHERE key = $3 AND at = $4)",
    )
    .bind(forgiven)
    .bind(taken_back[0])
    .bind(taken_back[1])
    .bind(at)
    .execute(pool)
    .await
    .map(drop))
}

/// How many checks are counted, all keys together (for tests of the table's bound).
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT count(*) FROM sign_in_attempts").fetch_one(pool).await)
}
