//! The feed on `/` for a signed-in person: their posts and those of the people they
//! follow, newest first, ten at a time. Without JavaScript "Older posts" pages through it
//! (`?before=<id>`); hydrated, the next page loads before the reader reaches the end.

use crate::{
    api::social::get_feed,
    components::feed_card::FeedCardView,
    dto::{FeedCard, FeedPage},
    error::AppError,
    pages::before_param,
};
use leptos::{either::Either, prelude::*};

#[component]
pub fn Feed() -> impl IntoView {
    let before = before_param();
    let first = Resource::new(before, get_feed);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading your feed…"</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(page) => Either::Left(view! { <FeedList first=page /> }),
                    Err(e) => Either::Right(view! { <p class="form-error">{e.to_string()}</p> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FeedList(first: FeedPage) -> impl IntoView {
    let cards = RwSignal::new(first.cards);
    let next_before = RwSignal::new(first.next_before);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let sentinel = NodeRef::<leptos::html::A>::new();
    let load_more = move || {
        let Some(before) = next_before.get_untracked() else { return };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        leptos::task::spawn_local(async move {
            match get_feed(Some(before)).await {
                Ok(page) => {
                    cards.update(|c| c.extend(page.cards));
                    next_before.set(page.next_before);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };
    #[cfg(feature = "hydrate")]
    crate::components::post_grid::observe(sentinel, load_more);
    #[cfg(not(feature = "hydrate"))]
    let _ = (sentinel, load_more);

    view! {
        <Show when=move || cards.with(|c| !c.is_empty()) fallback=|| view! { <EmptyFeed /> }>
            <div class="feed">
                <For each=move || cards.get() key=|c: &FeedCard| c.id let:card>
                    <FeedCardView card />
                </For>
            </div>
        </Show>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        {move || next_before.get().map(|before| view! {
            <p class="more">
                <a node_ref=sentinel class="button secondary" href=format!("?before={before}")>
                    {move || if loading.get() { "Loading…" } else { "Older posts" }}
                </a>
            </p>
        })}
        {move || (next_before.get().is_none() && cards.with(|c| !c.is_empty()))
            .then(|| view! { <p class="muted end">"You're all caught up."</p> })}
    }
}

#[component]
fn EmptyFeed() -> impl IntoView {
    view! {
        <section class="card narrow center">
            <h1>"Your feed is empty"</h1>
            <p class="muted">"Follow people to see their photos here, or share your own."</p>
            <p class="actions">
                <a class="button" href="/explore/">"Find people to follow"</a>
                <a class="button secondary" href="/posts/new/">"New post"</a>
            </p>
        </section>
    }
}
