//! Every domain type: parsing never panics, a parsed value parses again to itself, and
//! what a type promises holds (no control characters in names, `next` stays on the site).
#![no_main]

use app::domain::{AltText, Bio, CommentText, Email, FullName, NextPath, Password, Username};
use libfuzzer_sys::fuzz_target;

macro_rules! idempotent {
    ($ty:ty, $text:expr, $show:ident) => {
        if let Ok(v) = <$ty>::parse($text) {
            let again = <$ty>::parse(v.$show()).expect(concat!(stringify!($ty), " parses its own output"));
            assert_eq!(again.$show(), v.$show());
            Some(v.$show().to_owned())
        } else {
            None
        }
    };
}

fuzz_target!(|text: &str| {
    if let Some(name) = idempotent!(Username, text, as_str) {
        assert!(name.len() <= 30 && !name.is_empty());
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_'));
    }
    if let Some(name) = idempotent!(FullName, text, as_str) {
        assert!(!name.chars().any(char::is_control));
    }
    if let Some(email) = idempotent!(Email, text, as_str) {
        assert!(!email.chars().any(char::is_control), "no header injection through an address");
    }
    idempotent!(Bio, text, as_str);
    if let Some(comment) = idempotent!(CommentText, text, as_str) {
        assert!(!comment.chars().any(|c| c.is_control() && c != '\n'));
    }
    if let Some(alt) = idempotent!(AltText, text, as_str) {
        assert!(!alt.chars().any(char::is_control), "alt text has no control characters");
    }
    let _ = Password::parse(text);
    let next = NextPath::parse_or_home(Some(text));
    let next = next.as_str();
    assert!(next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\"));
    assert!(!next.chars().any(char::is_control), "no header injection through next");
});
