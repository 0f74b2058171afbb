//! Search: people by username or full-name prefix, tags by prefix.

use super::{
    Db,
    engine::{on_pool, storable},
};
use sqlx::FromRow;

#[derive(Debug, FromRow)]
pub struct PersonHit {
    pub username: String,
    pub full_name: String,
    pub avatar: Option<String>,
}

#[derive(Debug, FromRow)]
pub struct TagHit {
    pub tag: String,
    pub posts: i64,
}

/// `text` with LIKE's wildcards escaped (by `\`), for a prefix pattern.
fn like_prefix(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// People whose username or full name (or a word of it) starts with `prefix`, any case:
/// exact username first (usernames are stored in lower case), then the most followed.
/// (SQLite's LIKE ignores case already; PostgreSQL's needs ILIKE.)
pub async fn people(db: &Db, prefix: &str, limit: i64) -> Result<Vec<PersonHit>, sqlx::Error> {
    if !storable(prefix) {
        return Ok(Vec::new());
    }
    let pattern = like_prefix(prefix);
    let like = db.sql("LIKE", "ILIKE");
    let sql = format!(
        "SELECT username, full_name, avatar FROM users \
         WHERE username {like} $1 ESCAPE '\\' OR full_name {like} $1 ESCAPE '\\' \
            OR full_name {like} '% ' || $1 ESCAPE '\\' \
         ORDER BY username = lower($2) DESC, \
                  follower_count DESC, username \
         LIMIT $3"
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(&pattern).bind(prefix).bind(limit).fetch_all(pool).await)
}

/// Tags starting with `prefix` (tags are stored in lower case), the most used first.
pub async fn tags(db: &Db, prefix: &str, limit: i64) -> Result<Vec<TagHit>, sqlx::Error> {
    // The range [prefix, prefix + U+10FFFF) holds exactly the tags that start with it,
    // and walks the primary key (tag, post_id). (On PostgreSQL tags compare by code
    // point too: the column's collation is "C".)
    if !storable(prefix) {
        return Ok(Vec::new());
    }
    let upper = format!("{prefix}{}", char::MAX);
    on_pool!(db, pool => sqlx::query_as(
        "SELECT tag, count(*) AS posts FROM post_tags WHERE tag >= $1 AND tag < $2 \
         GROUP BY tag ORDER BY posts DESC, tag LIMIT $3",
    )
    .bind(prefix)
    .bind(&upper)
    .bind(limit)
    .fetch_all(pool)
    .await)
}

#[cfg(test)]
mod tests {
    use super::like_prefix;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(like_prefix("a_b%c\\"), "a\\_b\\%c\\\\%");
        assert_eq!(like_prefix(""), "%");
    }
}
