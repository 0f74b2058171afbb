//! `/accounts/delete/`: delete the account for good, after confirming the password.

use super::SettingsTabs;
use crate::{
    api::accounts::DeleteAccount,
    auth::use_auth,
    components::{
        form::{ActionError, Field},
        require_user::RequireUser,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let action = ServerAction::<DeleteAccount>::new();
    use_auth().refresh_after(action);
    view! {
        <Title text="Delete account" />
        <RequireUser>
            <DeleteAccountForm action />
        </RequireUser>
    }
}

#[component]
fn DeleteAccountForm(action: ServerAction<DeleteAccount>) -> impl IntoView {
    view! {
        <section class="card narrow">
            <SettingsTabs current="/accounts/delete/" />
            <h1>"Delete account"</h1>
            <p class="warning">
                "This removes your account, your photos, comments, likes and follows. It cannot be undone."
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <ActionError action />
                <Field label="Confirm with your password" name="password" kind="password" autocomplete="current-password" />
                <button type="submit" class="button danger" disabled=move || action.pending().get()>
                    "Delete my account"
                </button>
            </ActionForm>
        </section>
    }
}
