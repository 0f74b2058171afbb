//! Sessions (migrations 0010 / postgres 0005): one row per browser session, the person it
//! names and the epoch they signed in under as columns, everything else as JSON. Times are
//! Unix seconds from the instance's clock, as tower-sessions computes a session's expiry.
//! `auth::session_store` turns these rows into tower-sessions' records.

use super::{Db, engine::on_pool, users::SessionUser};
use crate::domain::ids::UserId;

/// The person a session names and their unread notifications (`signed_in_user_and_unread`).
#[derive(Debug, sqlx::FromRow)]
pub struct SignedIn {
    #[sqlx(flatten)]
    pub user: SessionUser,
    pub unread: i64,
}

/// What a session row holds besides its id.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: Option<UserId>,
    pub epoch: Option<i64>,
    pub data: String,
    pub expiry_date: i64,
}

/// Inserts a new session; `false` if a session with this id already exists.
pub async fn create(db: &Db, id: &str, row: &SessionRow) -> Result<bool, sqlx::Error> {
    insert(db, id, row, "DO NOTHING").await.map(|inserted| inserted == 1)
}

/// Writes the session, inserting it if it is not there.
pub async fn save(db: &Db, id: &str, row: &SessionRow) -> Result<(), sqlx::Error> {
    let update = "DO UPDATE SET user_id = excluded.user_id, epoch = excluded.epoch, \
                  data = excluded.data, expiry_date = excluded.expiry_date";
    insert(db, id, row, update).await.map(drop)
}

/// Inserts the session, doing `on_conflict` if its id is taken; answers the rows written.
async fn insert(db: &Db, id: &str, row: &SessionRow, on_conflict: &str) -> Result<u64, sqlx::Error> {
    let sql = format!(
        "INSERT INTO sessions (id, user_id, epoch, data, expiry_date) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (id) {on_conflict}"
    );
    on_pool!(db, pool => sqlx::query(&sql)
        .bind(id)
        .bind(row.user_id)
        .bind(row.epoch)
        .bind(&row.data)
        .bind(row.expiry_date)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
}

/// The session `id` unless it has expired by `now`.
pub async fn load(db: &Db, id: &str, now: i64) -> Result<Option<SessionRow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT user_id, epoch, data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(pool)
    .await)
}

pub async fn delete(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(pool).await.map(|_| ()))
}

/// Deletes every session that expired before `now`.
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM sessions WHERE expiry_date <= $1")
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
}

/// The person session `$1` names, if it has not expired by `$2` and was signed in under the
/// person's current epoch: the one statement of what makes a session valid.
macro_rules! session_person {
    () => {
        "SELECT u.id, u.username, u.full_name, u.avatar, u.session_epoch \
         FROM sessions s JOIN users u ON u.id = s.user_id AND u.session_epoch = s.epoch \
         WHERE s.id = $1 AND s.expiry_date > $2"
    };
}

/// The person session `id` names, in one statement: only if the session has not expired by
/// `now` and was signed in under the person's current epoch (a password change bumps it).
pub async fn signed_in_user(db: &Db, id: &str, now: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(session_person!())
    .bind(id)
    .bind(now)
    .fetch_optional(pool)
    .await)
}

/// `signed_in_user`, and in the same statement how many notifications that person has not
/// seen, counted up to `cap`: all a page render needs to know of who asks.
pub async fn signed_in_user_and_unread(
    db: &Db,
    id: &str,
    now: i64,
    cap: i64,
) -> Result<Option<SignedIn>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        concat!("WITH me AS (", session_person!(), ") \
         SELECT me.*, (SELECT count(*) FROM (SELECT 1 FROM notifications \
             WHERE recipient_id = (SELECT id FROM me) AND NOT seen LIMIT $3) AS capped) AS unread \
         FROM me"),
    )
    .bind(id)
    .bind(now)
    .bind(cap)
    .fetch_optional(pool)
    .await)
}

/// How many sessions are stored, expired or not.
#[cfg(test)]
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(pool).await)
}
