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
/// resources all ask for it. The page handler puts one in the request's extensions (so it
/// belongs to that request alone, whatever the reactive owners do); server functions,
/// which may sign someone in or out, have none and look up afresh.
#[derive(Clone, Default)]
pub struct RenderUser(std::sync::Arc<tokio::sync::OnceCell<Option<CurrentUser>>>);

pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let lookup = || async {
        let state = state()?;
        let session = current_session().await?;
        session::current_user(&state.pool, &session).await
    };
    let render_user =
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<RenderUser>().cloned());
    match render_user {
        Some(RenderUser(cell)) => cell.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user().await?.ok_or(AppError::SignInRequired)
}
