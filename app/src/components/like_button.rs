//! The heart. Without JavaScript a plain form; hydrated, the heart and the count change
//! before the server answers, and are set to the server's answer (or rolled back with a
//! message) when it comes. A double-click on the photo likes (never unlikes).

use crate::{api::social::SetLike, dto::LikeState};
use leptos::{prelude::*, server_fn::ServerFn};

/// Shared by the button and the photo's double-click.
#[derive(Clone, Copy)]
pub struct Likes {
    pub state: RwSignal<LikeState>,
    action: ServerAction<SetLike>,
    error: RwSignal<Option<String>>,
    post: i64,
}

impl Likes {
    pub fn new(post: i64, initial: LikeState) -> Self {
        let state = RwSignal::new(initial);
        let action = ServerAction::<SetLike>::new();
        let error = RwSignal::new(None);
        // The last state the server confirmed: what a refusal rolls back to.
        let confirmed = StoredValue::new(initial);
        Effect::new(move |_| match action.value().get() {
            Some(Ok(server)) => {
                confirmed.set_value(server);
                state.set(server);
            }
            Some(Err(e)) => {
                state.set(confirmed.get_value());
                error.set(Some(format!("Could not save your like: {e}")));
            }
            None => {}
        });
        Self { state, action, error, post }
    }

    /// Sets the like to `liked` now, and asks the server.
    pub fn set(&self, liked: bool) {
        let current = self.state.get_untracked();
        if current.liked == liked {
            return;
        }
        self.error.set(None);
        self.state.set(LikeState { count: current.count + if liked { 1 } else { -1 }, liked });
        self.action.dispatch(SetLike { post: self.post, liked });
    }
}

#[component]
pub fn LikeButton(likes: Likes) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        likes.set(!likes.state.get_untracked().liked);
    };
    let liked = move || likes.state.get().liked;
    view! {
        <form class="inline-form like-form" method="post" action=SetLike::PATH on:submit=on_submit>
            <input type="hidden" name="post" value=likes.post />
            <input type="hidden" name="liked" value=move || (!liked()).to_string() />
            <button
                type="submit"
                class=move || if liked() { "like liked" } else { "like" }
                aria-pressed=move || liked().to_string()
                aria-label=move || if liked() { "Unlike" } else { "Like" }
            >
                <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
                    <path d="M12 21s-7.5-4.6-9.6-9.1C.9 8.6 2.9 4.5 6.8 4.5c2.2 0 3.8 1.2 5.2 3 1.4-1.8 3-3 5.2-3 3.9 0 5.9 4.1 4.4 7.4C19.5 16.4 12 21 12 21z" />
                </svg>
            </button>
        </form>
        <span class="like-count">
            {move || {
                let n = likes.state.get().count;
                if n == 1 { "1 like".to_owned() } else { format!("{n} likes") }
            }}
        </span>
        {move || likes.error.get().map(|e| view! { <span class="form-error inline" role="alert">{e}</span> })}
    }
}
