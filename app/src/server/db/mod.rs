//! The only place SQL lives. Functions take the database (or a write transaction) and
//! plain values, and run on SQLite or PostgreSQL alike (`engine`).
//! A write to something someone owns enforces its permission in its `WHERE` clause
//! (`AND owner_id = ?`): `server::policy` names each rule, the query enforces it
//! atomically with the change, and the service turns a refused write into 403 or 404.

pub mod clock;
pub mod comments;
pub mod engine;
pub mod feed;
pub mod follows;
pub mod likes;
pub mod migrate_data;
pub mod notifications;
pub mod posts;
pub mod search;
pub mod sessions;
pub mod sign_in_attempts;
#[cfg(test)]
pub mod testing;
pub mod token_reveals;
pub mod tokens;
pub mod users;

pub use engine::{Db, Tx};
