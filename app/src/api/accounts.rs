//! Account server functions: sign up, sign in, sign out, profile, password, deletion.

use crate::{
    dto::{CurrentUser, ProfileSettings},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    domain::{Bio, Email, FullName, NextPath, Password, Username},
    server::{accounts, auth},
};

/// The signed-in user, if any. Read by the page chrome on every page.
#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    auth::current_user().await
}

#[server(prefix = "/api/fn", endpoint = "sign_up")]
pub async fn sign_up(
    username: String,
    full_name: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let form = accounts::SignUp {
        username: Username::parse(&username)?,
        full_name: FullName::parse(&full_name)?,
        email: Email::parse(&email)?,
        password: Password::parse(&password)?,
    };
    let state = auth::state()?;
    let session = auth::current_session().await?;
    accounts::sign_up(&state, &session, form).await?;
    leptos_axum::redirect(NextPath::parse_or_home(next.as_deref()).as_str());
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "sign_in")]
pub async fn sign_in(username: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = auth::state()?;
    let session = auth::current_session().await?;
    let ip = auth::client_ip();
    accounts::sign_in(&state, &session, ip, &username, &password).await?;
    leptos_axum::redirect(NextPath::parse_or_home(next.as_deref()).as_str());
    Ok(())
}

/// `POST /accounts/logout/`: ends the session and goes home.
#[server(prefix = "/accounts", endpoint = "logout/")]
pub async fn sign_out() -> Result<(), AppError> {
    let session = auth::current_session().await?;
    auth::session_cookie::end(&session).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "profile_settings")]
pub async fn get_profile_settings() -> Result<ProfileSettings, AppError> {
    let me = auth::require_user().await?;
    accounts::profile_settings(&auth::state()?, &me).await
}

#[server(prefix = "/api/fn", endpoint = "update_profile")]
pub async fn update_profile(full_name: String, email: String, bio: String) -> Result<(), AppError> {
    let full_name = FullName::parse(&full_name)?;
    let email = Email::parse(&email)?;
    let bio = Bio::parse(&bio)?;
    let me = auth::require_user().await?;
    accounts::update_profile(&auth::state()?, &me, full_name, email, bio).await?;
    leptos_axum::redirect("/accounts/edit/?saved=1");
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "change_password")]
pub async fn change_password(old_password: String, new_password: String) -> Result<(), AppError> {
    if old_password.is_empty() {
        return Err(AppError::BadRequest("Enter your current password.".into()));
    }
    let new_password = Password::parse(&new_password)?;
    let me = auth::require_user().await?;
    let session = auth::current_session().await?;
    let ip = auth::client_ip();
    accounts::change_password(&auth::state()?, &session, &me, ip, &old_password, new_password).await?;
    leptos_axum::redirect("/accounts/password/?changed=1");
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::BadRequest("Enter your password to confirm.".into()));
    }
    let me = auth::require_user().await?;
    let session = auth::current_session().await?;
    let ip = auth::client_ip();
    accounts::delete_account(&auth::state()?, &session, &me, ip, &password).await?;
    leptos_axum::redirect("/");
    Ok(())
}
