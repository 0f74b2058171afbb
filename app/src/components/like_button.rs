//! The heart. Without JavaScript a plain form; hydrated, the heart and the count change
//! at once, and the server is told the state the person wants (like or not: a set, never
//! a toggle). Quick clicks must end in the state of the last click, in the page and in
//! the database, whatever the latency, so there is at most one request in flight: clicks
//! meanwhile only change the wanted state, and when the answer comes, one more request
//! is sent if the wanted state differs from the one just saved. Two requests at once
//! could reach the server, or come back, in any order. A refusal rolls back to the last
//! state the server confirmed, with a message. A double-click on the photo likes (never
//! unlikes).

use crate::{
    api::social::{SetLike, set_like},
    domain::ids::PostId,
    dto::LikeState,
};
use leptos::{prelude::*, server_fn::ServerFn, task::spawn_local};

/// Shared by the button and the photo's double-click.
#[derive(Clone, Copy)]
pub struct Likes {
    /// What the page shows: the wanted state while saving, then the server's.
    pub state: RwSignal<LikeState>,
    /// A request is in flight (shown as `data-pending` on the form, for tests and styles).
    pending: RwSignal<bool>,
    sync: StoredValue<Syncing>,
    error: RwSignal<Option<String>>,
    post: PostId,
}

#[derive(Clone, Copy)]
struct Syncing {
    /// The last state the server confirmed: what a refusal rolls back to.
    confirmed: LikeState,
    /// What the last click asked for.
    wanted: bool,
}

impl Syncing {
    /// The confirmed state with the wanted like applied: what to show while saving.
    fn shown(self) -> LikeState {
        let delta = i64::from(self.wanted) - i64::from(self.confirmed.liked);
        LikeState { count: self.confirmed.count + delta, liked: self.wanted }
    }
}

impl Likes {
    pub fn new(post: PostId, initial: LikeState) -> Self {
        Self {
            state: RwSignal::new(initial),
            pending: RwSignal::new(false),
            sync: StoredValue::new(Syncing { confirmed: initial, wanted: initial.liked }),
            error: RwSignal::new(None),
            post,
        }
    }

    /// Sets the like to `liked` now, and has the server follow.
    pub fn set(&self, liked: bool) {
        let Some(sync) = self.sync.try_get_value() else { return };
        if sync.wanted == liked {
            return;
        }
        let sync = Syncing { wanted: liked, ..sync };
        self.sync.set_value(sync);
        self.error.set(None);
        self.state.set(sync.shown());
        if !self.pending.get_untracked() {
            self.pending.set(true);
            let this = *self;
            spawn_local(async move { this.save().await });
        }
    }

    /// Sends the wanted state until the server has confirmed the last one asked for. Every
    /// access is `try_`: the card may be gone (another page) before an answer comes.
    async fn save(self) {
        loop {
            let Some(sent) = self.sync.try_get_value().map(|s| s.wanted) else { return };
            let answer = set_like(self.post, sent).await;
            let Some(sync) = self.sync.try_get_value() else { return };
            match answer {
                Ok(server) => {
                    // The server may answer another state than the one sent if the person
                    // changed it elsewhere at the same moment; then its answer stands.
                    let settled = sync.wanted == sent || sync.wanted == server.liked;
                    let wanted = if settled { server.liked } else { sync.wanted };
                    let sync = Syncing { confirmed: server, wanted };
                    self.sync.set_value(sync);
                    self.state.try_set(sync.shown());
                    if settled {
                        break;
                    }
                }
                Err(e) => {
                    self.sync.set_value(Syncing { wanted: sync.confirmed.liked, ..sync });
                    self.state.try_set(sync.confirmed);
                    self.error.try_set(Some(format!("Could not save your like: {e}")));
                    break;
                }
            }
        }
        self.pending.try_set(false);
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
        <form
            class="inline-form like-form"
            method="post"
            action=SetLike::PATH
            on:submit=on_submit
            data-pending=move || likes.pending.get().to_string()
        >
            <input type="hidden" name="post" value=likes.post.get() />
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
