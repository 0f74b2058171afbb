//! `Email`: a plausible address (one `@`, a dotted domain, no spaces), at most 254 bytes.
//! Deliverability is not checked: Shutter sends no mail yet.

use super::InvalidInput;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);
checked_text!(Email);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let email = raw.trim();
        if email.is_empty() {
            return Err(InvalidInput::new("Enter an email address."));
        }
        let invalid = || InvalidInput::new("Enter a valid email address, like name@example.com.");
        if email.len() > 254
            || email.chars().any(char::is_whitespace)
            || super::forbidden_char(email, &[]).is_some()
        {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok =
            !domain.contains('@') && domain.contains('.') && domain.split('.').all(|label| !label.is_empty());
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in ["ada@example.com", " grace.hopper+photos@navy.mil.us "] {
            assert!(Email::parse(ok).is_ok(), "{ok:?} was refused");
        }
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a@b@c.com",
            "ada @x.com",
            "ada@x..com",
            "ada@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    proptest! {
        #[test]
        fn never_panics(raw in "\\PC{0,300}") {
            let _ = Email::parse(&raw);
        }
    }
}
