//! Follow / Following: a plain form without JavaScript; hydrated, it flips at once and
//! moves the follower count with it, and rolls both back if the server refuses.

use crate::api::social::{Follow, Unfollow};
use leptos::{prelude::*, server_fn::ServerFn};

#[component]
pub fn FollowButton(
    username: String,
    following: bool,
    /// The follower count shown beside the button, moved optimistically.
    #[prop(optional)]
    followers: Option<RwSignal<i64>>,
) -> impl IntoView {
    let follow = ServerAction::<Follow>::new();
    let unfollow = ServerAction::<Unfollow>::new();
    let state = RwSignal::new(following);
    let error = RwSignal::new(None::<String>);
    let shift = move |now_following: bool| {
        state.set(now_following);
        if let Some(count) = followers {
            count.update(|c| *c += if now_following { 1 } else { -1 });
        }
    };
    // The server's answer corrects the guess.
    Effect::new(move |_| {
        if let Some(Err(e)) = follow.value().get() {
            shift(false);
            error.set(Some(e.to_string()));
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = unfollow.value().get() {
            shift(true);
            error.set(Some(e.to_string()));
        }
    });
    let name = username.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let username = name.clone();
        if state.get_untracked() {
            shift(false);
            unfollow.dispatch(Unfollow { username });
        } else {
            shift(true);
            follow.dispatch(Follow { username });
        }
    };
    view! {
        <form
            class="inline-form follow-form"
            method="post"
            action=move || if state.get() { Unfollow::PATH } else { Follow::PATH }
            on:submit=on_submit
        >
            <input type="hidden" name="username" value=username />
            <button type="submit" class=move || if state.get() { "button small secondary" } else { "button small" }>
                {move || if state.get() { "Following" } else { "Follow" }}
            </button>
            {move || error.get().map(|e| view! { <span class="form-error inline" role="alert">{e}</span> })}
        </form>
    }
}
