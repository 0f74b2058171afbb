//! Post server functions: read a post, a profile, a grid page; edit and delete a post.
//! Creating a post is a multipart upload at `POST /posts/new/` (see the server crate).

use crate::{
    domain::ids::PostId,
    dto::{GridPage, PostView, Profile},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    domain::{AltText, Caption, ids::UserId},
    server::{auth, posts, profiles},
};

#[cfg(feature = "ssr")]
async fn viewer_id() -> Result<Option<UserId>, AppError> {
    Ok(auth::current_user().await?.map(|u| u.id))
}

#[server(prefix = "/api/fn", endpoint = "post")]
pub async fn get_post(id: PostId) -> Result<PostView, AppError> {
    posts::view(&auth::state()?, viewer_id().await?, id).await
}

#[server(prefix = "/api/fn", endpoint = "update_post")]
pub async fn update_post(id: PostId, caption: String, alt: Option<Vec<String>>) -> Result<(), AppError> {
    let caption = Caption::parse(&caption)?;
    let alts = alt.unwrap_or_default().iter().map(|a| AltText::parse(a)).collect::<Result<Vec<_>, _>>()?;
    let me = auth::require_user().await?;
    posts::edit(&auth::state()?, me.id, id, caption, alts).await?;
    leptos_axum::redirect(&format!("/posts/{id}/?saved=1"));
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "delete_post")]
pub async fn delete_post(id: PostId) -> Result<(), AppError> {
    let me = auth::require_user().await?;
    posts::delete(&auth::state()?, me.id, id).await?;
    leptos_axum::redirect(&format!("/users/{}/", me.username));
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "profile")]
pub async fn get_profile(username: String) -> Result<Profile, AppError> {
    profiles::profile(&auth::state()?, viewer_id().await?, &username).await
}

#[server(prefix = "/api/fn", endpoint = "profile_grid")]
pub async fn get_profile_grid(username: String, before: Option<PostId>) -> Result<GridPage, AppError> {
    posts::profile_grid(&auth::state()?, &username, before).await
}

#[server(prefix = "/api/fn", endpoint = "tag_grid")]
pub async fn get_tag_grid(tag: String, before: Option<PostId>) -> Result<GridPage, AppError> {
    posts::tag_grid(&auth::state()?, &tag, before).await
}
