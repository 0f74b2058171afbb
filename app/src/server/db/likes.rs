//! The `likes` table.

use super::{Db, Tx, engine::on_pool, engine::on_tx};
use crate::domain::ids::{LikeId, PostId, UserId};

/// Removes the user's own like, if any. False if there is no such post.
pub async fn unlike(db: &Db, user_id: UserId, post_id: PostId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM likes WHERE user_id = $1 AND post_id = $2")
        .bind(user_id)
        .bind(post_id)
        .execute(pool)
        .await
        .map(drop))?;
    post_exists(db, post_id).await
}

async fn post_exists(db: &Db, post_id: PostId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM posts WHERE id = $1)")
        .bind(post_id)
        .fetch_one(pool)
        .await)
}

/// (number of likes, whether `user_id` is among them).
pub async fn state(db: &Db, user_id: UserId, post_id: PostId) -> Result<(i64, bool), sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT (SELECT count(*) FROM likes WHERE post_id = $2), \
                EXISTS (SELECT 1 FROM likes WHERE post_id = $2 AND user_id = $1)",
    )
    .bind(user_id)
    .bind(post_id)
    .fetch_one(pool)
    .await)
}

/// Likes `post_id` and answers the new like's id; `None` if the user already liked it or
/// there is no such post (`id_of_in` tells which).
pub async fn insert(tx: &mut Tx, user_id: UserId, post_id: PostId) -> Result<Option<LikeId>, sqlx::Error> {
    let sql = format!(
        "INSERT INTO likes (user_id, post_id) SELECT $1, id FROM posts WHERE id = $2{} \
         ON CONFLICT DO NOTHING RETURNING id",
        tx.keep_rows()
    );
    on_tx!(tx, conn => sqlx::query_scalar(&sql)
    .bind(user_id)
    .bind(post_id)
    .fetch_optional(conn)
    .await)
}

const ID_OF: &str = "SELECT id FROM likes WHERE user_id = $1 AND post_id = $2";

/// The id of `user_id`'s like of `post_id`, if they like it.
pub async fn id_of(db: &Db, user_id: UserId, post_id: PostId) -> Result<Option<LikeId>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(ID_OF).bind(user_id).bind(post_id).fetch_optional(pool).await)
}

/// `id_of`, inside a write transaction.
pub async fn id_of_in(tx: &mut Tx, user_id: UserId, post_id: PostId) -> Result<Option<LikeId>, sqlx::Error> {
    on_tx!(tx, conn => sqlx::query_scalar(ID_OF).bind(user_id).bind(post_id).fetch_optional(conn).await)
}

/// Deletes the like `id` if it is `user_id`'s (`policy::remove_like_refused`); false
/// otherwise.
pub async fn delete_own(db: &Db, id: LikeId, user_id: UserId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM likes WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1))
}

pub async fn like_exists(db: &Db, id: LikeId) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM likes WHERE id = $1)")
        .bind(id)
        .fetch_one(pool)
        .await)
}
