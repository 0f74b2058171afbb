//! The `/accounts/…` pages.

mod create;
mod delete;
mod edit;
mod login;
mod password;
mod tokens;

pub use create::CreateAccountPage;
pub use delete::DeleteAccountPage;
pub use edit::EditProfilePage;
pub use login::LoginPage;
pub use password::ChangePasswordPage;
pub use tokens::AccessTokensPage;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The `next` query parameter, passed through the sign-in and sign-up forms.
fn next_param() -> Option<String> {
    use_query_map().read_untracked().get("next")
}

/// Links between the account settings pages.
#[component]
fn SettingsTabs(current: &'static str) -> impl IntoView {
    let tab = move |href: &'static str, label: &'static str| {
        let aria_current = (href == current).then_some("page");
        view! { <a href=href aria-current=aria_current>{label}</a> }
    };
    view! {
        <nav class="tabs" aria-label="Account settings">
            {tab("/accounts/edit/", "Profile")}
            {tab("/accounts/password/", "Password")}
            {tab("/accounts/tokens/", "Access tokens")}
            {tab("/accounts/delete/", "Delete account")}
        </nav>
    }
}
