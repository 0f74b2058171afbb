//! The feed on `/` for a signed-in person: their posts and those of the people they
//! follow, newest first, ten at a time. Without JavaScript "Older posts" pages through it
//! (`?before=<id>`); hydrated, the next page loads before the reader reaches the end.

use crate::{
    api::social::get_feed,
    components::{endless::Endless, feed_card::FeedCardView, page_error::or_page_error},
    dto::{FeedCard, FeedPage},
    error::AppError,
    pages::before_param,
};
use leptos::prelude::*;

/// The feed's first page, for the page to make outside its `Suspense` (a resource made
/// inside one is made again each time the server walks it, and fetched each time).
pub fn feed_resource() -> Resource<Result<FeedPage, AppError>> {
    Resource::new(before_param(), get_feed)
}

#[component]
pub fn Feed(first: Resource<Result<FeedPage, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading your feed…"</p> }>
            {move || Suspend::new(async move {
                or_page_error(first.await, move |page| view! { <FeedList first=page /> })
            })}
        </Suspense>
    }
}

#[component]
fn FeedList(first: FeedPage) -> impl IntoView {
    // The page's first photo is fetched first: the first card's.
    let first_card = first.cards.first().map(|c| c.id);
    let list = Endless::new(first.cards, first.next_before, |before| async move {
        get_feed(Some(before)).await.map(|page| (page.cards, page.next_before))
    });
    let cards = list.items;
    view! {
        <Show when=move || cards.with(|c| !c.is_empty()) fallback=|| view! { <EmptyFeed /> }>
            <div class="feed">
                <For each=move || cards.get() key=|c: &FeedCard| c.id let:card>
                    <FeedCardView first={Some(card.id) == first_card} card />
                </For>
            </div>
        </Show>
        {list.more()}
        {move || (list.at_end() && cards.with(|c| !c.is_empty()))
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
