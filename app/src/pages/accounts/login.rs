//! `/accounts/login/`: sign in, then go back where the visitor came from.

use super::next_param;
use crate::{
    api::accounts::SignIn,
    auth::use_auth,
    components::{
        form::{ActionError, Field},
        require_user::RedirectIfSignedIn,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    use_auth().refresh_after(action);
    let next = next_param();
    let create_href = match &next {
        Some(next) => format!("/accounts/create/?next={}", leptos_router::location::Url::escape(next)),
        None => "/accounts/create/".to_owned(),
    };
    view! {
        <Title text="Sign in" />
        <RedirectIfSignedIn />
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <ActionError action />
                <Field label="Username" name="username" autocomplete="username" autofocus=true />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" />
                <input type="hidden" name="next" value=next />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <p class="muted">"New here? " <A href=create_href>"Create an account"</A></p>
        </section>
    }
}
