//! Social server functions: follow, unfollow, the feed, likes.

use crate::{
    dto::{FeedPage, LikeState},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, social};

// A plain form post (JavaScript off) to these goes back to the page it came from.

#[server(prefix = "/api/fn", endpoint = "follow")]
pub async fn follow(username: String) -> Result<(), AppError> {
    let me = auth::require_user().await?;
    social::follow(&auth::state()?, me.id, &username).await
}

#[server(prefix = "/api/fn", endpoint = "unfollow")]
pub async fn unfollow(username: String) -> Result<(), AppError> {
    let me = auth::require_user().await?;
    social::unfollow(&auth::state()?, me.id, &username).await
}

#[server(prefix = "/api/fn", endpoint = "feed")]
pub async fn get_feed(before: Option<i64>) -> Result<FeedPage, AppError> {
    let me = auth::require_user().await?;
    social::feed(&auth::state()?, me.id, before).await
}

/// Likes (`liked = true`) or unlikes a post; answers the post's new like state.
#[server(prefix = "/api/fn", endpoint = "like")]
pub async fn set_like(post: i64, liked: bool) -> Result<LikeState, AppError> {
    let me = auth::require_user().await?;
    social::set_like(&auth::state()?, me.id, post, liked).await
}
