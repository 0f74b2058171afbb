//! A grid of post thumbnails, newest first. Without JavaScript an "Older posts" link
//! continues it page by page (`?before=<id>`); hydrated, the next page loads by itself
//! when that link scrolls into view.

use crate::{
    dto::{GridPage, PostThumb},
    error::AppError,
};
use leptos::prelude::*;
use std::{future::Future, pin::Pin, sync::Arc};

/// Fetches the page of posts older than the given id.
pub type NextPage =
    Arc<dyn Fn(i64) -> Pin<Box<dyn Future<Output = Result<GridPage, AppError>>>> + Send + Sync>;

#[component]
pub fn PostGrid(first: GridPage, next_page: NextPage, #[prop(into)] empty: String) -> impl IntoView {
    let posts = RwSignal::new(first.posts);
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
        let next_page = next_page.clone();
        leptos::task::spawn_local(async move {
            match next_page(before).await {
                Ok(page) => {
                    posts.update(|p| p.extend(page.posts));
                    next_before.set(page.next_before);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };
    #[cfg(feature = "hydrate")]
    observe(sentinel, load_more);
    #[cfg(not(feature = "hydrate"))]
    let _ = (sentinel, load_more);

    view! {
        <Show when=move || posts.with(|p| !p.is_empty()) fallback=move || view! { <p class="muted empty">{empty.clone()}</p> }>
            <ul class="grid">
                <For each=move || posts.get() key=|p| p.id let:post>
                    <GridItem post />
                </For>
            </ul>
        </Show>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        {move || next_before.get().map(|before| view! {
            <p class="more">
                <a node_ref=sentinel class="button secondary" href=format!("?before={before}")>
                    {move || if loading.get() { "Loading…" } else { "Older posts" }}
                </a>
            </p>
        })}
    }
}

#[component]
fn GridItem(post: PostThumb) -> impl IntoView {
    let label = if post.photo_count > 1 { Some(format!("{} photos", post.photo_count)) } else { None };
    view! {
        <li>
            <a href=format!("/posts/{}/", post.id) class="grid-item">
                <img src=post.thumb_url alt=post.alt loading="lazy" width="320" height="320" />
                {label.map(|l| {
                    let title = l.clone();
                    view! { <span class="multi" title=title><span class="visually-hidden">{l}</span></span> }
                })}
            </a>
        </li>
    }
}

/// Calls `load_more` whenever the "Older posts" link comes within a screen of view.
#[cfg(feature = "hydrate")]
pub(crate) fn observe(sentinel: NodeRef<leptos::html::A>, load_more: impl Fn() + Clone + 'static) {
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

    Effect::new(move |previous: Option<Option<IntersectionObserver>>| {
        if let Some(Some(old)) = previous {
            old.disconnect();
        }
        let element = sentinel.get()?;
        let load_more = load_more.clone();
        let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let visible = entries
                .iter()
                .filter_map(|e| e.dyn_into::<IntersectionObserverEntry>().ok())
                .any(|e| e.is_intersecting());
            if visible {
                load_more();
            }
        });
        let options = IntersectionObserverInit::new();
        options.set_root_margin("100% 0px");
        let observer =
            IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options).ok()?;
        callback.forget();
        observer.observe(&element);
        Some(observer)
    });
}
