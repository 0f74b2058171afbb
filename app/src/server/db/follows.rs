//! The `follows` table.

use sqlx::SqlitePool;

/// Follows; following twice keeps one row.
pub async fn follow(pool: &SqlitePool, follower_id: i64, followee_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO follows (follower_id, followee_id) VALUES (?, ?)")
        .bind(follower_id)
        .bind(followee_id)
        .execute(pool)
        .await
        .map(drop)
}

pub async fn unfollow(pool: &SqlitePool, follower_id: i64, followee_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?")
        .bind(follower_id)
        .bind(followee_id)
        .execute(pool)
        .await
        .map(drop)
}

/// (followers, following) of a user.
pub async fn counts(pool: &SqlitePool, user_id: i64) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM follows WHERE followee_id = ?1), \
                (SELECT count(*) FROM follows WHERE follower_id = ?1)",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
}

pub async fn is_following(
    pool: &SqlitePool,
    follower_id: i64,
    followee_id: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?)")
        .bind(follower_id)
        .bind(followee_id)
        .fetch_one(pool)
        .await
}
