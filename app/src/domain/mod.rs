//! Parse-don't-validate types for everything a person types in. Pure code, compiled into
//! both the server and the WebAssembly, so the browser shows the server's own messages.

/// Each checked text type holds its one `String`, read back with `as_str`.
macro_rules! checked_text {
    ($name:ty) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

pub mod alt_text;
pub mod bio;
pub mod caption;
pub mod comment_text;
pub mod email;
pub mod full_name;
pub mod ids;
pub mod next_path;
pub mod password;
pub mod username;

pub use alt_text::AltText;
pub use bio::Bio;
pub use caption::Caption;
pub use comment_text::CommentText;
pub use email::Email;
pub use full_name::FullName;
pub use ids::{CommentId, LikeId, PostId, UserId};
pub use next_path::NextPath;
pub use password::Password;
pub use username::Username;

/// Photos in one post, at most.
pub const MAX_PHOTOS: usize = 10;

/// The first character of `text` that no text field stores, if any: C0 and C1 control
/// characters (NUL, ESC, BEL…; Unicode `Cc`) except the line break where `line_breaks`
/// (`\t` too in captions, which are pasted from elsewhere), and the bidirectional
/// embedding, override and isolate controls U+202A–U+202E and U+2066–U+2069, which make
/// the text that follows them read backwards (a name that turns "liked your photo" around).
/// Zero-width joiners and non-joiners and the LRM/RLM marks stay: emoji sequences and
/// right-to-left scripts need them, and they cannot reorder text.
pub(crate) fn forbidden_char(text: &str, allowed: &[char]) -> Option<char> {
    text.chars().find(|c| {
        (c.is_control() && !allowed.contains(c))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// The rule every free-text field shares: at most `max` characters as people count them,
/// and no `forbidden_char` but the `allowed` ones; `what` names the field ("A bio").
pub(crate) fn within(text: &str, max: usize, allowed: &[char], what: &str) -> Result<(), InvalidInput> {
    if text.chars().count() > max {
        return Err(InvalidInput::new(format!("{what} has at most {max} characters.")));
    }
    match forbidden_char(text, allowed) {
        None => Ok(()),
        Some(_) => Err(InvalidInput::new(format!(
            "{what} cannot contain control characters or text-direction overrides."
        ))),
    }
}

/// Why a piece of input was refused, in words meant for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

impl InvalidInput {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_direction_overrides_are_forbidden_but_joiners_are_not() {
        for bad in
            ["a\u{0}b", "\u{1b}[31m", "bell\u{7}", "\u{7f}", "\u{85}", "\u{9b}", "a\u{202E}b", "\u{2066}x"]
        {
            assert!(forbidden_char(bad, &['\n']).is_some(), "{bad:?}");
        }
        for good in ["line\nbreak", "👨\u{200D}👩\u{200D}👧", "ab\u{200C}c", "\u{200F}שלום", "東京 café"]
        {
            assert_eq!(forbidden_char(good, &['\n']), None, "{good:?}");
        }
        assert!(forbidden_char("a\nb", &[]).is_some(), "a line break where none is allowed");
    }
}
