//! Everything that only runs on the server: state, sessions, authentication, the
//! services (one module per area of the product), who may do what (`policy`), pages of
//! lists (`page`), media, and the only place SQL lives (`db`).

pub mod accounts;
pub mod auth;
pub mod db;
pub mod demo;
pub mod media;
pub mod notifications;
pub mod page;
pub mod password;
pub mod policy;
pub mod posts;
pub mod profiles;
pub mod search;
pub mod social;
pub mod state;
pub mod throttle;
pub mod tokens;
