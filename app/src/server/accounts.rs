//! The account rules: sign up, sign in (throttled, same answer and cost for unknown users),
//! edit profile, change password (retires other sessions), delete account. Every password
//! check, including the confirmations, goes through the same throttle.

use crate::{
    domain::{Bio, Email, FullName, Password, Username, password},
    dto::{CurrentUser, ProfileSettings},
    error::AppError,
    server::{db, session, state::AppState},
};
use std::{net::IpAddr, time::Instant};
use tower_sessions::Session;

pub struct SignUp {
    pub username: Username,
    pub full_name: FullName,
    pub email: Email,
    pub password: Password,
}

pub async fn sign_up(state: &AppState, session: &Session, form: SignUp) -> Result<i64, AppError> {
    let hash = state.passwords.hash(form.password).await?;
    let user = db::users::NewUser {
        username: form.username.as_str(),
        full_name: form.full_name.as_str(),
        email: form.email.as_str(),
        password_hash: &hash,
    };
    let id = db::users::insert(&state.pool, user).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict("This username is taken. Try another one.".into()),
        other => other,
    })?;
    session::start(session, id, 0).await?;
    tracing::info!(user_id = id, "account created");
    Ok(id)
}

pub async fn sign_in(
    state: &AppState,
    session: &Session,
    client_ip: Option<IpAddr>,
    username: &str,
    password: &str,
) -> Result<i64, AppError> {
    let user = check_credentials(state, client_ip, username, password).await?;
    session::start(session, user.id, user.session_epoch).await?;
    Ok(user.id)
}

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
    let now = Instant::now();
    throttle(state, &account, client_ip, now)?;

    // An impossible username or an over-long password cannot match; still pay the same
    // argon2 cost as a real check so the answer's timing says nothing.
    let credentials = match Username::parse(&account) {
        Ok(name) if password.chars().count() <= password::MAX_LEN => {
            db::users::credentials_by_username(&state.pool, name.as_str()).await?
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
    state.sign_in_throttle.record_success(&account, client_ip, now);
    Ok(user)
}

/// Counts a password check of `account` from `client_ip` (429 when its budget is spent).
fn throttle(
    state: &AppState,
    account: &str,
    client_ip: Option<IpAddr>,
    now: Instant,
) -> Result<(), AppError> {
    state
        .sign_in_throttle
        .check_and_count(account, client_ip, now)
        .map_err(|wait| AppError::TooManyRequests { retry_after_secs: wait.as_secs().max(1) })
}

pub async fn profile_settings(state: &AppState, me: &CurrentUser) -> Result<ProfileSettings, AppError> {
    let s = db::users::settings(&state.pool, me.id)
        .await?
        .ok_or_else(|| AppError::NotFound("This account no longer exists.".into()))?;
    Ok(ProfileSettings { username: s.username, full_name: s.full_name, email: s.email, bio: s.bio })
}

pub async fn update_profile(
    state: &AppState,
    me: &CurrentUser,
    full_name: FullName,
    email: Email,
    bio: Bio,
) -> Result<(), AppError> {
    db::users::update_profile(&state.pool, me.id, full_name.as_str(), email.as_str(), bio.as_str()).await?;
    Ok(())
}

/// Checks `password` against the signed-in user's own hash; returns that hash. Throttled
/// like a sign-in (same budgets): a borrowed or stolen session must not become a way to
/// guess the password quickly.
async fn confirm_password(
    state: &AppState,
    me: &CurrentUser,
    client_ip: Option<IpAddr>,
    password: &str,
) -> Result<String, AppError> {
    let credentials =
        db::users::credentials_by_id(&state.pool, me.id).await?.ok_or(AppError::SignInRequired)?;
    let account = me.username.to_lowercase();
    let now = Instant::now();
    throttle(state, &account, client_ip, now)?;
    let candidate: String = password.chars().take(password::MAX_LEN).collect();
    let hash = credentials.password_hash;
    if state.passwords.verify(candidate, Some(hash.clone())).await? {
        state.sign_in_throttle.record_success(&account, client_ip, now);
        Ok(hash)
    } else {
        tracing::info!(user_id = me.id, "wrong password confirmation");
        Err(AppError::WrongPassword("Your current password is not correct.".into()))
    }
}

pub async fn change_password(
    state: &AppState,
    session: &Session,
    me: &CurrentUser,
    client_ip: Option<IpAddr>,
    old_password: &str,
    new_password: Password,
) -> Result<(), AppError> {
    let old_hash = confirm_password(state, me, client_ip, old_password).await?;
    let new_hash = state.passwords.hash(new_password).await?;
    let epoch = db::users::replace_password(&state.pool, me.id, &old_hash, &new_hash)
        .await?
        .ok_or_else(|| AppError::Conflict("Your password was changed meanwhile. Sign in again.".into()))?;
    // Every other session carries the old epoch and is now void; this one moves on.
    session::refresh_epoch(session, me.id, epoch).await?;
    tracing::info!(user_id = me.id, "password changed");
    Ok(())
}

pub async fn delete_account(
    state: &AppState,
    session: &Session,
    me: &CurrentUser,
    client_ip: Option<IpAddr>,
    password: &str,
) -> Result<(), AppError> {
    confirm_password(state, me, client_ip, password).await?;
    // Rows first (posts, photos and the rest cascade), then the files they pointed to.
    let media = db::posts::media_of_user(&state.pool, me.id).await?;
    db::users::delete(&state.pool, me.id).await?;
    session::end(session).await?;
    super::media::remove_files_off_runtime(state, media).await;
    tracing::info!(user_id = me.id, "account deleted");
    Ok(())
}

/// The id of `username`, or a 404 that names them.
pub async fn user_id_of(state: &AppState, username: &str) -> Result<i64, AppError> {
    let missing = || AppError::NotFound(format!("There is no one called @{username} here."));
    let name = Username::parse(username).map_err(|_| missing())?;
    db::users::id_by_username(&state.pool, name.as_str()).await?.ok_or_else(missing)
}
