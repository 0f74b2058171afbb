//! Personal access tokens for the REST API: created (shown once), listed, revoked, and
//! turned back into their user on each request. Only a token's SHA-256 is stored; a
//! token is 256 random bits, so a fast hash is enough (nothing to brute-force).

use crate::{
    api::tokens::{AccessToken, NewToken, TokensPage},
    dto::CurrentUser,
    error::AppError,
    server::{db, state::AppState},
};
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Every token starts with this, so leaked ones are easy to recognise (and to scan for).
pub const PREFIX: &str = "shutter_pat_";
/// Tokens one person may hold at once.
pub const MAX_PER_USER: i64 = 50;
const NAME_MAX: usize = 60;
/// How long a freshly created token waits to be shown (once) on the settings page.
const REVEAL_TTL: Duration = Duration::from_secs(5 * 60);

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| {
        tracing::error!(error = %e, "no randomness for a token");
        AppError::Internal
    })?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A token's name: 1 to 60 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::BadRequest("Give the token a name, e.g. the script that will use it.".into()));
    }
    if name.chars().count() > NAME_MAX {
        return Err(AppError::BadRequest(format!("A token name has at most {NAME_MAX} characters.")));
    }
    if crate::domain::forbidden_char(name, &[]).is_some() {
        return Err(AppError::BadRequest("A token name cannot contain control characters.".into()));
    }
    Ok(name.to_owned())
}

/// New tokens between their creation and the page that shows them, in memory only (so a
/// token never rests anywhere in clear, not even in the session store). Keyed by a random
/// one-time id that the redirect after creation carries; only the creator can take one.
#[derive(Default)]
pub struct Reveals {
    waiting: Mutex<HashMap<String, (i64, NewToken, Instant)>>,
}

impl Reveals {
    fn put(&self, user_id: i64, token: NewToken) -> Result<String, AppError> {
        let key = random_hex(16)?;
        let now = Instant::now();
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.retain(|_, (_, _, at)| now.duration_since(*at) < REVEAL_TTL);
        waiting.insert(key.clone(), (user_id, token, now));
        Ok(key)
    }

    fn take(&self, user_id: i64, key: &str) -> Option<NewToken> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        match waiting.get(key) {
            Some((owner, _, at)) if *owner == user_id && at.elapsed() < REVEAL_TTL => {
                waiting.remove(key).map(|(_, token, _)| token)
            }
            _ => None,
        }
    }
}

/// Creates a token for `me`; answers the one-time key under which it waits to be shown.
pub async fn create(state: &AppState, me: &CurrentUser, name: &str) -> Result<String, AppError> {
    let name = parse_name(name)?;
    if db::tokens::count_of_user(&state.pool, me.id).await? >= MAX_PER_USER {
        return Err(AppError::Conflict(format!(
            "You have {MAX_PER_USER} tokens already. Revoke one you no longer use."
        )));
    }
    let token = format!("{PREFIX}{}", random_hex(32)?);
    let id = db::tokens::insert(&state.pool, me.id, &name, &sha256(&token)).await?;
    tracing::info!(user_id = me.id, token_id = id, "access token created");
    state.api_auth.reveals.put(me.id, NewToken { id, name, token })
}

/// `me`'s tokens, newest first, and the one just created if `reveal` names it.
pub async fn list(state: &AppState, me: &CurrentUser, reveal: Option<&str>) -> Result<TokensPage, AppError> {
    let tokens = db::tokens::of_user(&state.pool, me.id)
        .await?
        .into_iter()
        .map(|t| AccessToken {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        })
        .collect();
    let new_token = reveal.and_then(|key| state.api_auth.reveals.take(me.id, key));
    Ok(TokensPage { tokens, new_token })
}

/// Revokes one of `me`'s tokens; it stops working at once.
pub async fn revoke(state: &AppState, me: &CurrentUser, token_id: i64) -> Result<(), AppError> {
    if !db::tokens::delete(&state.pool, token_id, me.id).await? {
        return Err(AppError::NotFound("You have no such token.".into()));
    }
    tracing::info!(user_id = me.id, token_id, "access token revoked");
    Ok(())
}

/// The user a presented token belongs to, or `None` for an unknown or revoked token.
/// Records the use at most once a minute, so reading the API does not write each time.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let well_formed = token.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if !well_formed {
        return Ok(None);
    }
    let Some(owner) = db::tokens::owner_of(&state.pool, &sha256(token)).await? else {
        return Ok(None);
    };
    if owner.stale
        && let Err(e) = db::tokens::touch(&state.pool, owner.token_id).await
    {
        // Bookkeeping only: the request goes on.
        tracing::warn!(error = %e, token_id = owner.token_id, "could not record a token's use");
    }
    Ok(Some(CurrentUser {
        id: owner.user_id,
        username: owner.username,
        full_name: owner.full_name,
        avatar_url: crate::server::media::avatar_url(owner.avatar.as_deref()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  backup script ").unwrap(), "backup script");
        assert!(parse_name("   ").is_err());
        assert!(parse_name(&"x".repeat(61)).is_err());
        assert!(parse_name("a\u{7}b").is_err());
        assert!(parse_name("a\u{202E}b").is_err());
    }

    #[test]
    fn a_reveal_is_taken_once_and_only_by_its_owner() {
        let reveals = Reveals::default();
        let token = NewToken { id: 1, name: "n".into(), token: "t".into() };
        let key = reveals.put(7, token.clone()).unwrap();
        assert_eq!(reveals.take(8, &key), None, "someone else");
        assert_eq!(reveals.take(7, &key), Some(token));
        assert_eq!(reveals.take(7, &key), None, "shown once");
    }
}
