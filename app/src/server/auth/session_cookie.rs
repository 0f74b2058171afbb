//! The session cookie: what Shutter keeps in a session, how it starts and ends, and the
//! person it names. The session row only
//! names a user and their `session_epoch`; bumping the epoch in the users table (password
//! change) ends every other session at once, deleting the user ends all of them.

use crate::server::db::Db;
use crate::{domain::ids::UserId, dto::CurrentUser, error::AppError, server::db};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

/// The cookie's name.
pub const COOKIE: &str = "shutter_session";
const AUTH_KEY: &str = "auth";

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct SessionAuth {
    user_id: UserId,
    epoch: i64,
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::internal("session store error", e)
}

/// Signs `user_id` in on this session, under a new session id (no fixation).
pub async fn start(session: &Session, user_id: UserId, epoch: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session.insert(AUTH_KEY, SessionAuth { user_id, epoch }).await.map_err(session_error)
}

/// Ends the session: the row is deleted from the store and the cookie cleared.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// The signed-in person, or `None` if this session names nobody, or names a deleted user
/// or an epoch that a password change has since retired.
pub async fn signed_in(database: &Db, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let Some(auth) = session.get::<SessionAuth>(AUTH_KEY).await.map_err(session_error)? else {
        return Ok(None);
    };
    match db::users::find_session_user(database, auth.user_id).await? {
        Some(user) if user.session_epoch == auth.epoch => Ok(Some(user.into())),
        _ => {
            end(session).await?;
            Ok(None)
        }
    }
}
