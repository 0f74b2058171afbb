//! `Bio`: optional profile text, at most 150 characters (line breaks allowed).

use super::InvalidInput;
use serde::{Deserialize, Serialize};

pub const MAX_LEN: usize = 150;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Bio(String);
checked_text!(Bio);

impl Bio {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        // Browsers submit textarea line breaks as CRLF; count them as one character.
        let bio = raw.trim().replace("\r\n", "\n");
        super::within(&bio, MAX_LEN, &['\n'], "A bio")?;
        Ok(Self(bio))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_fine_and_limit_is_150() {
        assert_eq!(Bio::parse("").unwrap().as_str(), "");
        assert!(Bio::parse(&"x".repeat(150)).is_ok());
        assert!(Bio::parse(&"x".repeat(151)).is_err());
        assert_eq!(Bio::parse("a\r\nb").unwrap().as_str(), "a\nb");
        assert!(Bio::parse("a\u{7}b").is_err());
        assert!(Bio::parse("a\rb").is_err(), "a lone carriage return");
        assert!(Bio::parse("a\u{202E}b").is_err());
    }
}
