//! The `follows` table.

use super::{Db, engine::on_pool};
use crate::domain::ids::UserId;

/// Follows; following twice keeps one row, and so does following someone who has just
/// deleted their account: none.
pub async fn follow(db: &Db, follower_id: UserId, followee_id: UserId) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO follows (follower_id, followee_id) SELECT $1, id FROM users WHERE id = $2{} \
         ON CONFLICT DO NOTHING",
        db.keep_rows()
    );
    on_pool!(db, pool => sqlx::query(&sql)
    .bind(follower_id)
    .bind(followee_id)
    .execute(pool)
    .await
    .map(drop))
}

pub async fn unfollow(db: &Db, follower_id: UserId, followee_id: UserId) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2")
        .bind(follower_id)
        .bind(followee_id)
        .execute(pool)
        .await
        .map(drop))
}

/// (followers, following) of a user.
pub async fn counts(db: &Db, user_id: UserId) -> Result<(i64, i64), sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT COALESCE((SELECT follower_count FROM users WHERE id = $1), 0), \
                (SELECT count(*) FROM follows WHERE follower_id = $1)",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await)
}

pub async fn is_following(db: &Db, follower_id: UserId, followee_id: UserId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2)",
    )
    .bind(follower_id)
    .bind(followee_id)
    .fetch_one(pool)
    .await)
}

#[derive(Debug, sqlx::FromRow)]
pub struct PersonRow {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub avatar: Option<String>,
    pub i_follow: bool,
}

/// People following `user_id` (`followers = true`) or followed by them, by username
/// after `after`, with whether `reader` follows each.
pub async fn people(
    db: &Db,
    user_id: UserId,
    followers: bool,
    reader: UserId,
    after: &str,
    limit: i64,
) -> Result<Vec<PersonRow>, sqlx::Error> {
    let (join, filter) =
        if followers { ("f.follower_id", "f.followee_id") } else { ("f.followee_id", "f.follower_id") };
    let sql = format!(
        "SELECT u.id, u.username, u.full_name, u.avatar, \
           EXISTS (SELECT 1 FROM follows m WHERE m.follower_id = $1 AND m.followee_id = u.id) AS i_follow \
         FROM follows f JOIN users u ON u.id = {join} \
         WHERE {filter} = $2 AND u.username > $3 ORDER BY u.username LIMIT $4"
    );
    on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(reader)
        .bind(user_id)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await)
}

/// People `reader` does not follow (nor is), most followed first.
pub async fn suggestions(db: &Db, reader: UserId, limit: i64) -> Result<Vec<PersonRow>, sqlx::Error> {
    // Walks `users_by_follower_count` from the top, skipping the reader and whom they
    // follow: a few rows more than `limit`, however many people and follows there are.
    on_pool!(db, pool => sqlx::query_as(
        "SELECT u.id, u.username, u.full_name, u.avatar, false AS i_follow FROM users u \
         WHERE u.id <> $1 \
           AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = u.id) \
         ORDER BY u.follower_count DESC, u.id DESC LIMIT $2",
    )
    .bind(reader)
    .bind(limit)
    .fetch_all(pool)
    .await)
}
