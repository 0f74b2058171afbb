//! The `token_reveals` table: new access tokens waiting to be shown once
//! (`auth::bearer_token::Reveals` says why and for how long).

use super::{Db, clock::now_ms, engine::on_pool};
use crate::domain::ids::UserId;
use sqlx::FromRow;

#[derive(Debug, FromRow)]
pub struct Revealed {
    pub token_id: i64,
    pub token: String,
}

/// Puts `token` (the access token `token_id`'s) under `key` for `ttl_ms`, and forgets
/// the ones nobody took in time.
pub async fn put(db: &Db, key: &str, token_id: i64, token: &str, ttl_ms: i64) -> Result<(), sqlx::Error> {
    prune(db).await?;
    let sql = format!(
        "INSERT INTO token_reveals (key, token_id, token, expires_at) VALUES ($1, $2, $3, {} + $4)",
        now_ms(db)
    );
    on_pool!(db, pool => sqlx::query(&sql)
        .bind(key)
        .bind(token_id)
        .bind(token)
        .bind(ttl_ms)
        .execute(pool)
        .await
        .map(drop))
}

/// Takes the token waiting under `key` if `user_id` owns it and it has not expired: one
/// statement, so of two concurrent takes exactly one gets it.
pub async fn take(db: &Db, key: &str, user_id: UserId) -> Result<Option<Revealed>, sqlx::Error> {
    let sql = format!(
        "DELETE FROM token_reveals WHERE key = $1 AND expires_at > {} \
           AND token_id IN (SELECT id FROM access_tokens WHERE user_id = $2) \
         RETURNING token_id, token",
        now_ms(db)
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(key).bind(user_id).fetch_optional(pool).await)
}

/// Deletes the reveals whose time is over.
pub async fn prune(db: &Db) -> Result<(), sqlx::Error> {
    let sql = format!("DELETE FROM token_reveals WHERE expires_at <= {}", now_ms(db));
    on_pool!(db, pool => sqlx::query(&sql).execute(pool).await.map(drop))
}
