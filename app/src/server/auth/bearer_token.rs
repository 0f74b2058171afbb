//! Personal access tokens (`Authorization: Bearer`): what one looks like, the person it
//! belongs to, and new ones waiting to be shown once. Only a token's SHA-256 is stored; a
//! token is 256 random bits, so a fast hash is enough (nothing to brute-force).

use crate::server::db::{Db, engine::Job};
use crate::{
    domain::ids::UserId,
    dto::{CurrentUser, NewToken},
    error::AppError,
    server::db,
};
use sha2::{Digest, Sha256};
use std::time::Duration;

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

/// New tokens between their creation and the page that shows them, in the database, so
/// the page may be served by another instance than the one that created the token. Keyed
/// by a random one-time id that the redirect after creation carries; only the token's
/// owner can take one, and taking deletes it (of two concurrent takes, one gets it).
///
/// What rests there is the token in clear (it cannot be shown otherwise), its id and an
/// expiry: nothing else (the name and owner are the access token's). We chose not to
/// encrypt it, and instead to keep it as briefly as the in-memory version did: deleted
/// when taken, refused after `REVEAL_TTL`, and deleted then by `sweep_reveals` (every
/// minute) if nobody took it. Revoking the token deletes its reveal. For those minutes a
/// copy of the database (a backup, a replica) may hold a token that is not yet shown;
/// each is revocable from the settings page like any other.
pub struct Reveals;

impl Reveals {
    /// Puts `token` aside for its owner; answers the key to take it with.
    pub async fn put(database: &Db, token: &NewToken) -> Result<String, AppError> {
        let key = random_hex(16)?;
        let ttl = i64::try_from(REVEAL_TTL.as_millis()).unwrap_or(i64::MAX);
        db::token_reveals::put(database, &key, token.id, &token.token, ttl).await?;
        Ok(key)
    }

    /// Takes the token waiting under `key` for `user_id`: the id and the token itself, if
    /// it is theirs and its time is not over. A malformed key is nobody's.
    pub async fn take(database: &Db, user_id: UserId, key: &str) -> Result<Option<(i64, String)>, AppError> {
        if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Ok(None);
        }
        let taken = db::token_reveals::take(database, key, user_id).await?;
        Ok(taken.map(|t| (t.token_id, t.token)))
    }
}

/// Deletes the reveals nobody took in time, every `period`, until the server stops (one
/// instance at a time: the others skip that turn).
pub async fn sweep_reveals(database: Db, period: Duration) {
    let mut every = tokio::time::interval(period);
    loop {
        every.tick().await;
        match database.alone(Job::RevealSweep, db::token_reveals::prune(&database)).await {
            Ok(Some(Ok(())) | None) => {}
            Ok(Some(Err(e))) | Err(e) => tracing::warn!(error = %e, "could not delete expired token reveals"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::users::NewUser;

    async fn person(pool: &Db, username: &str) -> UserId {
        let user = NewUser { username, full_name: "P", email: "p@example.com", password_hash: "x" };
        db::users::insert(pool, user).await.unwrap()
    }

    #[tokio::test]
    async fn a_reveal_is_taken_once_and_only_by_its_owner() {
        let pool = db::testing::database().await;
        let (owner, someone_else) = (person(&pool, "ada").await, person(&pool, "bob").await);
        let token = generate().unwrap();
        let id = db::tokens::insert(&pool, owner, "n", &hash(&token)).await.unwrap();
        let key =
            Reveals::put(&pool, &NewToken { id, name: "n".into(), token: token.clone() }).await.unwrap();
        assert_eq!(Reveals::take(&pool, someone_else, &key).await.unwrap(), None, "someone else");
        assert_eq!(Reveals::take(&pool, owner, &key.to_uppercase()).await.unwrap(), None, "malformed");
        assert_eq!(Reveals::take(&pool, owner, &key).await.unwrap(), Some((id, token)));
        assert_eq!(Reveals::take(&pool, owner, &key).await.unwrap(), None, "shown once");
    }

    #[tokio::test]
    async fn revoking_a_token_deletes_its_reveal() {
        let pool = db::testing::database().await;
        let owner = person(&pool, "ada").await;
        let token = generate().unwrap();
        let id = db::tokens::insert(&pool, owner, "n", &hash(&token)).await.unwrap();
        let key = Reveals::put(&pool, &NewToken { id, name: "n".into(), token }).await.unwrap();
        assert!(db::tokens::delete(&pool, id, owner).await.unwrap());
        assert_eq!(Reveals::take(&pool, owner, &key).await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_expired_reveal_is_not_shown() {
        let pool = db::testing::database().await;
        let owner = person(&pool, "ada").await;
        let token = generate().unwrap();
        let id = db::tokens::insert(&pool, owner, "n", &hash(&token)).await.unwrap();
        let key = "0123456789abcdef0123456789abcdef";
        db::token_reveals::put(&pool, key, id, &token, 0).await.unwrap();
        assert_eq!(Reveals::take(&pool, owner, key).await.unwrap(), None);
    }
}
