//! The `access_tokens` table: personal access tokens, stored as SHA-256 hashes.

use super::{Db, engine::on_pool};
use crate::domain::ids::UserId;
use sqlx::FromRow;

#[derive(Debug, FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// The owner of a token, as authentication needs them.
#[derive(Debug, FromRow)]
pub struct TokenOwner {
    pub token_id: i64,
    #[sqlx(flatten)]
    pub user: super::users::SessionUser,
    /// `last_used_at` is unset or more than a minute old: time to refresh it.
    pub stale: bool,
}

pub async fn insert(db: &Db, user_id: UserId, name: &str, hash: &[u8]) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(
        "INSERT INTO access_tokens (user_id, name, token_hash) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(hash)
    .fetch_one(pool)
    .await)
}

pub async fn count_of_user(db: &Db, user_id: UserId) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT count(*) FROM access_tokens WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await)
}

/// A user's tokens, newest first.
pub async fn of_user(db: &Db, user_id: UserId) -> Result<Vec<TokenRow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name, created_at, last_used_at FROM access_tokens WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)
}

/// Deletes a token of `user_id`'s; false if they have no such token.
pub async fn delete(db: &Db, id: i64, user_id: UserId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM access_tokens WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// The text of "a minute ago" in the database's clock, as times are stored on both
/// engines: UTC, 'YYYY-MM-DD HH:MM:SS'.
fn a_minute_ago(db: &Db) -> &'static str {
    db.sql(
        "strftime('%Y-%m-%d %H:%M:%S', 'now', '-60 seconds')",
        "to_char(now() AT TIME ZONE 'UTC' - interval '60 seconds', 'YYYY-MM-DD HH24:MI:SS')",
    )
}

/// The text of "now", as `a_minute_ago`.
fn now(db: &Db) -> &'static str {
    db.sql(
        "strftime('%Y-%m-%d %H:%M:%S', 'now')",
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')",
    )
}

/// The user a token hash belongs to (a deleted user's tokens are gone with them).
pub async fn owner_of(db: &Db, hash: &[u8]) -> Result<Option<TokenOwner>, sqlx::Error> {
    let sql = format!(
        "SELECT t.id AS token_id, u.id, u.username, u.full_name, u.avatar, u.session_epoch, \
           (t.last_used_at IS NULL OR t.last_used_at < {}) AS stale \
         FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
        a_minute_ago(db)
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(hash).fetch_optional(pool).await)
}

/// Records a use of the token, unless one was recorded within the last minute.
pub async fn touch(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE access_tokens SET last_used_at = {} WHERE id = $1 \
         AND (last_used_at IS NULL OR last_used_at < {})",
        now(db),
        a_minute_ago(db)
    );
    on_pool!(db, pool => sqlx::query(&sql).bind(id).execute(pool).await.map(drop))
}
