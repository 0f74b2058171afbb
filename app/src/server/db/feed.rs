//! The feed: one query per page, with author, photos, like count, whether the reader
//! liked it, comment count and the first comments (as JSON built by the database),
//! keyset on post id.

use super::{Db, engine::on_pool};
use crate::domain::ids::{CommentId, PostId, UserId};
use serde::Deserialize;
use sqlx::FromRow;

/// A post as its page reads it (`posts::PostRow`), with what a card adds.
#[derive(Debug, FromRow)]
pub struct CardRow {
    #[sqlx(flatten)]
    pub post: super::posts::PostRow,
    pub like_count: i64,
    pub liked: bool,
    pub comment_count: i64,
    /// JSON array of `posts::ImageRow`, in order.
    pub photos: String,
    /// JSON array of `CommentJson`, oldest first.
    pub first_comments: String,
}

#[derive(Debug, Deserialize)]
pub struct CommentJson {
    pub id: CommentId,
    pub owner_id: UserId,
    pub username: String,
    pub text: String,
}

/// How many comments a card shows before "View all".
pub const FIRST_COMMENTS: i64 = 2;

/// Whose posts are in the feed of reader `$1`: their own and those of the people they
/// follow. The one statement of that rule, for the pages and the REST API's listing.
macro_rules! authors {
    () => {
        "authors(id) AS (SELECT $1 UNION SELECT followee_id FROM follows WHERE follower_id = $1)"
    };
}

/// Picks the page (its post ids) for `PAGE_SQL` and `POSTGRES_PAGE_SQL`. Bound: $1
/// reader, $2 before (exclusive), $3 limit.
///
/// Its cost does not grow with the posts table: for each author (the reader and everyone
/// they follow) it finds, through `posts_by_owner (owner_id, id DESC)`, the `limit`-th
/// newest id below `before` (the author's cutoff, `limit` index steps), then reads that
/// author's ids between cutoff and `before` (at most `limit` more). The newest `limit` of
/// those candidates (at most authors × limit rows) make the page, and only then are the
/// counts, photos and comments of those rows looked up. `CROSS JOIN` keeps the authors
/// as the outer loop whatever SQLite's statistics say. (Walking all posts by id and
/// keeping the followed authors' instead costs as many rows as lie between the page's
/// posts: the whole table for a reader whose authors posted little.)
macro_rules! page_ids {
    () => {
        concat!(
            "WITH ",
            authors!(),
            ", page(id) AS ( \
            SELECT c.id FROM authors a CROSS JOIN posts c \
            WHERE c.owner_id = a.id AND c.id < $2 \
              AND c.id >= coalesce((SELECT x.id FROM posts x WHERE x.owner_id = a.id AND x.id < $2 \
                                    ORDER BY x.id DESC LIMIT 1 OFFSET $3 - 1), 0) \
            ORDER BY c.id DESC LIMIT $3) "
        )
    };
}

/// A card's columns but its JSON, the same on both engines.
macro_rules! card_columns {
    () => {
        "SELECT p.id, p.owner_id, p.caption, p.created_at, u.username, u.full_name, u.avatar, \
          (SELECT count(*) FROM likes l WHERE l.post_id = p.id) AS like_count, \
          EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id AND l.user_id = $1) AS liked, \
          (SELECT count(*) FROM comments c WHERE c.post_id = p.id) AS comment_count, "
    };
}

/// The page query on SQLite. Bound as `page_ids!`, and $4 `FIRST_COMMENTS`.
pub const PAGE_SQL: &str = concat!(
    page_ids!(),
    card_columns!(),
    "(SELECT json_group_array(json_object('stem', i.stem, 'width', i.width, 'height', i.height, \
          'thumb_width', i.thumb_width, 'thumb_height', i.thumb_height, 'alt', i.alt, \
          'middle_sizes', json(CASE WHEN i.middle_sizes THEN 'true' ELSE 'false' END)) ORDER BY i.position) \
     FROM post_images i WHERE i.post_id = p.id) AS photos, \
  (SELECT json_group_array(json_object('id', c.id, 'owner_id', c.owner_id, 'username', cu.username, 'text', c.text) ORDER BY c.id) \
     FROM (SELECT id, owner_id, text FROM comments WHERE post_id = p.id ORDER BY id LIMIT $4) c \
     JOIN users cu ON cu.id = c.owner_id) AS first_comments \
FROM page CROSS JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.owner_id \
ORDER BY p.id DESC"
);

/// The page query on PostgreSQL: the same page, its JSON built with `json_agg` (which
/// answers NULL, not `[]`, for no rows) and read as text.
pub const POSTGRES_PAGE_SQL: &str = concat!(
    page_ids!(),
    card_columns!(),
    "coalesce((SELECT json_agg(json_build_object('stem', i.stem, 'width', i.width, 'height', i.height, \
          'thumb_width', i.thumb_width, 'thumb_height', i.thumb_height, 'alt', i.alt, \
          'middle_sizes', i.middle_sizes) ORDER BY i.position) \
     FROM post_images i WHERE i.post_id = p.id)::text, '[]') AS photos, \
  coalesce((SELECT json_agg(json_build_object('id', c.id, 'owner_id', c.owner_id, 'username', cu.username, 'text', c.text) ORDER BY c.id) \
     FROM (SELECT id, owner_id, text FROM comments WHERE post_id = p.id ORDER BY id LIMIT $4) c \
     JOIN users cu ON cu.id = c.owner_id)::text, '[]') AS first_comments \
FROM page JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.owner_id \
ORDER BY p.id DESC"
);

/// Posts of `reader` and of the people they follow with id < `before`, newest first.
pub async fn page(db: &Db, reader: UserId, before: PostId, limit: i64) -> Result<Vec<CardRow>, sqlx::Error> {
    let sql = db.sql(PAGE_SQL, POSTGRES_PAGE_SQL);
    on_pool!(db, pool => sqlx::query_as(sql)
        .bind(reader)
        .bind(before)
        .bind(limit)
        .bind(FIRST_COMMENTS)
        .fetch_all(pool)
        .await)
}

/// Ids of `reader`'s feed posts with id ≤ `lte`, newest first, skipping `offset`, at most
/// `limit` (the REST API's page × size pages). As in `page_ids!`, each author contributes
/// through `posts_by_owner` only their newest `offset + limit` ids, so the cost grows with
/// the depth of the page, never with the posts table.
pub async fn ids(
    db: &Db,
    reader: UserId,
    lte: PostId,
    limit: i64,
    offset: i64,
) -> Result<Vec<PostId>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(concat!(
        "WITH ",
        authors!(),
        " SELECT c.id FROM authors a CROSS JOIN posts c \
          WHERE c.owner_id = a.id AND c.id <= $2 \
            AND c.id >= coalesce((SELECT x.id FROM posts x WHERE x.owner_id = a.id AND x.id <= $2 \
                                  ORDER BY x.id DESC LIMIT 1 OFFSET $3 + $4 - 1), 0) \
          ORDER BY c.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(reader)
    .bind(lte)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await)
}

/// The newest post id in `reader`'s feed, if the feed has any (one index step per author).
pub async fn newest_id(db: &Db, reader: UserId) -> Result<Option<PostId>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(concat!(
        "WITH ",
        authors!(),
        " SELECT max((SELECT max(p.id) FROM posts p WHERE p.owner_id = a.id)) FROM authors a"
    ))
    .bind(reader)
    .fetch_one(pool)
    .await)
}
