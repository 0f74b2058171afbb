//! The `posts`, `post_images` and `post_tags` tables.

use crate::domain::ids::{PostId, UserId};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

#[derive(Debug, FromRow)]
pub struct PostRow {
    pub id: PostId,
    pub owner_id: UserId,
    pub caption: String,
    pub created_at: String,
    pub username: String,
    pub full_name: String,
    pub avatar: Option<String>,
}

/// A photo of a post, from `post_images` (or, in the feed, the same columns as JSON).
#[derive(Debug, FromRow, serde::Deserialize)]
pub struct ImageRow {
    pub stem: String,
    pub width: u32,
    pub height: u32,
    pub thumb_width: u32,
    pub thumb_height: u32,
    pub alt: String,
}

#[derive(Debug, FromRow)]
pub struct ThumbRow {
    pub id: PostId,
    pub stem: String,
    pub alt: String,
    pub photo_count: i64,
}

pub struct NewImage<'a> {
    pub stem: &'a str,
    pub width: u32,
    pub height: u32,
    pub thumb_width: u32,
    pub thumb_height: u32,
    pub alt: &'a str,
}

pub async fn insert_post(
    tx: &mut SqliteConnection,
    owner_id: UserId,
    caption: &str,
) -> Result<PostId, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO posts (owner_id, caption) VALUES (?, ?) RETURNING id")
        .bind(owner_id)
        .bind(caption)
        .fetch_one(tx)
        .await
}

pub async fn insert_image(
    tx: &mut SqliteConnection,
    post_id: PostId,
    position: usize,
    image: &NewImage<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO post_images (post_id, position, stem, width, height, thumb_width, thumb_height, alt) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(post_id)
    .bind(position as i64)
    .bind(image.stem)
    .bind(image.width)
    .bind(image.height)
    .bind(image.thumb_width)
    .bind(image.thumb_height)
    .bind(image.alt)
    .execute(tx)
    .await
    .map(drop)
}

/// Replaces the tags of a post.
pub async fn set_tags(
    tx: &mut SqliteConnection,
    post_id: PostId,
    tags: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM post_tags WHERE post_id = ?").bind(post_id).execute(&mut *tx).await?;
    for tag in tags {
        sqlx::query("INSERT OR IGNORE INTO post_tags (tag, post_id) VALUES (?, ?)")
            .bind(tag)
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

pub async fn find(pool: &SqlitePool, id: PostId) -> Result<Option<PostRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.owner_id, p.caption, p.created_at, u.username, u.full_name, u.avatar \
         FROM posts p JOIN users u ON u.id = p.owner_id WHERE p.id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The owner of a post, if it exists.
pub async fn owner_of(pool: &SqlitePool, id: PostId) -> Result<Option<UserId>, sqlx::Error> {
    sqlx::query_scalar("SELECT owner_id FROM posts WHERE id = ?").bind(id).fetch_optional(pool).await
}

pub async fn images(pool: &SqlitePool, post_id: PostId) -> Result<Vec<ImageRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT stem, width, height, thumb_width, thumb_height, alt FROM post_images \
         WHERE post_id = ? ORDER BY position",
    )
    .bind(post_id)
    .fetch_all(pool)
    .await
}

/// Changes caption and alt texts of a post owned by `owner_id` (`policy::may_change_post`,
/// enforced here atomically); false if there is none.
pub async fn update(
    tx: &mut SqliteConnection,
    id: PostId,
    owner_id: UserId,
    caption: &str,
    alts: &[String],
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query("UPDATE posts SET caption = ? WHERE id = ? AND owner_id = ?")
        .bind(caption)
        .bind(id)
        .bind(owner_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    for (position, alt) in alts.iter().enumerate() {
        sqlx::query("UPDATE post_images SET alt = ? WHERE post_id = ? AND position = ?")
            .bind(alt)
            .bind(id)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
    }
    Ok(true)
}

/// Deletes a post owned by `owner_id` (`policy::may_change_post`); returns the stems of
/// its files, or `None` if there is no such post of theirs.
pub async fn delete(
    tx: &mut SqliteConnection,
    id: PostId,
    owner_id: UserId,
) -> Result<Option<Vec<String>>, sqlx::Error> {
    let stems: Vec<String> = sqlx::query_scalar(
        "SELECT i.stem FROM post_images i JOIN posts p ON p.id = i.post_id WHERE p.id = ? AND p.owner_id = ?",
    )
    .bind(id)
    .bind(owner_id)
    .fetch_all(&mut *tx)
    .await?;
    let deleted = sqlx::query("DELETE FROM posts WHERE id = ? AND owner_id = ?")
        .bind(id)
        .bind(owner_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    Ok((deleted == 1).then_some(stems))
}

const THUMB_COLUMNS: &str = "p.id, i.stem, i.alt, \
     (SELECT count(*) FROM post_images c WHERE c.post_id = p.id) AS photo_count";

/// A page of `owner_id`'s posts with id < `before`, newest first.
pub async fn grid_of_owner(
    pool: &SqlitePool,
    owner_id: UserId,
    before: PostId,
    limit: i64,
) -> Result<Vec<ThumbRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {THUMB_COLUMNS} FROM posts p \
         JOIN post_images i ON i.post_id = p.id AND i.position = 0 \
         WHERE p.owner_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?"
    ))
    .bind(owner_id)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A page of the posts tagged `tag` with id < `before`, newest first.
pub async fn grid_of_tag(
    pool: &SqlitePool,
    tag: &str,
    before: PostId,
    limit: i64,
) -> Result<Vec<ThumbRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {THUMB_COLUMNS} FROM post_tags t \
         JOIN posts p ON p.id = t.post_id \
         JOIN post_images i ON i.post_id = p.id AND i.position = 0 \
         WHERE t.tag = ? AND t.post_id < ? ORDER BY t.post_id DESC LIMIT ?"
    ))
    .bind(tag)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Which of `stems` no row points to (neither a photo nor an avatar).
pub async fn unknown_stems(pool: &SqlitePool, stems: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let stems = serde_json::to_string(stems).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query_scalar(
        "SELECT value FROM json_each(?) WHERE NOT EXISTS (SELECT 1 FROM post_images WHERE stem = value) \
           AND NOT EXISTS (SELECT 1 FROM users WHERE avatar = value)",
    )
    .bind(stems)
    .fetch_all(pool)
    .await
}

/// Every media stem of a user: their posts' photos and their avatar.
pub async fn media_of_user(pool: &SqlitePool, user_id: UserId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT i.stem FROM post_images i JOIN posts p ON p.id = i.post_id WHERE p.owner_id = ?1 \
         UNION ALL SELECT avatar FROM users WHERE id = ?1 AND avatar IS NOT NULL",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// Posts of the last `days` days with the most likes, then the newest.
pub async fn popular(pool: &SqlitePool, days: i64, limit: i64) -> Result<Vec<ThumbRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {THUMB_COLUMNS} FROM posts p \
         JOIN post_images i ON i.post_id = p.id AND i.position = 0 \
         WHERE p.created_at >= strftime('%Y-%m-%d %H:%M:%S', 'now', ?1) \
         ORDER BY (SELECT count(*) FROM likes l WHERE l.post_id = p.id) DESC, p.id DESC LIMIT ?2"
    ))
    .bind(format!("-{days} days"))
    .bind(limit)
    .fetch_all(pool)
    .await
}
