//! The `posts`, `post_images` and `post_tags` tables.

use super::{
    Db, Tx,
    engine::{on_pool, on_tx, storable},
};
use crate::domain::ids::{PostId, UserId};
use sqlx::FromRow;

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
/// The sizes are stored as 64-bit integers (PostgreSQL has no unsigned types).
#[derive(Debug, FromRow, serde::Deserialize)]
pub struct ImageRow {
    pub stem: String,
    #[sqlx(try_from = "i64")]
    pub width: u32,
    #[sqlx(try_from = "i64")]
    pub height: u32,
    #[sqlx(try_from = "i64")]
    pub thumb_width: u32,
    #[sqlx(try_from = "i64")]
    pub thumb_height: u32,
    pub alt: String,
    /// Whether its middle sizes are stored (`media::pipeline::middle_sizes`).
    pub middle_sizes: bool,
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
    pub middle_sizes: bool,
}

/// A photo without its middle sizes, for `server backfill-photos`.
#[derive(Debug, FromRow)]
pub struct PhotoWithoutMiddleSizes {
    pub post_id: PostId,
    pub position: i64,
    pub stem: String,
}

pub async fn insert_post(tx: &mut Tx, owner_id: UserId, caption: &str) -> Result<PostId, sqlx::Error> {
    on_tx!(tx, conn => sqlx::query_scalar("INSERT INTO posts (owner_id, caption) VALUES ($1, $2) RETURNING id")
        .bind(owner_id)
        .bind(caption)
        .fetch_one(conn)
        .await)
}

pub async fn insert_image(
    tx: &mut Tx,
    post_id: PostId,
    position: usize,
    image: &NewImage<'_>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO post_images (post_id, position, stem, width, height, thumb_width, thumb_height, alt, middle_sizes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(post_id)
    .bind(position as i64)
    .bind(image.stem)
    .bind(i64::from(image.width))
    .bind(i64::from(image.height))
    .bind(i64::from(image.thumb_width))
    .bind(i64::from(image.thumb_height))
    .bind(image.alt)
    .bind(image.middle_sizes)
    .execute(conn)
    .await
    .map(drop))
}

/// Replaces the tags of a post.
pub async fn set_tags(tx: &mut Tx, post_id: PostId, tags: &[String]) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM post_tags WHERE post_id = $1").bind(post_id).execute(&mut *conn).await?;
        for tag in tags {
            sqlx::query("INSERT INTO post_tags (tag, post_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(tag)
                .bind(post_id)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    })
}

pub async fn find(db: &Db, id: PostId) -> Result<Option<PostRow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT p.id, p.owner_id, p.caption, p.created_at, u.username, u.full_name, u.avatar \
         FROM posts p JOIN users u ON u.id = p.owner_id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// The owner of a post, if it exists.
pub async fn owner_of(db: &Db, id: PostId) -> Result<Option<UserId>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT owner_id FROM posts WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await)
}

pub async fn images(db: &Db, post_id: PostId) -> Result<Vec<ImageRow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT stem, width, height, thumb_width, thumb_height, alt, middle_sizes FROM post_images \
         WHERE post_id = $1 ORDER BY position",
    )
    .bind(post_id)
    .fetch_all(pool)
    .await)
}

/// Changes caption and alt texts of a post owned by `owner_id` (`policy::may_change_post`,
/// enforced here atomically); false if there is none.
pub async fn update(
    tx: &mut Tx,
    id: PostId,
    owner_id: UserId,
    caption: &str,
    alts: &[String],
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, conn => {
        let updated = sqlx::query("UPDATE posts SET caption = $1 WHERE id = $2 AND owner_id = $3")
            .bind(caption)
            .bind(id)
            .bind(owner_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        for (position, alt) in alts.iter().enumerate() {
            sqlx::query("UPDATE post_images SET alt = $1 WHERE post_id = $2 AND position = $3")
                .bind(alt)
                .bind(id)
                .bind(position as i64)
                .execute(&mut *conn)
                .await?;
        }
        Ok(true)
    })
}

/// Deletes a post owned by `owner_id` (`policy::may_change_post`); returns the stems of
/// its files, or `None` if there is no such post of theirs.
pub async fn delete(tx: &mut Tx, id: PostId, owner_id: UserId) -> Result<Option<Vec<String>>, sqlx::Error> {
    on_tx!(tx, conn => {
        let stems: Vec<String> = sqlx::query_scalar(
            "SELECT i.stem FROM post_images i JOIN posts p ON p.id = i.post_id WHERE p.id = $1 AND p.owner_id = $2",
        )
        .bind(id)
        .bind(owner_id)
        .fetch_all(&mut *conn)
        .await?;
        let deleted = sqlx::query("DELETE FROM posts WHERE id = $1 AND owner_id = $2")
            .bind(id)
            .bind(owner_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        Ok((deleted == 1).then_some(stems))
    })
}

const THUMB_COLUMNS: &str = "p.id, i.stem, i.alt, \
     (SELECT count(*) FROM post_images c WHERE c.post_id = p.id) AS photo_count";

/// A page of `owner_id`'s posts with id < `before`, newest first.
pub async fn grid_of_owner(
    db: &Db,
    owner_id: UserId,
    before: PostId,
    limit: i64,
) -> Result<Vec<ThumbRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {THUMB_COLUMNS} FROM posts p \
         JOIN post_images i ON i.post_id = p.id AND i.position = 0 \
         WHERE p.owner_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT $3"
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(owner_id).bind(before).bind(limit).fetch_all(pool).await)
}

