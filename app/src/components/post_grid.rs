//! A grid of post thumbnails, newest first, endless (see `Endless`).

use crate::{
    components::endless::Endless,
    domain::ids::PostId,
    dto::{GridPage, PostThumb},
    error::AppError,
};
use leptos::prelude::*;
use std::{future::Future, pin::Pin, sync::Arc};

/// Fetches the page of posts older than the given id.
pub type NextPage =
    Arc<dyn Fn(PostId) -> Pin<Box<dyn Future<Output = Result<GridPage, AppError>>>> + Send + Sync>;

/// Thumbnails in a row of `.grid` (`style/main.css`).
const ROW: usize = 3;

#[component]
pub fn PostGrid(first: GridPage, next_page: NextPage, #[prop(into)] empty: String) -> impl IntoView {
    // The first row is on the first screen: it loads at once, its first photo first.
    let first_row: [Option<PostId>; ROW] = std::array::from_fn(|i| first.posts.get(i).map(|p| p.id));
    let list = Endless::new(first.posts, first.next_before, move |before| {
        let next_page = next_page.clone();
        async move { next_page(before).await.map(|page| (page.posts, page.next_before)) }
    });
    let posts = list.items;
    view! {
        <Show when=move || posts.with(|p| !p.is_empty()) fallback=move || view! { <p class="muted empty">{empty.clone()}</p> }>
            <ul class="grid">
                <For each=move || posts.get() key=|p| p.id let:post>
                    <GridItem rank={first_row.iter().position(|id| *id == Some(post.id))} post />
                </For>
            </ul>
        </Show>
        {list.more()}
    }
}

/// `rank`: its place in the grid's first row, if it is in it.
#[component]
fn GridItem(post: PostThumb, rank: Option<usize>) -> impl IntoView {
    let label = if post.photo_count > 1 { Some(format!("{} photos", post.photo_count)) } else { None };
    view! {
        <li>
            <a href=format!("/posts/{}/", post.id) class="grid-item">
                <img
                    src=post.thumb_url
                    alt=post.alt
                    loading=if rank.is_some() { "eager" } else { "lazy" }
                    fetchpriority=(rank == Some(0)).then_some("high")
                    width="320"
                    height="320"
                />
                {label.map(|l| {
                    let title = l.clone();
                    view! { <span class="multi" title=title><span class="visually-hidden">{l}</span></span> }
                })}
            </a>
        </li>
    }
}
