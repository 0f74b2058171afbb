//! Request context for server functions: the state, the session, the client address and
//! the signed-in user. Server functions call `require_user()` before anything else.

use crate::{
    dto::CurrentUser,
    error::AppError,
    server::{session, state::AppState},
};
use axum::extract::ConnectInfo;
use leptos::prelude::use_context;
use std::net::{IpAddr, SocketAddr};
use tower_sessions::Session;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = ?e, "session layer missing");
        AppError::Internal
    })
}

/// The peer address of the connection (no proxy headers are trusted).
pub async fn client_ip() -> Option<IpAddr> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>().await.ok().map(|ConnectInfo(addr)| addr.ip())
}

/// The signed-in user of one page render, looked up once: the nav, the page and its
/// resources all ask for it. Provided only while a page is server-rendered (a render
/// never signs anyone in or out); server functions, which may, look up afresh.
#[derive(Clone, Default)]
pub struct RenderUser(std::sync::Arc<tokio::sync::OnceCell<Option<CurrentUser>>>);

pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let lookup = || async {
        let state = state()?;
        let session = current_session().await?;
        session::current_user(&state.pool, &session).await
    };
    match use_context::<RenderUser>() {
        Some(RenderUser(cell)) => cell.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user().await?.ok_or(AppError::SignInRequired)
}
