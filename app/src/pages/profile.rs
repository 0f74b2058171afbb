//! `/users/<username>/`: avatar, name, bio, post count and the grid of their posts.

use crate::{
    api::posts::{get_profile, get_profile_grid},
    components::{
        avatar::Avatar, follow_button::FollowButton, page_error::or_page_error, post_grid::PostGrid,
    },
    domain::ids::PostId,
    dto::{GridPage, Profile},
    error::AppError,
    pages::{before_param, site_origin},
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_params_map};
use std::sync::Arc;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let username = move || params.read().get("username").unwrap_or_default();
    let before = before_param();
    let data = Resource::new(
        move || (username(), before()),
        |(username, before)| async move {
            let profile = get_profile(username.clone()).await?;
            let grid = get_profile_grid(username, before).await?;
            Ok::<_, AppError>((profile, grid))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                or_page_error(data.await, move |(profile, grid)| view! { <ProfileView profile grid /> })
            })}
        </Suspense>
    }
}

#[component]
fn ProfileView(profile: Profile, grid: GridPage) -> impl IntoView {
    let title = format!("{} (@{})", profile.full_name, profile.username);
    let description = if profile.bio.is_empty() {
        format!("Photos by {} on Shutter", profile.full_name)
    } else {
        profile.bio.clone()
    };
    let origin = site_origin();
    let image = profile.avatar_url.as_ref().map(|a| format!("{origin}{a}")).unwrap_or_default();
    let username = profile.username.clone();
    let next_page = Arc::new(move |before: PostId| {
        let username = username.clone();
        Box::pin(async move { get_profile_grid(username, Some(before)).await })
            as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>
    });
    let followers = RwSignal::new(profile.followers);
    let posts_label = if profile.post_count == 1 { "post".to_owned() } else { "posts".to_owned() };
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        <Meta property="og:type" content="profile" />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=description />
        <Meta property="og:image" content=image.clone() />
        <Meta name="twitter:card" content="summary" />
        <Meta name="twitter:title" content=title />
        <Meta name="twitter:image" content=image />
        <section class="profile">
            <Avatar url=profile.avatar_url.clone() name=profile.full_name.clone() size=96 />
            <div class="profile-text">
                <h1>{profile.username.clone()}</h1>
                <p class="profile-name">{profile.full_name.clone()}</p>
                <p class="counts">
                    <span class="post-count"><strong>{profile.post_count}</strong>{format!(" {posts_label}")}</span>
                    <a class="follower-count" href=format!("/users/{}/followers/", profile.username)>
                        <strong>{move || followers.get()}</strong>
                        {move || if followers.get() == 1 { " follower" } else { " followers" }}
                    </a>
                    <a class="following-count" href=format!("/users/{}/following/", profile.username)>
                        <strong>{profile.following}</strong>
                        " following"
                    </a>
                </p>
                {profile.i_follow.map(|following| view! {
                    <FollowButton username=profile.username.clone() following followers />
                })}
                {(!profile.bio.is_empty()).then(|| view! { <p class="bio">{profile.bio.clone()}</p> })}
                {profile.is_me.then(|| view! {
                    <p class="actions">
                        <A href="/posts/new/" attr:class="button small">"New post"</A>
                        <A href="/accounts/edit/" attr:class="button small secondary">"Edit profile"</A>
                    </p>
                })}
            </div>
        </section>
        <PostGrid first=grid next_page empty="No posts yet." />
    }
}
