//! `Password`: 8 to 256 characters. Never logged, never serialised back to a client.

use super::InvalidInput;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 256;

#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let len = raw.chars().count();
        if len < MIN_LEN {
            return Err(InvalidInput::new(format!("A password needs at least {MIN_LEN} characters.")));
        }
        if len > MAX_LEN {
            return Err(InvalidInput::new(format!("A password has at most {MAX_LEN} characters.")));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn length_bounds_count_characters() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"é".repeat(256)).is_ok());
        assert!(Password::parse(&"x".repeat(257)).is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let p = Password::parse("correct horse").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    proptest! {
        #[test]
        fn accepted_iff_length_in_bounds(raw in "\\PC{0,300}") {
            let len = raw.chars().count();
            prop_assert_eq!(Password::parse(&raw).is_ok(), (MIN_LEN..=MAX_LEN).contains(&len));
        }
    }
}
