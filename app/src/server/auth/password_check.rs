//! Every password check: signing in, HTTP Basic on the REST API, and a signed-in person
//! confirming their password (changing it, deleting the account). Each one is counted by
//! the sign-in throttle (`throttle.rs`) before argon2 runs, whatever it is for.

use crate::{
    domain::{Username, password},
    dto::CurrentUser,
    error::AppError,
    server::{db, state::AppState},
};
use std::net::IpAddr;

/// The sign-in rules without the session: throttled per account and IP, one answer and
/// one argon2 cost whether or not the user exists. Shared by the sign-in form and HTTP
/// Basic authentication of the REST API.
pub async fn check_credentials(
    state: &AppState,
    client_ip: Option<IpAddr>,
    username: &str,
    password: &str,
) -> Result<db::users::Credentials, AppError> {
    if username.trim().is_empty() || password.is_empty() {
        return Err(AppError::BadRequest("Enter your username and password.".into()));
    }
    let account = username.trim().to_lowercase();
    let attempt = state.sign_in_throttle.check_and_count(&state.db, &account, client_ip).await?;

    // An impossible username or an over-long password cannot match; still pay the same
    // argon2 cost as a real check so the answer's timing says nothing.
    let credentials = match Username::parse(&account) {
        Ok(name) if password.chars().count() <= password::MAX_LEN => {
            db::users::credentials_by_username(&state.db, name.as_str()).await?
        }
        _ => None,
    };
    let candidate: String = password.chars().take(password::MAX_LEN).collect();
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    if !state.passwords.verify(candidate, stored).await? {
        tracing::info!(account = %account, "failed sign-in");
        return Err(AppError::InvalidCredentials);
    }
    let Some(user) = credentials else {
        return Err(AppError::InvalidCredentials);
    };
    state.sign_in_throttle.record_success(&state.db, &account, client_ip, attempt).await?;
    Ok(user)
}

/// Checks `password` against the signed-in person's own hash; returns that hash. Throttled
/// like a sign-in (same budgets): a borrowed or stolen session must not become a way to
/// guess the password quickly.
pub async fn confirm_password(
    state: &AppState,
    me: &CurrentUser,
    client_ip: Option<IpAddr>,
    password: &str,
) -> Result<String, AppError> {
    let credentials =
        db::users::credentials_by_id(&state.db, me.id).await?.ok_or(AppError::SignInRequired)?;
    let account = me.username.to_lowercase();
    let attempt = state.sign_in_throttle.check_and_count(&state.db, &account, client_ip).await?;
    let candidate: String = password.chars().take(password::MAX_LEN).collect();
    let hash = credentials.password_hash;
    if state.passwords.verify(candidate, Some(hash.clone())).await? {
        state.sign_in_throttle.record_success(&state.db, &account, client_ip, attempt).await?;
        Ok(hash)
    } else {
        tracing::info!(user_id = me.id.get(), "wrong password confirmation");
        Err(AppError::WrongPassword("Your current password is not correct.".into()))
    }
}
