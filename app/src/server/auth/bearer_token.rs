//! Personal access tokens (`Authorization: Bearer`): what one looks like, the person it
//! belongs to, and new ones waiting to be shown once. Only a token's SHA-256 is stored; a
//! token is 256 random bits, so a fast hash is enough (nothing to brute-force).

use crate::server::db::Db;
use crate::{
    domain::ids::UserId,
    dto::{CurrentUser, NewToken},
    error::AppError,
    server::db,
};
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Every token starts with this, so leaked ones are easy to recognise (and to scan for).
pub const PREFIX: &str = "shutter_pat_";
/// How long a freshly created token waits to be shown (once) on the settings page.
const REVEAL_TTL: Duration = Duration::from_secs(5 * 60);

/// What the database keeps of a token.
pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal("no randomness for a token", e))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A new token: the prefix and 256 random bits.
pub fn generate() -> Result<String, AppError> {
    Ok(format!("{PREFIX}{}", random_hex(32)?))
}

/// The person a presented token belongs to, or `None` for an unknown or revoked token.
/// Records the use at most once a minute, so reading the API does not write each time.
pub async fn person(database: &Db, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let well_formed = token.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if !well_formed {
        return Ok(None);
    }
    let Some(owner) = db::tokens::owner_of(database, &hash(token)).await? else {
        return Ok(None);
    };
    if owner.stale
        && let Err(e) = db::tokens::touch(database, owner.token_id).await
    {
        // Bookkeeping only: the request goes on.
        tracing::warn!(error = %e, token_id = owner.token_id, "could not record a token's use");
    }
    Ok(Some(owner.user.into()))
}

/// New tokens between their creation and the page that shows them, in memory only (so a
/// token never rests anywhere in clear, not even in the session store). Keyed by a random
/// one-time id that the redirect after creation carries; only the creator can take one.
#[derive(Default)]
pub struct Reveals {
    waiting: Mutex<HashMap<String, (UserId, NewToken, Instant)>>,
}

impl Reveals {
    pub fn put(&self, user_id: UserId, token: NewToken) -> Result<String, AppError> {
        let key = random_hex(16)?;
        let now = Instant::now();
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.retain(|_, (_, _, at)| now.duration_since(*at) < REVEAL_TTL);
        waiting.insert(key.clone(), (user_id, token, now));
        Ok(key)
    }

    pub fn take(&self, user_id: UserId, key: &str) -> Option<NewToken> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        match waiting.get(key) {
            Some((owner, _, at)) if *owner == user_id && at.elapsed() < REVEAL_TTL => {
                waiting.remove(key).map(|(_, token, _)| token)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reveal_is_taken_once_and_only_by_its_owner() {
        let reveals = Reveals::default();
        let token = NewToken { id: 1, name: "n".into(), token: "t".into() };
        let (owner, someone_else) = (UserId::new(7), UserId::new(8));
        let key = reveals.put(owner, token.clone()).unwrap();
        assert_eq!(reveals.take(someone_else, &key), None, "someone else");
        assert_eq!(reveals.take(owner, &key), Some(token));
        assert_eq!(reveals.take(owner, &key), None, "shown once");
    }
}
