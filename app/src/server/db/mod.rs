//! The only place SQL lives. Functions take a pool (or a transaction) and plain values;
//! the rules about who may do what live in the services that call them.

pub mod comments;
pub mod feed;
pub mod follows;
pub mod likes;
pub mod notifications;
pub mod posts;
pub mod search;
pub mod tokens;
pub mod users;
