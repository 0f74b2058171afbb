//! A post in the feed: author, photos (double-click to like), heart and count, caption,
//! the first comments, and the time, linking to the post page.

use crate::{
    components::{
        avatar::Avatar,
        caption::CaptionText,
        comments::Comments,
        like_button::{LikeButton, Likes},
        photos::Photos,
        time_ago::TimeAgo,
    },
    dto::FeedCard,
};
use leptos::prelude::*;

/// `first`: the page's first card, whose photo loads first (see `Photos`).
#[component]
pub fn FeedCardView(card: FeedCard, #[prop(optional)] first: bool) -> impl IntoView {
    let likes = Likes::new(card.id, card.likes);
    let post_href = format!("/posts/{}/", card.id);
    let owner_href = format!("/users/{}/", card.owner.username);
    let burst = RwSignal::new(false);
    // How many double-clicks showed the burst: a lasting trace of a short animation, so
    // that a test need not catch the animation itself.
    let bursts = RwSignal::new(0u32);
    let on_double_click = move |_| {
        likes.set(true);
        burst.set(true);
        bursts.update(|n| *n += 1);
        set_timeout(move || burst.set(false), std::time::Duration::from_millis(700));
    };
    let more = (card.comment_count > card.first_comments.len() as i64)
        .then(|| format!("View all {} comments", card.comment_count));
    view! {
        <article class="post card feed-card">
            <header class="post-header">
                <a href=owner_href.clone() class="author">
                    <Avatar url=card.owner.avatar_url name=card.owner.full_name />
                    <span class="author-name">{card.owner.username.clone()}</span>
                </a>
                <a href=post_href.clone() class="time-link">
                    <TimeAgo utc=card.created_at />
                </a>
            </header>
            <div class="photo-frame" on:dblclick=on_double_click>
                <Photos photos=card.photos first />
                <span
                    class=move || if burst.get() { "burst show" } else { "burst" }
                    data-bursts=move || bursts.get()
                    aria-hidden="true"
                >
                    "♥"
                </span>
            </div>
            <div class="post-body">
                <div class="actions-row">
                    <LikeButton likes />
                </div>
                {(!card.caption.is_empty()).then(|| view! {
                    <p class="caption">
                        <a href=owner_href class="author-name">{card.owner.username}</a>
                        " "
                        <CaptionText text=card.caption />
                    </p>
                })}
                {more.map(|m| view! { <a class="muted" href=post_href.clone()>{m}</a> })}
                <Comments post=card.id initial=card.first_comments />
            </div>
        </article>
    }
}
