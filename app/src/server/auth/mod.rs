//! Who is calling: every credential (the session cookie, a personal access token, HTTP
//! Basic) is resolved by `identify` into one `Caller`, for pages, server functions, REST
//! and uploads alike, from the request itself, never from state shared between requests.
//!
//! Which credentials count depends on the door (`Door`): the site (pages, server
//! functions, uploads) takes the browser's session cookie only; the REST API (SPEC 5) also
//! takes an `Authorization` header, and a request that sends one is judged by it alone.
//! Tokens and Basic credentials are for scripts: they cannot reach the account settings.

pub mod basic_credentials;
pub mod bearer_token;
pub mod password_check;
pub mod session_cookie;
pub mod session_store;

use crate::{
    dto::{CurrentUser, UNREAD_CAP},
    error::AppError,
    server::{db, state::AppState},
};
use axum::extract::ConnectInfo;
use http::{header, request::Parts};
use leptos::prelude::use_context;
use std::net::{IpAddr, SocketAddr};
use tower_sessions::Session;

/// The one who sent a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Person(CurrentUser),
    Visitor,
}

impl Caller {
    pub fn person(self) -> Option<CurrentUser> {
        match self {
            Caller::Person(me) => Some(me),
            Caller::Visitor => None,
        }
    }

    /// The signed-in person; a visitor is asked to sign in first (403).
    pub fn signed_in(self) -> Result<CurrentUser, AppError> {
        self.person().ok_or(AppError::SignInRequired)
    }
}

/// Where a request comes in, which decides the credentials it may bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// Pages, server functions and uploads: the session cookie.
    Site,
    /// The REST API: an `Authorization` header (Bearer or Basic), else the session cookie.
    RestApi,
}

/// The caller of a page render and their unread notifications, looked up once and in one
/// statement: the nav, the page and its resources all ask for them. The page handler puts
/// one in the request's extensions (so it belongs to that request alone, whatever the
/// reactive owners do); server functions, which may sign someone in or out, have none and
/// look up afresh.
#[derive(Clone, Default)]
pub struct RenderUser(std::sync::Arc<tokio::sync::OnceCell<(Caller, i64)>>);

impl RenderUser {
    async fn looked_up(&self, state: &AppState, session: &Session) -> Result<&(Caller, i64), AppError> {
        self.0
            .get_or_try_init(|| async {
                Ok(match session_cookie::signed_in_with_unread(&state.db, session, UNREAD_CAP).await? {
                    Some((me, unread)) => (Caller::Person(me), unread),
                    None => (Caller::Visitor, 0),
                })
            })
            .await
    }
}

/// Who sent the request whose `parts` these are.
pub async fn identify(state: &AppState, parts: &Parts, door: Door) -> Result<Caller, AppError> {
    if door == Door::RestApi
        && let Some(value) = parts.headers.get(header::AUTHORIZATION)
    {
        let refused = |message: &str| AppError::Forbidden(message.to_owned());
        let value = value.to_str().map_err(|_| refused("The Authorization header is not readable."))?;
        let (scheme, credentials) = value.trim().split_once(' ').unwrap_or((value, ""));
        let credentials = credentials.trim();
        let person = if scheme.eq_ignore_ascii_case("bearer") {
            bearer_token::person(&state.db, credentials)
                .await?
                .ok_or_else(|| refused("This access token is not valid (revoked, or never issued)."))?
        } else if scheme.eq_ignore_ascii_case("basic") {
            let (username, password) = basic_credentials::decode(credentials)
                .ok_or_else(|| refused("Basic credentials must be base64 of username:password."))?;
            let check = password_check::check_credentials(state, peer_ip(parts), &username, &password);
            state.basic_checks.person(&state.db, &username, &password, check).await?
        } else {
            return Err(refused("Use Authorization: Bearer <token> or Basic credentials."));
        };
        return Ok(Caller::Person(person));
    }
    let session = session_of(parts)?;
    match parts.extensions.get::<RenderUser>() {
        Some(render) => Ok(render.looked_up(state, session).await?.0.clone()),
        None => {
            Ok(session_cookie::signed_in(&state.db, session).await?.map_or(Caller::Visitor, Caller::Person))
        }
    }
}

fn session_of(parts: &Parts) -> Result<&Session, AppError> {
    parts.extensions.get::<Session>().ok_or_else(|| {
        tracing::error!("session layer missing");
        AppError::Internal
    })
}

/// The peer address of the connection (no proxy headers are trusted).
fn peer_ip(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())
}

impl From<db::users::SessionUser> for CurrentUser {
    fn from(user: db::users::SessionUser) -> Self {
        CurrentUser {
            id: user.id,
            username: user.username,
            full_name: user.full_name,
            avatar_url: crate::server::media::avatar_url(user.avatar.as_deref()),
        }
    }
}

// The request as server functions and page renders reach it: through the Leptos context.

/// What the server put in the Leptos context of this render or server function.
fn from_context<T: Clone + Send + Sync + 'static>() -> Result<T, AppError> {
    use_context::<T>().ok_or_else(|| {
        tracing::error!(missing = std::any::type_name::<T>(), "not in the Leptos context");
        AppError::Internal
    })
}

pub fn state() -> Result<AppState, AppError> {
    from_context()
}

pub async fn current_session() -> Result<Session, AppError> {
    Ok(session_of(&from_context()?)?.clone())
}

/// The client's address, for the password throttle.
pub fn client_ip() -> Option<IpAddr> {
    from_context::<Parts>().ok().as_ref().and_then(peer_ip)
}

/// The caller of this server function or page render.
pub async fn caller() -> Result<Caller, AppError> {
    identify(&state()?, &from_context()?, Door::Site).await
}

pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(caller().await?.person())
}

pub async fn require_user() -> Result<CurrentUser, AppError> {
    caller().await?.signed_in()
}

/// The unread notifications of this page render's caller (0 for a visitor), found together
/// with the caller; `None` outside a page render (a server function counts them itself).
pub async fn render_unread() -> Result<Option<i64>, AppError> {
    let parts: Parts = from_context()?;
    let Some(render) = parts.extensions.get::<RenderUser>() else {
        return Ok(None);
    };
    Ok(Some(render.looked_up(&state()?, session_of(&parts)?).await?.1))
}
