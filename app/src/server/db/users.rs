//! The `users` table.

use super::{Db, engine::on_pool, engine::on_tx};
use crate::domain::ids::UserId;
use sqlx::FromRow;

#[derive(Debug, FromRow)]
pub struct SessionUser {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub avatar: Option<String>,
    pub session_epoch: i64,
}

#[derive(Debug, FromRow)]
pub struct Credentials {
    pub id: UserId,
    pub password_hash: String,
    pub session_epoch: i64,
}

#[derive(Debug, FromRow)]
pub struct Settings {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub bio: String,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
}

/// Inserts a user and returns its id. A taken username is a unique violation.
pub async fn insert(db: &Db, user: NewUser<'_>) -> Result<UserId, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(
        "INSERT INTO users (username, full_name, email, password_hash) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user.username)
    .bind(user.full_name)
    .bind(user.email)
    .bind(user.password_hash)
    .fetch_one(pool)
    .await)
}

pub async fn find_session_user(db: &Db, id: UserId) -> Result<Option<SessionUser>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT id, username, full_name, avatar, session_epoch FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await)
}

pub async fn credentials_by_username(db: &Db, username: &str) -> Result<Option<Credentials>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT id, password_hash, session_epoch FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(pool)
        .await)
}

pub async fn credentials_by_id(db: &Db, id: UserId) -> Result<Option<Credentials>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT id, password_hash, session_epoch FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await)
}

pub async fn settings(db: &Db, id: UserId) -> Result<Option<Settings>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT username, full_name, email, bio FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await)
}

pub async fn update_profile(
    db: &Db,
    id: UserId,
    full_name: &str,
    email: &str,
    bio: &str,
) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("UPDATE users SET full_name = $1, email = $2, bio = $3 WHERE id = $4")
        .bind(full_name)
        .bind(email)
        .bind(bio)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// Stores a new password hash and retires every existing session; returns the new epoch.
/// The old hash must still match, so two concurrent changes cannot both win.
pub async fn replace_password(
    db: &Db,
    id: UserId,
    old_hash: &str,
    new_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(
        "UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1 \
         WHERE id = $2 AND password_hash = $3 RETURNING session_epoch",
    )
    .bind(new_hash)
    .bind(id)
    .bind(old_hash)
    .fetch_optional(pool)
    .await)
}

/// Deletes the user; their rows in other tables go with them (ON DELETE CASCADE).
pub async fn delete(db: &Db, id: UserId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(pool).await.map(|r| r.rows_affected() == 1))
}

#[derive(Debug, FromRow)]
pub struct ProfileRow {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub bio: String,
    pub avatar: Option<String>,
    pub post_count: i64,
}

pub async fn profile(db: &Db, username: &str) -> Result<Option<ProfileRow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT u.id, u.username, u.full_name, u.bio, u.avatar, \
         (SELECT count(*) FROM posts p WHERE p.owner_id = u.id) AS post_count \
         FROM users u WHERE u.username = $1",
    )
    .bind(username)
    .fetch_optional(pool)
    .await)
}

/// Sets the avatar; returns the previous one's stem, whose files can then go.
pub async fn replace_avatar(db: &Db, id: UserId, stem: &str) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    // On PostgreSQL the row is locked as it is read, so two replacements at once cannot
    // both answer the same previous avatar (SQLite's BEGIN IMMEDIATE already serialises).
    let read =
        tx.sql("SELECT avatar FROM users WHERE id = $1", "SELECT avatar FROM users WHERE id = $1 FOR UPDATE");
    let old: Option<String> = on_tx!(&mut tx, conn => {
        let old = sqlx::query_scalar(read).bind(id).fetch_one(&mut *conn).await?;
        sqlx::query("UPDATE users SET avatar = $1 WHERE id = $2").bind(stem).bind(id).execute(&mut *conn).await?;
        old
    });
    tx.commit().await?;
    Ok(old)
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(pool).await)
}

pub async fn id_by_username(db: &Db, username: &str) -> Result<Option<UserId>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM users WHERE username = $1").bind(username).fetch_optional(pool).await)
}
