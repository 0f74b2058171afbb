//! The `likes` table.

use crate::domain::ids::{LikeId, PostId, UserId};
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

/// Removes the user's own like, if any. False if there is no such post.
pub async fn unlike(pool: &SqlitePool, user_id: UserId, post_id: PostId) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM likes WHERE user_id = ? AND post_id = ?")
        .bind(user_id)
        .bind(post_id)
        .execute(pool)
        .await?;
    post_exists(pool, post_id).await
}

async fn post_exists(pool: &SqlitePool, post_id: PostId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM posts WHERE id = ?)").bind(post_id).fetch_one(pool).await
}

/// (number of likes, whether `user_id` is among them).
pub async fn state(pool: &SqlitePool, user_id: UserId, post_id: PostId) -> Result<(i64, bool), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM likes WHERE post_id = ?2), \
                EXISTS (SELECT 1 FROM likes WHERE post_id = ?2 AND user_id = ?1)",
    )
    .bind(user_id)
    .bind(post_id)
    .fetch_one(pool)
    .await
}

/// Likes `post_id` and answers the new like's id; `None` if the user already liked it or
/// there is no such post (`id_of` tells which).
pub async fn insert(
    tx: &mut SqliteConnection,
    user_id: UserId,
    post_id: PostId,
) -> Result<Option<LikeId>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO likes (user_id, post_id) SELECT ?, id FROM posts WHERE id = ? \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(user_id)
    .bind(post_id)
    .fetch_optional(tx)
    .await
}

/// The id of `user_id`'s like of `post_id`, if they like it.
pub async fn id_of<'e>(
    db: impl SqliteExecutor<'e>,
    user_id: UserId,
    post_id: PostId,
) -> Result<Option<LikeId>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM likes WHERE user_id = ? AND post_id = ?")
        .bind(user_id)
        .bind(post_id)
        .fetch_optional(db)
        .await
}

/// Deletes the like `id` if it is `user_id`'s (`policy::remove_like_refused`); false
/// otherwise.
pub async fn delete_own(pool: &SqlitePool, id: LikeId, user_id: UserId) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM likes WHERE id = ? AND user_id = ?")
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn like_exists(pool: &SqlitePool, id: LikeId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM likes WHERE id = ?)").bind(id).fetch_one(pool).await
}
