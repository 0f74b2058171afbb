//! Password hashing with argon2id (OWASP parameters), always off the async runtime.

use crate::{domain::Password, error::AppError};
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordVerifier, Version,
    password_hash::{PasswordHasher as _, SaltString, rand_core::OsRng},
};
use std::sync::Arc;

/// OWASP's recommended argon2id minimum: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies passwords. Holds a hash of a random password so that checking an
/// unknown user costs the same as checking a real one.
#[derive(Clone)]
pub struct PasswordHasher {
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    pub fn new() -> Self {
        let random = SaltString::generate(&mut OsRng);
        let dummy_hash = argon2()
            .hash_password(random.as_str().as_bytes(), &SaltString::generate(&mut OsRng))
            .expect("hashing a fixed-size random string cannot fail")
            .to_string();
        Self { dummy_hash: dummy_hash.into() }
    }

    pub async fn hash(&self, password: Password) -> Result<String, AppError> {
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2().hash_password(password.expose().as_bytes(), &salt).map(|h| h.to_string())
        })
        .await
        .map_err(|e| AppError::internal("password hashing task failed", e))?
        .map_err(|e| AppError::internal("password hashing failed", e))
    }

    /// True when `candidate` matches `stored`. With `stored = None` (no such user) it
    /// verifies against the dummy hash and returns false, taking the same time.
    pub async fn verify(&self, candidate: String, stored: Option<String>) -> Result<bool, AppError> {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.dummy_hash.to_string());
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored)
                .map(|parsed| argon2().verify_password(candidate.as_bytes(), &parsed).is_ok())
                .unwrap_or(false)
        })
        .await
        .map_err(|e| AppError::internal("password verification task failed", e))?;
        Ok(exists && matches)
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_match() {
        let hasher = PasswordHasher::new();
        let hash = hasher.hash(Password::parse("correct horse").unwrap()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify("correct horse".into(), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("wrong horse!".into(), Some(hash)).await.unwrap());
        assert!(!hasher.verify("correct horse".into(), None).await.unwrap());
    }
}
