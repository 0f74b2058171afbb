//! `Caller`: the signed-in user of a REST request, by `Authorization: Bearer <token>`,
//! HTTP Basic, or the session cookie (in that order; a request that sends an
//! Authorization header is judged by it alone). No valid credentials: 403.

use super::RestError;
use app::{
    dto::CurrentUser,
    error::AppError,
    server::{api_auth, session, state::AppState},
};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts},
};
use base64::Engine as _;
use std::net::SocketAddr;
use tower_sessions::Session;

pub struct Caller(pub CurrentUser);

fn refused(message: &str) -> RestError {
    RestError(AppError::Forbidden(message.to_owned()))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let value = value.to_str().map_err(|_| refused("The Authorization header is not readable."))?;
            let (scheme, credentials) = value.trim().split_once(' ').unwrap_or((value, ""));
            let credentials = credentials.trim();
            let user = if scheme.eq_ignore_ascii_case("bearer") {
                api_auth::bearer(state, credentials).await?
            } else if scheme.eq_ignore_ascii_case("basic") {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(credentials)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| refused("Basic credentials must be base64 of username:password."))?;
                let (username, password) = decoded
                    .split_once(':')
                    .ok_or_else(|| refused("Basic credentials must be base64 of username:password."))?;
                let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip());
                api_auth::basic(state, ip, username, password).await?
            } else {
                return Err(refused("Use Authorization: Bearer <token> or Basic credentials."));
            };
            return Ok(Caller(user));
        }
        let session = Session::from_request_parts(parts, state).await.map_err(|(_, e)| {
            tracing::error!(error = e, "session layer missing");
            RestError(AppError::Internal)
        })?;
        match session::current_user(&state.pool, &session).await? {
            Some(user) => Ok(Caller(user)),
            None => Err(RestError(AppError::Forbidden(
                "Sign in, or send an access token (Authorization: Bearer) or Basic credentials.".into(),
            ))),
        }
    }
}
