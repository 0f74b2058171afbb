//! `FullName`: the name shown beside the username, 1–60 characters, no control characters.

use super::InvalidInput;
use serde::{Deserialize, Serialize};

pub const MAX_LEN: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullName(String);
checked_text!(FullName);

impl FullName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(InvalidInput::new("Enter your name."));
        }
        super::within(name, MAX_LEN, &[], "A name")?;
        Ok(Self(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(FullName::parse("  Ada Lovelace ").unwrap().as_str(), "Ada Lovelace");
        assert!(FullName::parse(" ").is_err());
        assert!(FullName::parse("a\u{0}b").is_err());
        assert!(FullName::parse("Ada\nLovelace").is_err());
        assert!(FullName::parse("Ada \u{202E}ecalevol").is_err());
        assert!(FullName::parse(&"名".repeat(60)).is_ok());
        assert!(FullName::parse(&"名".repeat(61)).is_err());
    }

    proptest! {
        #[test]
        fn output_is_trimmed_and_bounded(raw in "\\PC{0,80}") {
            if let Ok(name) = FullName::parse(&raw) {
                prop_assert_eq!(name.as_str(), name.as_str().trim());
                prop_assert!(name.as_str().chars().count() <= MAX_LEN);
                prop_assert_eq!(crate::domain::forbidden_char(name.as_str(), &[]), None);
            }
        }
    }
}
