//! Who is calling the REST API: a personal access token (`Authorization: Bearer`) or
//! HTTP Basic (username and password). The session cookie is the third way, read by the
//! server crate like any page does.
//!
//! Basic authentication and argon2: checking a password costs ~26 ms of CPU and 19 MiB,
//! on purpose. A script that sends Basic credentials with every request would pay that
//! each time, so a successful check is remembered for a few minutes, keyed by a keyed
//! SHA-256 of (username, password) under a per-process random key (the password itself
//! is never kept). A remembered check still reads the user's row on every request: a
//! deleted user or a changed password (which moves `session_epoch`) stops working at
//! once. Checks that do run argon2 are limited to one per core at a time, so a flood of
//! wrong passwords queues up instead of taking all memory; the sign-in throttle (per
//! account and address, per address, per account) applies to them exactly as to the
//! sign-in form.

use crate::{
    dto::CurrentUser,
    error::AppError,
    server::{accounts, db, state::AppState, tokens},
};
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};
use tokio::sync::Semaphore;

/// How long a successful Basic check is remembered.
const VERIFIED_TTL: Duration = Duration::from_secs(5 * 60);
/// Remembered checks, at most; past this the expired ones go, and if that is not enough,
/// all of them (they are only a cache).
const VERIFIED_MAX: usize = 10_000;

#[derive(Clone, Copy)]
struct Verified {
    user_id: i64,
    epoch: i64,
    at: Instant,
}

/// The REST API's authentication state: remembered Basic checks, the argon2 permits, and
/// new tokens waiting to be shown.
pub struct ApiAuth {
    key: [u8; 32],
    verified: Mutex<HashMap<[u8; 32], Verified>>,
    argon2_permits: Semaphore,
    pub reveals: tokens::Reveals,
}

impl Default for ApiAuth {
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
            reveals: tokens::Reveals::default(),
        }
    }
}

impl ApiAuth {
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

    fn remember(&self, key: [u8; 32], user_id: i64, epoch: i64) {
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

/// The user behind a Bearer token; 403 for an unknown or revoked one.
pub async fn bearer(state: &AppState, token: &str) -> Result<CurrentUser, AppError> {
    tokens::authenticate(state, token).await?.ok_or_else(|| {
        AppError::Forbidden("This access token is not valid (revoked, or never issued).".into())
    })
}

/// The user behind Basic credentials; 403 if they are wrong, 429 when throttled.
pub async fn basic(
    state: &AppState,
    client_ip: Option<IpAddr>,
    username: &str,
    password: &str,
) -> Result<CurrentUser, AppError> {
    let auth = &state.api_auth;
    let key = auth.cache_key(&username.trim().to_lowercase(), password);
    if let Some(v) = auth.remembered(&key) {
        match db::users::find_session_user(&state.pool, v.user_id).await? {
            Some(user) if user.session_epoch == v.epoch => return Ok(user.into()),
            // Deleted, or the password changed since: check afresh (and fail).
            _ => auth.forget(&key),
        }
    }
    let checked = {
        let _permit = auth.argon2_permits.acquire().await.map_err(|_| AppError::Internal)?;
        accounts::check_credentials(state, client_ip, username, password).await
    };
    let credentials = match checked {
        Ok(c) => c,
        Err(e @ (AppError::TooManyRequests { .. } | AppError::Internal)) => return Err(e),
        Err(_) => return Err(AppError::InvalidCredentials),
    };
    let user = db::users::find_session_user(&state.pool, credentials.id)
        .await?
        .ok_or(AppError::InvalidCredentials)?;
    auth.remember(key, user.id, user.session_epoch);
    Ok(user.into())
}
