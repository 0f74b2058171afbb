//! The `notifications` table. Likes, comments and follows notify through triggers (see
//! migrations/0004_notifications_search.sql, migrations/postgres/0001_schema.sql);
//! mentions are inserted here by the services.

use super::{Db, Tx, engine::on_pool, engine::on_tx};
use crate::domain::ids::{CommentId, PostId, UserId};
use sqlx::FromRow;

#[derive(Debug, FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub created_at: String,
    pub actor_username: String,
    pub actor_full_name: String,
    pub actor_avatar: Option<String>,
    pub post_id: Option<PostId>,
    /// Stem of the post's first photo.
    pub post_stem: Option<String>,
    pub comment_text: Option<String>,
    /// Whether the recipient follows the actor (for "Follow back").
    pub i_follow: bool,
    /// Whether a page showed it already.
    pub seen: bool,
}

/// Notifies the people named in `usernames` that `actor_id` mentioned them in a post's
/// caption (`comment_id` None) or in a comment. Nobody is notified of their own mention,
/// twice for the same caption or comment, or of a mention in a comment on their own post
/// (the comment notification says it already).
pub async fn mention(
    tx: &mut Tx,
    actor_id: UserId,
    post_id: PostId,
    comment_id: Option<CommentId>,
    usernames: &[String],
) -> Result<(), sqlx::Error> {
    if usernames.is_empty() {
        return Ok(());
    }
    let names = serde_json::to_string(usernames).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    // The names arrive as one JSON array; only how each engine unpacks one differs.
    let sql = format!(
        "INSERT INTO notifications (recipient_id, actor_id, kind, post_id, comment_id) \
         SELECT u.id, $1, 'mention', $2, $3 FROM users u \
         WHERE u.username IN ({}) AND u.id <> $1 \
           AND NOT ($3 IS NOT NULL AND u.id = (SELECT owner_id FROM posts WHERE id = $2)) \
           AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_id = u.id \
                AND n.kind = 'mention' AND n.post_id = $2 AND n.comment_id IS NOT DISTINCT FROM $3){}",
        tx.sql("SELECT value FROM json_each($4)", "SELECT json_array_elements_text($4::json)"),
        // A person deleting their account meanwhile is not mentioned, rather than failing.
        tx.keep_rows()
    );
    on_tx!(tx, conn => sqlx::query(&sql)
        .bind(actor_id)
        .bind(post_id)
        .bind(comment_id)
        .bind(names)
        .execute(conn)
        .await
        .map(drop))
}

/// How many notifications `user_id` has not seen, counted up to `cap`.
pub async fn unread(db: &Db, user_id: UserId, cap: i64) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM notifications WHERE recipient_id = $1 AND NOT seen LIMIT $2) AS u",
    )
    .bind(user_id)
    .bind(cap)
    .fetch_one(pool)
    .await)
}

/// Marks the notifications `ids` of `user_id`'s as seen: exactly those, never a range, so
/// one that committed late with a smaller id stays unread until a page shows it.
pub async fn mark_seen(db: &Db, user_id: UserId, ids: &[i64]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    // `IN ($2, $3, …)`: one text for both engines (a page has a bounded number of items).
    let placeholders: Vec<String> = (2..ids.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "UPDATE notifications SET seen = TRUE WHERE recipient_id = $1 AND NOT seen AND id IN ({})",
        placeholders.join(", ")
    );
    on_pool!(db, pool => {
        let mut query = sqlx::query(&sql).bind(user_id);
        for id in ids {
            query = query.bind(id);
        }
        query.execute(pool).await.map(drop)
    })
}

/// A page of `user_id`'s notifications with id < `before`, newest first.
pub async fn page(
    db: &Db,
    user_id: UserId,
    before: i64,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT n.id, n.kind, n.created_at, a.username AS actor_username, \
                a.full_name AS actor_full_name, a.avatar AS actor_avatar, n.post_id, \
                (SELECT i.stem FROM post_images i WHERE i.post_id = n.post_id AND i.position = 0) AS post_stem, \
                c.text AS comment_text, \
                EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = n.actor_id) AS i_follow, \
                n.seen \
         FROM notifications n JOIN users a ON a.id = n.actor_id \
         LEFT JOIN comments c ON c.id = n.comment_id \
         WHERE n.recipient_id = $1 AND n.id < $2 \
         ORDER BY n.id DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::{testing, users};

    async fn person(pool: &Db, username: &str) -> UserId {
        let user = users::NewUser { username, full_name: "P", email: "p@example.com", password_hash: "x" };
        users::insert(pool, user).await.unwrap()
    }

    /// A follow notification with a chosen id, as a transaction that took its id before
    /// another's and committed after it would leave it.
    async fn notify(db: &Db, id: i64, recipient: UserId, actor: UserId) {
        let sql =
            "INSERT INTO notifications (id, recipient_id, actor_id, kind) VALUES ($1, $2, $3, 'follow')";
        on_pool!(db, pool => sqlx::query(sql).bind(id).bind(recipient).bind(actor).execute(pool).await.map(drop)).unwrap();
    }

    #[tokio::test]
    async fn a_notification_committed_late_with_a_smaller_id_stays_unread() {
        let pool = testing::database().await;
        let (ada, bob, eve) =
            (person(&pool, "ada").await, person(&pool, "bob").await, person(&pool, "eve").await);
        notify(&pool, 10, ada, bob).await;
        let shown: Vec<i64> = page(&pool, ada, i64::MAX, 20).await.unwrap().iter().map(|n| n.id).collect();
        assert_eq!(shown, [10]);
        mark_seen(&pool, ada, &shown).await.unwrap();
        assert_eq!(unread(&pool, ada, 100).await.unwrap(), 0);
        notify(&pool, 5, ada, eve).await;
        assert_eq!(unread(&pool, ada, 100).await.unwrap(), 1, "not shown, so not seen");
        let rows = page(&pool, ada, i64::MAX, 20).await.unwrap();
        assert_eq!(rows.iter().map(|n| (n.id, n.seen)).collect::<Vec<_>>(), [(10, true), (5, false)]);
    }

    #[tokio::test]
    async fn only_the_recipient_marks_their_notifications() {
        let pool = testing::database().await;
        let (ada, bob) = (person(&pool, "ada").await, person(&pool, "bob").await);
        notify(&pool, 1, ada, bob).await;
        mark_seen(&pool, bob, &[1]).await.unwrap();
        assert_eq!(unread(&pool, ada, 100).await.unwrap(), 1);
        assert_eq!(unread(&pool, ada, 0).await.unwrap(), 0, "counted up to the cap");
    }
}
