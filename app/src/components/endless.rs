//! Endless lists (feed, grids): the items so far, and the "Older posts" link that continues
//! them. Without JavaScript the link pages through (`?before=<id>`); hydrated, the next page
//! is fetched and appended as soon as the link comes within a screen of view.

use crate::error::AppError;
use leptos::prelude::*;
use std::{fmt::Display, future::Future};

/// The state of an endless list of `T`, continued from the id `C` in `next_before`.
pub struct Endless<T: Send + Sync + 'static, C: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    next_before: RwSignal<Option<C>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    sentinel: NodeRef<leptos::html::A>,
}

impl<T: Send + Sync + 'static, C: Send + Sync + 'static> Clone for Endless<T, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static, C: Send + Sync + 'static> Copy for Endless<T, C> {}

impl<T: Send + Sync + 'static, C: Copy + Display + Send + Sync + 'static> Endless<T, C> {
    /// Starts from the first page; `fetch(before)` answers the next page's items and the
    /// id to continue from.
    pub fn new<F, Fut>(items: Vec<T>, next_before: Option<C>, fetch: F) -> Self
    where
        F: Fn(C) -> Fut + Clone + 'static,
        Fut: Future<Output = Result<(Vec<T>, Option<C>), AppError>> + 'static,
    {
        let list = Self {
            items: RwSignal::new(items),
            next_before: RwSignal::new(next_before),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            sentinel: NodeRef::new(),
        };
        let load_more = move || {
            let Some(before) = list.next_before.get_untracked() else { return };
            if list.loading.get_untracked() {
                return;
            }
            list.loading.set(true);
            let fetch = fetch.clone();
            leptos::task::spawn_local(async move {
                match fetch(before).await {
                    Ok((more, next)) => {
                        list.items.update(|items| items.extend(more));
                        list.next_before.set(next);
                        list.error.set(None);
                    }
                    Err(e) => list.error.set(Some(e)),
                }
                list.loading.set(false);
            });
        };
        #[cfg(feature = "hydrate")]
        observe(list.sentinel, load_more);
        #[cfg(not(feature = "hydrate"))]
        let _ = load_more;
        list
    }

    /// True once the last page is in.
    pub fn at_end(&self) -> bool {
        self.next_before.get().is_none()
    }

    /// The error of the last fetch and the "Older posts" link, to place after the items.
    pub fn more(self) -> impl IntoView {
        view! {
            {move || self.error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {move || self.next_before.get().map(|before| view! {
                <p class="more">
                    <a node_ref=self.sentinel class="button secondary" href=format!("?before={before}")>
                        {move || if self.loading.get() { "Loading…" } else { "Older posts" }}
                    </a>
                </p>
            })}
        }
    }
}

/// Calls `load_more` whenever the link comes within a screen of view.
#[cfg(feature = "hydrate")]
fn observe(sentinel: NodeRef<leptos::html::A>, load_more: impl Fn() + Clone + 'static) {
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
