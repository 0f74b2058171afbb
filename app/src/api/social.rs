//! Social server functions: follow, unfollow, the feed, likes.

use crate::{
    domain::ids::{CommentId, PostId},
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
pub async fn get_feed(before: Option<PostId>) -> Result<FeedPage, AppError> {
    let me = auth::require_user().await?;
    social::feed(&auth::state()?, me.id, before).await
}

/// Likes (`liked = true`) or unlikes a post; answers the post's new like state.
#[server(prefix = "/api/fn", endpoint = "like")]
pub async fn set_like(post: PostId, liked: bool) -> Result<LikeState, AppError> {
    let me = auth::require_user().await?;
    social::set_like(&auth::state()?, me.id, post, liked).await
}

/// Comments on a post; answers the new comment.
#[server(prefix = "/api/fn", endpoint = "add_comment")]
pub async fn add_comment(post: PostId, text: String) -> Result<crate::dto::CommentView, AppError> {
    let text = crate::domain::CommentText::parse(&text)?;
    let me = auth::require_user().await?;
    social::add_comment(&auth::state()?, &me, post, text).await
}

#[server(prefix = "/api/fn", endpoint = "delete_comment")]
pub async fn delete_comment(id: CommentId) -> Result<(), AppError> {
    let me = auth::require_user().await?;
    social::delete_comment(&auth::state()?, me.id, id).await
}

/// Followers (`list = "followers"`) or followed people (`"following"`) of `username`.
#[server(prefix = "/api/fn", endpoint = "people")]
pub async fn get_people(
    username: String,
    list: String,
    after: Option<String>,
) -> Result<crate::dto::PeoplePage, AppError> {
    let followers = match list.as_str() {
        "followers" => true,
        "following" => false,
        _ => return Err(AppError::BadRequest("list must be \"followers\" or \"following\".".into())),
    };
    // The cursor is the last username of the previous page: anything else is refused.
    let after = match after.as_deref() {
        None | Some("") => None,
        Some(name) => Some(crate::domain::Username::parse(name)?.as_str().to_owned()),
    };
    let reader = auth::current_user().await?.map(|u| u.id);
    social::people(&auth::state()?, reader, &username, followers, after).await
}

#[server(prefix = "/api/fn", endpoint = "explore")]
pub async fn get_explore() -> Result<crate::dto::Explore, AppError> {
    let me = auth::require_user().await?;
    social::explore(&auth::state()?, me.id).await
}
