//! `Username`: 1–30 characters of `a-z 0-9 . _`, case-insensitive, not a reserved word.

use super::InvalidInput;
use serde::{Deserialize, Serialize};

pub const MAX_LEN: usize = 30;

/// Words that are, or may become, top-level paths of the site.
const RESERVED: &[&str] = &[
    "accounts",
    "admin",
    "api",
    "explore",
    "healthz",
    "login",
    "logout",
    "me",
    "new",
    "notifications",
    "pkg",
    "posts",
    "root",
    "search",
    "settings",
    "shutter",
    "static",
    "tags",
    "uploads",
    "users",
];

/// A valid username, always stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username(String);
checked_text!(Username);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let name = raw.trim().to_lowercase();
        if name.is_empty() {
            return Err(InvalidInput::new("Enter a username."));
        }
        if name.chars().count() > MAX_LEN {
            return Err(InvalidInput::new(format!("A username has at most {MAX_LEN} characters.")));
        }
        if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_') {
            return Err(InvalidInput::new("A username may only use letters a–z, digits, '.' and '_'."));
        }
        if RESERVED.contains(&name.as_str()) {
            return Err(InvalidInput::new("This username is reserved."));
        }
        Ok(Self(name))
    }
}

impl AsRef<str> for Username {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_lowercases() {
        assert_eq!(Username::parse(" Ada.Lovelace_1 ").unwrap().as_str(), "ada.lovelace_1");
    }

    #[test]
    fn refuses_empty_long_bad_chars_and_reserved() {
        for bad in ["", "   ", "a b", "ada!", "émile", "ada-l", "API", "accounts", &"a".repeat(31)] {
            assert!(Username::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(Username::parse(&"a".repeat(30)).is_ok());
    }

    proptest! {
        #[test]
        fn every_valid_name_parses_to_itself(name in "[a-z0-9._]{1,30}") {
            prop_assume!(!RESERVED.contains(&name.as_str()));
            let parsed = Username::parse(&name).unwrap();
            prop_assert_eq!(parsed.as_str(), name.as_str());
        }

        #[test]
        fn never_panics_and_output_is_always_valid(raw in "\\PC{0,40}") {
            if let Ok(name) = Username::parse(&raw) {
                let n = name.as_str();
                prop_assert!(!n.is_empty() && n.chars().count() <= MAX_LEN);
                prop_assert!(n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'));
            }
        }
    }
}
