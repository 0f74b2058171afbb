//! Everything that only runs on the server: state, sessions, authentication, the
//! services that hold the rules, and the only place SQL lives (`db`).

pub mod accounts;
pub mod auth;
pub mod db;
pub mod demo;
pub mod media;
pub mod notifications;
pub mod password;
pub mod posts;
pub mod search;
pub mod social;
pub mod state;
pub mod throttle;
pub mod tokens;
