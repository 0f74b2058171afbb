//! The session cookie: what Shutter keeps in a session, how it starts and ends, and the
//! person it names. A session only names a user and their `session_epoch`
//! (`session_store` keeps both as columns); bumping the epoch in the users table (password
//! change) ends every other session at once, deleting the user ends all of them.

use crate::server::db::Db;
use crate::{domain::ids::UserId, dto::CurrentUser, error::AppError, server::db};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

/// The cookie's name.
pub const COOKIE: &str = "shutter_session";
const AUTH_KEY: &str = "auth";

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(super) struct SessionAuth {
    pub user_id: UserId,
    pub epoch: i64,
}

/// Whom a session's data names, if anyone.
pub(super) fn auth_in(data: &std::collections::HashMap<String, serde_json::Value>) -> Option<SessionAuth> {
    data.get(AUTH_KEY).and_then(|value| SessionAuth::deserialize(value).ok())
}

/// The instance's clock in Unix seconds, the unit of a session's expiry in the store.
pub(super) fn now() -> i64 {
    tower_sessions::cookie::time::OffsetDateTime::now_utc().unix_timestamp()
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
/// or an epoch that a password change has since retired. A session as the browser sent it
/// is looked up together with its person in one statement; one changed during this
/// request (someone just signed in) is read from memory, then its person.
pub async fn signed_in(database: &Db, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let user = if session.is_modified() {
        let Some(auth) = session.get::<SessionAuth>(AUTH_KEY).await.map_err(session_error)? else {
            return Ok(None);
        };
        db::users::find_session_user(database, auth.user_id)
            .await?
            .filter(|user| user.session_epoch == auth.epoch)
    } else {
        let Some(id) = session.id() else {
            return Ok(None);
        };
        db::sessions::signed_in_user(database, &id.to_string(), now()).await?
    };
    match user {
        Some(user) => Ok(Some(user.into())),
        None => {
            end(session).await?;
            Ok(None)
        }
    }
}

/// `signed_in`, with how many notifications the person has not seen (up to `cap`), in one
/// statement for a session as the browser sent it: what a page render asks first.
pub async fn signed_in_with_unread(
    database: &Db,
    session: &Session,
    cap: i64,
) -> Result<Option<(CurrentUser, i64)>, AppError> {
    if session.is_modified() {
        let Some(me) = signed_in(database, session).await? else {
            return Ok(None);
        };
        let unread = db::notifications::unread(database, me.id, cap).await?;
        return Ok(Some((me, unread)));
    }
    let Some(id) = session.id() else {
        return Ok(None);
    };
    match db::sessions::signed_in_user_and_unread(database, &id.to_string(), now(), cap).await? {
        Some(found) => Ok(Some((found.user.into(), found.unread))),
        None => {
            end(session).await?;
            Ok(None)
        }
    }
}
