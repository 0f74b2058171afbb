//! Parse-don't-validate types for everything a person types in. Pure code, compiled into
//! both the server and the WebAssembly, so the browser shows the server's own messages.

pub mod alt_text;
pub mod bio;
pub mod caption;
pub mod comment_text;
pub mod email;
pub mod full_name;
pub mod next_path;
pub mod password;
pub mod username;

pub use alt_text::AltText;
pub use bio::Bio;
pub use caption::Caption;
pub use comment_text::CommentText;
pub use email::Email;
pub use full_name::FullName;
pub use next_path::NextPath;
pub use password::Password;
pub use username::Username;

/// Photos in one post, at most.
pub const MAX_PHOTOS: usize = 10;

/// Why a piece of input was refused, in words meant for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

impl InvalidInput {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