/// A page of the posts tagged `tag` with id < `before`, newest first.
pub async fn grid_of_tag(
    db: &Db,
    tag: &str,
    before: PostId,
    limit: i64,
) -> Result<Vec<ThumbRow>, sqlx::Error> {
    if !storable(tag) {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {THUMB_COLUMNS} FROM post_tags t \
         JOIN posts p ON p.id = t.post_id \
         JOIN post_images i ON i.post_id = p.id AND i.position = 0 \
         WHERE t.tag = $1 AND t.post_id < $2 ORDER BY t.post_id DESC LIMIT $3"
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(tag).bind(before).bind(limit).fetch_all(pool).await)
}

/// Which of `stems` no row points to (neither a photo nor an avatar).
pub async fn unknown_stems(db: &Db, stems: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let stems = serde_json::to_string(stems).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    // The stems arrive as one JSON array; only how each engine unpacks one differs.
    let sql = format!(
        "SELECT value FROM {} WHERE NOT EXISTS (SELECT 1 FROM post_images WHERE stem = value) \
           AND NOT EXISTS (SELECT 1 FROM users WHERE avatar = value)",
        db.sql("json_each($1)", "json_array_elements_text($1::json) AS value")
    );
    on_pool!(db, pool => sqlx::query_scalar(&sql).bind(&stems).fetch_all(pool).await)
}

/// Every media stem of a user: their posts' photos and their avatar.
pub async fn media_of_user(db: &Db, user_id: UserId) -> Result<Vec<String>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(
        "SELECT i.stem FROM post_images i JOIN posts p ON p.id = i.post_id WHERE p.owner_id = $1 \
         UNION ALL SELECT avatar FROM users WHERE id = $1 AND avatar IS NOT NULL",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)
}

/// Up to `limit` photos without their middle sizes after `after` (post id, position), in
/// that order: a keyset walk, so photos whose files cannot be made are passed, not read
/// again.
pub async fn photos_without_middle_sizes(
    db: &Db,
    after: (PostId, i64),
    limit: i64,
) -> Result<Vec<PhotoWithoutMiddleSizes>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT post_id, position, stem FROM post_images \
         WHERE (post_id, position) > ($1, $2) AND middle_sizes = $3 ORDER BY post_id, position LIMIT $4",
    )
    .bind(after.0)
    .bind(after.1)
    .bind(false)
    .bind(limit)
    .fetch_all(pool)
    .await)
}

/// How many photos have their middle sizes.
pub async fn count_with_middle_sizes(db: &Db) -> Result<u64, sqlx::Error> {
    let count: i64 = on_pool!(db, pool => sqlx::query_scalar("SELECT count(*) FROM post_images WHERE middle_sizes = $1")
        .bind(true)
        .fetch_one(pool)
        .await)?;
    Ok(count.try_into().unwrap_or_default())
}

/// Records that the photo `stem` has its middle sizes (once they are stored).
pub async fn set_middle_sizes(db: &Db, stem: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("UPDATE post_images SET middle_sizes = $1 WHERE stem = $2")
        .bind(true)
        .bind(stem)
        .execute(pool)
        .await
        .map(drop))
}

/// Among the newest `candidates` posts of the last `days` days, the `limit` with the most
/// likes, then the newest. The candidates come from `posts_by_created_at`, so the cost is
/// bounded by `candidates`, not by how many posts there are (or were that week).
pub async fn popular(db: &Db, days: i64, candidates: i64, limit: i64) -> Result<Vec<ThumbRow>, sqlx::Error> {
    // Times are stored as UTC text, 'YYYY-MM-DD HH:MM:SS', on both engines.
    let since = db.sql(
        "strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || $1 || ' days')",
        "to_char(now() AT TIME ZONE 'UTC' - make_interval(days => $1::int), 'YYYY-MM-DD HH24:MI:SS')",
    );
    let sql = format!(
        "SELECT {THUMB_COLUMNS} FROM \
           (SELECT id FROM posts WHERE created_at >= {since} ORDER BY created_at DESC, id DESC LIMIT $2) AS recent \
         JOIN posts p ON p.id = recent.id \
         JOIN post_images i ON i.post_id = p.id AND i.position = 0 \
         ORDER BY (SELECT count(*) FROM likes l WHERE l.post_id = p.id) DESC, p.id DESC LIMIT $3"
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(days).bind(candidates).bind(limit).fetch_all(pool).await)
}
