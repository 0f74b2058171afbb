//! HTTP Basic credentials (username and password) on the REST API, and the checks they
//! passed, remembered.
//!
//! Checking a password costs ~26 ms of CPU and 19 MiB, on purpose. A script that sends
//! Basic credentials with every request would pay that each time, so a successful check is
//! remembered for a few minutes, keyed by a keyed SHA-256 of (username, password) under a
//! per-process random key (the password itself is never kept). A remembered check still
//! reads the user's row on every request: a deleted user or a changed password (which
//! moves `session_epoch`) stops working at once. Checks that do run argon2 are limited to
//! one per core at a time, so a flood of wrong passwords queues up instead of taking all
//! memory; the sign-in throttle applies to them exactly as to the sign-in form
//! (`password_check`).

use crate::server::db::Db;
use crate::{domain::ids::UserId, dto::CurrentUser, error::AppError, server::db};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};
use tokio::sync::Semaphore;

/// How long a successful Basic check is remembered.
const VERIFIED_TTL: Duration = Duration::from_secs(5 * 60);
/// Remembered checks, at most; past this the expired ones go, and if that is not enough,
/// all of them (they are only a cache).
const VERIFIED_MAX: usize = 10_000;

/// The username and password of `Authorization: Basic <credentials>`, if they are base64
/// of UTF-8 `username:password`.
pub fn decode(credentials: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(credentials).ok()?;
    let decoded = String::from_utf8(bytes).ok()?;
    let (username, password) = decoded.split_once(':')?;
    Some((username.to_owned(), password.to_owned()))
}

#[derive(Clone, Copy)]
struct Verified {
    user_id: UserId,
    epoch: i64,
    at: Instant,
}

/// Remembered Basic checks and the argon2 permits, shared by all requests.
pub struct BasicChecks {
    key: [u8; 32],
    verified: Mutex<HashMap<[u8; 32], Verified>>,
    argon2_permits: Semaphore,
}

impl Default for BasicChecks {
    fn default() -> Self {
        let mut key = [0u8; 32];
        // Without randomness the cache key is still a hash of the credentials; only a
        // memory dump would tell the difference.
        if let Err(e) = getrandom::fill(&mut key) {
            tracing::warn!(error = %e, "no randomness for the Basic-auth cache key");
        }
        Self {
            key,
            verified: Mutex::new(HashMap::new()),
            argon2_permits: Semaphore::new(
                std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            ),
        }
    }
}

impl BasicChecks {
    /// The person behind Basic credentials: a remembered check, else `check` (the
    /// throttled password check); 403 if they are wrong, 429 when throttled.
    pub async fn person(
        &self,
        database: &Db,
        username: &str,
        password: &str,
        check: impl Future<Output = Result<db::users::Credentials, AppError>>,
    ) -> Result<CurrentUser, AppError> {
        let key = self.cache_key(&username.trim().to_lowercase(), password);
        if let Some(v) = self.remembered(&key) {
            match db::users::find_session_user(database, v.user_id).await? {
                Some(user) if user.session_epoch == v.epoch => return Ok(user.into()),
                // Deleted, or the password changed since: check afresh (and fail).
                _ => self.forget(&key),
            }
        }
        let checked = {
            let _permit = self.argon2_permits.acquire().await.map_err(|_| AppError::Internal)?;
            check.await
        };
        let credentials = match checked {
            Ok(c) => c,
            Err(e @ (AppError::TooManyRequests { .. } | AppError::Internal)) => return Err(e),
            Err(_) => return Err(AppError::InvalidCredentials),
        };
        let user = db::users::find_session_user(database, credentials.id)
            .await?
            .ok_or(AppError::InvalidCredentials)?;
        self.remember(key, user.id, user.session_epoch);
        Ok(user.into())
    }

    fn cache_key(&self, username: &str, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update((username.len() as u64).to_le_bytes());
        h.update(username.as_bytes());
        h.update(password.as_bytes());
        h.finalize().into()
    }

    fn remembered(&self, key: &[u8; 32]) -> Option<Verified> {
        let verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        verified.get(key).copied().filter(|v| v.at.elapsed() < VERIFIED_TTL)
    }

    fn remember(&self, key: [u8; 32], user_id: UserId, epoch: i64) {
        let mut verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        if verified.len() >= VERIFIED_MAX {
            verified.retain(|_, v| v.at.elapsed() < VERIFIED_TTL);
            if verified.len() >= VERIFIED_MAX {
                verified.clear();
            }
        }
        verified.insert(key, Verified { user_id, epoch, at: Instant::now() });
    }

    fn forget(&self, key: &[u8; 32]) {
        self.verified.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}
