//! `AltText`: the description of a photo for people who cannot see it, up to 500 characters.

use super::InvalidInput;
use serde::{Deserialize, Serialize};

pub const MAX_LEN: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AltText(String);
checked_text!(AltText);

impl AltText {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let alt = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        super::within(&alt, MAX_LEN, &[], "Alt text")?;
        Ok(Self(alt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace_and_bounds_length() {
        assert_eq!(AltText::parse("  a\n dog \t running ").unwrap().as_str(), "a dog running");
        assert!(AltText::parse(&"x".repeat(500)).is_ok());
        assert!(AltText::parse(&"x".repeat(501)).is_err());
    }

    #[test]
    fn refuses_control_characters() {
        for bad in ["a\u{0}dog", "\u{1b}[2J", "ding\u{7}", "a\u{202E}god"] {
            assert!(AltText::parse(bad).is_err(), "{bad:?}");
        }
    }
}
