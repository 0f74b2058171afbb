//! `/accounts/password/`: change the password; every other session is signed out.

use super::SettingsTabs;
use crate::{
    api::accounts::ChangePassword,
    components::{
        form::{ActionDone, ActionError, Field},
        require_user::RequireUser,
    },
    domain::Password,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    view! {
        <Title text="Change password" />
        <RequireUser>
            <ChangePasswordForm action />
        </RequireUser>
    }
}

#[component]
fn ChangePasswordForm(action: ServerAction<ChangePassword>) -> impl IntoView {
    view! {
        <section class="card narrow">
            <SettingsTabs current="/accounts/password/" />
            <h1>"Change password"</h1>
            <p class="muted">"You stay signed in here; every other device is signed out."</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <ActionError action />
                <ActionDone action flag="changed" message="Password changed. Other sessions were signed out." />
                <Field label="Current password" name="old_password" kind="password" autocomplete="current-password" />
                <Field
                    label="New password"
                    name="new_password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 8 characters."
                    check=|s| Password::parse(s).map(drop)
                />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Change password"
                </button>
            </ActionForm>
        </section>
    }
}
