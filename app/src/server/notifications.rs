//! Notifications of likes, comments, follows and mentions: the unread count, and pages of
//! them; showing the first page marks everything on it as seen.

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

/// A page of `me`'s notifications, newest first. The first page (`before` None) marks
/// all notifications up to its newest as seen; items newer than the previous mark come
/// back with `unread`.
pub async fn page(state: &AppState, me: UserId, before: Option<i64>) -> Result<NotificationsPage, AppError> {
    let seen = db::notifications::seen(&state.db, me).await?;
    let rows = db::notifications::page(&state.db, me, before.unwrap_or(i64::MAX), PAGE.fetch_limit()).await?;
    if before.is_none()
        && let Some(newest) = rows.first()
    {
        db::notifications::mark_seen(&state.db, me, newest.id).await?;
    }
    let page = PAGE.page(rows);
    let next_before = page.next(|r| r.id);
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
                unread: row.id > seen,
                i_follow_actor: row.i_follow,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(NotificationsPage { items, next_before })
}
