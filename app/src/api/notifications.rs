//! Notifications: the unread count for the nav, and pages of them.

use crate::{dto::NotificationsPage, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, notifications};

/// Unseen notifications of the signed-in person (0 for a visitor), at most 100.
#[server(prefix = "/api/fn", endpoint = "unread_notifications")]
pub async fn get_unread_count() -> Result<i64, AppError> {
    if let Some(unread) = auth::render_unread().await? {
        return Ok(unread);
    }
    match auth::current_user().await? {
        Some(me) => notifications::unread(&auth::state()?, me.id).await,
        None => Ok(0),
    }
}

/// A page of notifications, newest first; the first page marks them seen.
#[server(prefix = "/api/fn", endpoint = "notifications")]
pub async fn get_notifications(before: Option<i64>) -> Result<NotificationsPage, AppError> {
    let me = auth::require_user().await?;
    notifications::page(&auth::state()?, me.id, before).await
}
