//! `CommentText`: 1 to 1,000 characters.

use super::InvalidInput;
use serde::{Deserialize, Serialize};

pub const MAX_LEN: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentText(String);
checked_text!(CommentText);

impl CommentText {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let text = raw.trim().replace("\r\n", "\n");
        if text.is_empty() {
            return Err(InvalidInput::new("Write something first."));
        }
        super::within(&text, MAX_LEN, &['\n'], "A comment")?;
        Ok(Self(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bounds() {
        assert!(CommentText::parse("  ").is_err());
        assert_eq!(CommentText::parse(" nice ").unwrap().as_str(), "nice");
        assert!(CommentText::parse(&"é".repeat(1000)).is_ok());
        assert!(CommentText::parse(&"é".repeat(1001)).is_err());
        assert_eq!(CommentText::parse("a\r\nb").unwrap().as_str(), "a\nb");
        for bad in ["a\u{0}b", "\u{1b}[31mred", "a\u{7}", "a\u{202E}b", "a\tb"] {
            assert!(CommentText::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn accepted_text_is_trimmed_and_bounded(raw in "\\PC{0,1100}") {
            if let Ok(t) = CommentText::parse(&raw) {
                prop_assert!(!t.as_str().is_empty() && t.as_str().chars().count() <= MAX_LEN);
                prop_assert_eq!(crate::domain::forbidden_char(t.as_str(), &['\n']), None);
            }
        }
    }
}
