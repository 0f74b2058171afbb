//! `/accounts/create/`: sign up, validated as you type with the server's own rules.

use super::next_param;
use crate::{
    api::accounts::SignUp,
    auth::use_auth,
    components::{
        form::{ActionError, Field},
        require_user::RedirectIfSignedIn,
    },
    domain::{Email, FullName, Password, Username},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn CreateAccountPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    use_auth().refresh_after(action);
    let next = next_param();
    view! {
        <Title text="Create an account" />
        <RedirectIfSignedIn />
        <section class="card narrow">
            <h1>"Create an account"</h1>
            <p class="muted">"Share photos with the people you follow."</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <ActionError action />
                <Field
                    label="Username"
                    name="username"
                    autocomplete="username"
                    autofocus=true
                    hint="Letters a–z, digits, '.' and '_'; up to 30."
                    check=|s| Username::parse(s).map(drop)
                />
                <Field label="Full name" name="full_name" autocomplete="name" check=|s| FullName::parse(s).map(drop) />
                <Field label="Email" name="email" kind="email" autocomplete="email" check=|s| Email::parse(s).map(drop) />
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 8 characters."
                    check=|s| Password::parse(s).map(drop)
                />
                <input type="hidden" name="next" value=next />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Sign up"
                </button>
            </ActionForm>
            <p class="muted">"Have an account? " <A href="/accounts/login/">"Sign in"</A></p>
        </section>
    }
}
