//! The `comments` table.

use super::{Db, Tx, engine::on_pool, engine::on_tx};
use crate::domain::ids::{CommentId, PostId, UserId};
use sqlx::FromRow;

#[derive(Debug, FromRow)]
pub struct CommentRow {
    pub id: CommentId,
    pub owner_id: UserId,
    pub username: String,
    pub text: String,
}

/// Adds a comment; `None` if there is no such post.
pub async fn add(
    tx: &mut Tx,
    post_id: PostId,
    owner_id: UserId,
    text: &str,
) -> Result<Option<CommentId>, sqlx::Error> {
    let sql = format!(
        "INSERT INTO comments (post_id, owner_id, text) SELECT id, $1, $2 FROM posts WHERE id = $3{} RETURNING id",
        tx.keep_rows()
    );
    on_tx!(tx, conn => sqlx::query_scalar(&sql)
    .bind(owner_id)
    .bind(text)
    .bind(post_id)
    .fetch_optional(conn)
    .await)
}

/// Deletes a comment if `user_id` wrote it or owns its post (`policy::may_delete_comment`,
/// enforced here atomically); false otherwise.
pub async fn delete(db: &Db, id: CommentId, user_id: UserId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query(
        "DELETE FROM comments WHERE id = $1 \
         AND (owner_id = $2 OR post_id IN (SELECT id FROM posts WHERE owner_id = $2))",
    )
    .bind(id)
    .bind(user_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1))
}

pub async fn exists(db: &Db, id: CommentId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM comments WHERE id = $1)")
        .bind(id)
        .fetch_one(pool)
        .await)
}

/// All comments of a post, oldest first.
pub async fn of_post(db: &Db, post_id: PostId) -> Result<Vec<CommentRow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT c.id, c.owner_id, u.username, c.text FROM comments c JOIN users u ON u.id = c.owner_id \
         WHERE c.post_id = $1 ORDER BY c.id",
    )
    .bind(post_id)
    .fetch_all(pool)
    .await)
}
