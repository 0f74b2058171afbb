//! The ids of people and of what they make. Each is its own type from the forms and the
//! URLs down to the queries, so that a post's id cannot be passed where a person's is
//! expected (`update(tx, post, owner, …)` with the two swapped would not compile). On the
//! wire they are plain integers; in the database, SQLite's INTEGER or PostgreSQL's BIGINT
//! (both an i64, so the one transparent sqlx type reads and binds them on either engine).

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(i64);

        impl $name {
            /// Above every stored id: where the first page of a listing starts.
            pub const MAX: Self = Self(i64::MAX);
            /// Below every stored id (rowids start at 1): no one, or nothing.
            pub const NONE: Self = Self(0);

            /// An id as stored (SQLite's rowid): from the database, a test, or a paging bound.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// From a URL or a form: a positive whole number, else a message that says so.
        impl FromStr for $name {
            type Err = String;

            fn from_str(raw: &str) -> Result<Self, String> {
                raw.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Self)
                    .ok_or_else(|| format!("A {} id is a positive whole number.", $what))
            }
        }
    };
}

id!(
    /// A person (`users.id`).
    UserId,
    "person's"
);
id!(
    /// A post (`posts.id`).
    PostId,
    "post's"
);
id!(
    /// A comment (`comments.id`).
    CommentId,
    "comment's"
);
id!(
    /// A like (`likes.id`).
    LikeId,
    "like's"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_positive_whole_numbers_only() {
        assert_eq!("42".parse::<PostId>(), Ok(PostId::new(42)));
        assert_eq!("9223372036854775807".parse::<UserId>(), Ok(UserId::new(i64::MAX)));
        for bad in ["0", "-1", "", " 1", "1.0", "1e3", "9223372036854775808", "0x10", "٣"] {
            assert!(bad.parse::<CommentId>().is_err(), "{bad:?}");
        }
        assert_eq!("x".parse::<LikeId>(), Err("A like's id is a positive whole number.".into()));
    }

    #[test]
    fn ids_are_plain_numbers_on_the_wire() {
        assert_eq!(serde_json::to_string(&PostId::new(7)).ok().as_deref(), Some("7"));
        assert_eq!(serde_json::from_str::<UserId>("7").ok(), Some(UserId::new(7)));
        assert_eq!(PostId::new(7).to_string(), "7");
    }
}
