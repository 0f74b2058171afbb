//! The account rules: sign up, sign in (throttled, same answer and cost for unknown users),
//! edit profile, change password (retires other sessions), delete account. Every password
//! check, including the confirmations, goes through `auth::password_check`.

use crate::{
    domain::{Bio, Email, FullName, Password, Username, ids::UserId},
    dto::{CurrentUser, ProfileSettings},
    error::AppError,
    server::{
        auth::{password_check, session_cookie},
        db,
        state::AppState,
    },
};
use std::net::IpAddr;
use tower_sessions::Session;

pub struct SignUp {
    pub username: Username,
    pub full_name: FullName,
    pub email: Email,
    pub password: Password,
}

#[tracing::instrument(skip_all, fields(username = %form.username.as_str()))]
pub async fn sign_up(state: &AppState, session: &Session, form: SignUp) -> Result<UserId, AppError> {
    let hash = state.passwords.hash(form.password).await?;
    let user = db::users::NewUser {
        username: form.username.as_str(),
        full_name: form.full_name.as_str(),
        email: form.email.as_str(),
        password_hash: &hash,
    };
    let id = db::users::insert(&state.db, user).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict("This username is taken. Try another one.".into()),
        other => other,
    })?;
    session_cookie::start(session, id, 0).await?;
    tracing::info!(user_id = id.get(), "account created");
    Ok(id)
}

pub async fn sign_in(
    state: &AppState,
    session: &Session,
    client_ip: Option<IpAddr>,
    username: &str,
    password: &str,
) -> Result<UserId, AppError> {
    let user = password_check::check_credentials(state, client_ip, username, password).await?;
    session_cookie::start(session, user.id, user.session_epoch).await?;
    Ok(user.id)
}

pub async fn profile_settings(state: &AppState, me: &CurrentUser) -> Result<ProfileSettings, AppError> {
    let s = db::users::settings(&state.db, me.id)
        .await?
        .ok_or_else(|| AppError::NotFound("This account no longer exists.".into()))?;
    Ok(ProfileSettings { username: s.username, full_name: s.full_name, email: s.email, bio: s.bio })
}

#[tracing::instrument(skip_all, fields(user = me.id.get()))]
pub async fn update_profile(
    state: &AppState,
    me: &CurrentUser,
    full_name: FullName,
    email: Email,
    bio: Bio,
) -> Result<(), AppError> {
    db::users::update_profile(&state.db, me.id, full_name.as_str(), email.as_str(), bio.as_str()).await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(user = me.id.get()))]
pub async fn change_password(
    state: &AppState,
    session: &Session,
    me: &CurrentUser,
    client_ip: Option<IpAddr>,
    old_password: &str,
    new_password: Password,
) -> Result<(), AppError> {
    let old_hash = password_check::confirm_password(state, me, client_ip, old_password).await?;
    let new_hash = state.passwords.hash(new_password).await?;
    let epoch = db::users::replace_password(&state.db, me.id, &old_hash, &new_hash)
        .await?
        .ok_or_else(|| AppError::Conflict("Your password was changed meanwhile. Sign in again.".into()))?;
    // Every other session carries the old epoch and is now void; this one moves on.
    session_cookie::start(session, me.id, epoch).await?;
    tracing::info!(user_id = me.id.get(), "password changed");
    Ok(())
}

#[tracing::instrument(skip_all, fields(user = me.id.get()))]
pub async fn delete_account(
    state: &AppState,
    session: &Session,
    me: &CurrentUser,
    client_ip: Option<IpAddr>,
    password: &str,
) -> Result<(), AppError> {
    password_check::confirm_password(state, me, client_ip, password).await?;
    // Rows first (posts, photos and the rest cascade), then the files they pointed to.
    let media = db::posts::media_of_user(&state.db, me.id).await?;
    db::users::delete(&state.db, me.id).await?;
    session_cookie::end(session).await?;
    super::media::remove_files_off_runtime(state, media).await;
    tracing::info!(user_id = me.id.get(), "account deleted");
    Ok(())
}

/// The id of `username`, or a 404 that names them.
pub async fn user_id_of(state: &AppState, username: &str) -> Result<UserId, AppError> {
    let missing = || AppError::NotFound(format!("There is no one called @{username} here."));
    let name = Username::parse(username).map_err(|_| missing())?;
    db::users::id_by_username(&state.db, name.as_str()).await?.ok_or_else(missing)
}
