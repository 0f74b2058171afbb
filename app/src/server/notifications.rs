//! Notifications of likes, comments, follows and mentions: the unread count, and pages of
//! them; a page marks exactly the notifications it shows as seen.

use crate::{
    domain::ids::UserId,
    dto::{Notification, NotificationKind, NotificationsPage, UNREAD_CAP},
    error::AppError,
    server::{db, media::Variant, page::PageSize, state::AppState},
};

/// Notifications per page.
pub const PAGE: PageSize = PageSize::fixed(20);

pub async fn unread(state: &AppState, me: UserId) -> Result<i64, AppError> {
    Ok(db::notifications::unread(&state.db, me, UNREAD_CAP).await?)
}

fn kind(raw: &str) -> Result<NotificationKind, AppError> {
    Ok(match raw {
        "like" => NotificationKind::Like,
        "comment" => NotificationKind::Comment,
        "follow" => NotificationKind::Follow,
        "mention" => NotificationKind::Mention,
        other => {
            tracing::error!(kind = other, "unknown notification kind in the database");
            return Err(AppError::Internal);
        }
    })
}

/// A page of `me`'s notifications, newest first. A page marks what it shows as seen,
/// and only that: not a range of ids, since with several writers a notification may
/// commit after a newer one, with a smaller id, and would be marked without being shown.
/// Items not seen before come back with `unread`.
pub async fn page(state: &AppState, me: UserId, before: Option<i64>) -> Result<NotificationsPage, AppError> {
    let rows = db::notifications::page(&state.db, me, before.unwrap_or(i64::MAX), PAGE.fetch_limit()).await?;
    let page = PAGE.page(rows);
    let next_before = page.next(|r| r.id);
    let shown: Vec<i64> = page.items.iter().filter(|r| !r.seen).map(|r| r.id).collect();
    db::notifications::mark_seen(&state.db, me, &shown).await?;
    let items = page
        .items
        .into_iter()
        .map(|row| {
            Ok(Notification {
                id: row.id,
                kind: kind(&row.kind)?,
                actor: super::profiles::author(
                    row.actor_username,
                    row.actor_full_name,
                    row.actor_avatar.as_deref(),
                ),
                post_id: row.post_id,
                post_thumb_url: row.post_stem.map(|stem| Variant::Thumbnail.url(&stem)),
                comment_text: row.comment_text,
                created_at: row.created_at,
                unread: !row.seen,
                i_follow_actor: row.i_follow,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(NotificationsPage { items, next_before })
}
