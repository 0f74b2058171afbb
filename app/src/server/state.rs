//! `AppState`: what every request handler, server function and render can reach. It
//! holds only leaf types: nothing here imports a service, so no service import leads back.

use super::{
    auth::basic_credentials::BasicChecks, db::Db, media::MediaStore, password::PasswordHasher,
    throttle::SignInThrottle,
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The database: SQLite or PostgreSQL (`db::engine`).
    pub db: Db,
    pub passwords: PasswordHasher,
    pub sign_in_throttle: Arc<SignInThrottle>,
    pub media: Arc<dyn MediaStore>,
    /// `https://host` when configured (`--public-url`), for absolute links.
    pub public_origin: Option<String>,
    /// One media-processing job per core at a time.
    pub media_permits: Arc<tokio::sync::Semaphore>,
    /// Remembered Basic checks of the REST API.
    pub basic_checks: Arc<BasicChecks>,
}
