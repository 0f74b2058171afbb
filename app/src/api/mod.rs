//! Server functions only, one module per area. Each is thin: parse the raw input into
//! domain types, find the user, call a service, answer with a dto.

pub mod accounts;
pub mod notifications;
pub mod posts;
pub mod search;
pub mod social;
pub mod tokens;
