//! `/tags/<tag>/`: the posts whose caption carries `#tag`, newest first.

use crate::{
    api::posts::get_tag_grid,
    components::{page_error::or_page_error, post_grid::PostGrid},
    domain::{caption::tag_key, ids::PostId},
    pages::before_param,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use std::sync::Arc;

#[component]
pub fn TagPage() -> impl IntoView {
    let params = use_params_map();
    let tag = move || tag_key(&params.read().get("tag").unwrap_or_default());
    let before = before_param();
    let grid = Resource::new(move || (tag(), before()), |(tag, before)| get_tag_grid(tag, before));
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let tag = tag();
                or_page_error(grid.await, move |grid| {
                        let for_next = tag.clone();
                        let next_page = Arc::new(move |before: PostId| {
                            let tag = for_next.clone();
                            Box::pin(async move { get_tag_grid(tag, Some(before)).await })
                                as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>
                        });
                        view! {
                            <Title text=format!("#{tag}") />
                            <Meta name="description" content=format!("Photos tagged #{tag} on Shutter") />
                            <h1 class="tag-title">{format!("#{tag}")}</h1>
                            <PostGrid first=grid next_page empty="No posts here yet." />
                        }
                })
            })}
        </Suspense>
    }
}
