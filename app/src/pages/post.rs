//! `/posts/<id>/`: one post: its photo(s), caption, owner and time; the owner can edit
//! the caption and alt texts and delete it. Meta tags for link previews.

use crate::{
    api::posts::{DeletePost, UpdatePost, get_post},
    components::{
        avatar::Avatar,
        caption::CaptionText,
        comments::Comments,
        form::{ActionDone, ActionError},
        like_button::{LikeButton, Likes},
        page_error::or_page_error,
        photos::Photos,
        time_ago::TimeAgo,
    },
    domain::{caption, ids::PostId},
    dto::PostView,
    error::AppError,
    pages::site_origin,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_params_map};

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdatePost>::new();
    let delete = ServerAction::<DeletePost>::new();
    let id = move || params.read().get("id").and_then(|id| id.parse::<PostId>().ok());
    let post = Resource::new(
        move || (id(), update.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_post(id).await,
                None => Err(AppError::NotFound("No such post.".into())),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                or_page_error(post.await, move |post| view! { <PostArticle post update delete /> })
            })}
        </Suspense>
    }
}

#[component]
fn PostArticle(
    post: PostView,
    update: ServerAction<UpdatePost>,
    delete: ServerAction<DeletePost>,
) -> impl IntoView {
    let title = if post.caption.is_empty() {
        format!("Photo by {} (@{})", post.owner.full_name, post.owner.username)
    } else {
        let short: String = post.caption.chars().take(60).collect();
        format!("{}: “{short}”", post.owner.full_name)
    };
    let description = if post.caption.is_empty() { title.clone() } else { post.caption.clone() };
    let origin = site_origin();
    let image = post.photos.first().map(|p| format!("{origin}{}", p.url)).unwrap_or_default();
    let page_url = format!("{origin}/posts/{}/", post.id);
    let owner_href = format!("/users/{}/", post.owner.username);
    let username = post.owner.username.clone();
    let username_in_caption = post.owner.username.clone();
    let avatar_url = post.owner.avatar_url.clone();
    let full_name = post.owner.full_name.clone();
    let created_at = post.created_at.clone();
    let caption_text = post.caption.clone();
    let owner_tools = post.is_owner.then(|| view! { <OwnerTools post=post.clone() update delete /> });
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        <Meta property="og:type" content="article" />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:image" content=image.clone() />
        <Meta property="og:url" content=page_url />
        <Meta name="twitter:card" content="summary_large_image" />
        <Meta name="twitter:title" content=title />
        <Meta name="twitter:image" content=image />
        <article class="post card">
            <header class="post-header">
                <A href=owner_href.clone() attr:class="author">
                    <Avatar url=avatar_url name=full_name />
                    <span class="author-name">{username}</span>
                </A>
                <TimeAgo utc=created_at />
            </header>
            <Photos photos=post.photos.clone() first=true />
            <div class="post-body actions-row">
                {
                    let likes = Likes::new(post.id, post.likes);
                    view! { <LikeButton likes /> }
                }
            </div>
            <div class="post-body">
                <p class="caption">
                    <A href=owner_href attr:class="author-name">{username_in_caption}</A>
                    " "
                    <CaptionText text=caption_text />
                </p>
                <Comments post=post.id initial=post.comments.clone() />
                {owner_tools}
            </div>
        </article>
    }
}

#[component]
fn OwnerTools(
    post: PostView,
    update: ServerAction<UpdatePost>,
    delete: ServerAction<DeletePost>,
) -> impl IntoView {
    let alts = post
        .photos
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let id = format!("alt-{i}");
            view! {
                <div class="field">
                    <label for=id.clone()>{format!("Alt text, photo {}", i + 1)}</label>
                    <input id=id name=format!("alt[{i}]") value=p.alt.clone() maxlength="500" />
                </div>
            }
        })
        .collect_view();
    let (count, set_count) = signal(post.caption.chars().count());
    view! {
        <ActionDone action=update flag="saved" message="Post updated." />
        <details class="owner-tools">
            <summary>"Edit post"</summary>
            <ActionForm action=update attr:class="form">
                <ActionError action=update />
                <input type="hidden" name="id" value=post.id.get() />
                <div class="field">
                    <label for="caption">"Caption"</label>
                    <textarea
                        id="caption"
                        name="caption"
                        rows="4"
                        on:input=move |ev| set_count.set(event_target_value(&ev).chars().count())
                    >
                        {crate::html::textarea_text(post.caption.clone())}
                    </textarea>
                    <p class="field-hint counter">{move || count.get()} " / " {caption::MAX_LEN}</p>
                </div>
                {alts}
                <button type="submit" class="button">"Save changes"</button>
            </ActionForm>
        </details>
        <details class="owner-tools">
            <summary>"Delete post…"</summary>
            <ActionForm action=delete attr:class="form">
                <ActionError action=delete />
                <p class="warning">"The post and its photos will be gone for good."</p>
                <input type="hidden" name="id" value=post.id.get() />
                <button type="submit" class="button danger">"Delete this post"</button>
            </ActionForm>
        </details>
    }
}
