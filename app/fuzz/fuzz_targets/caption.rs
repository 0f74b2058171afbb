//! The caption parser: `segments` never panics and is lossless (joining the segments
//! gives the text back), tags and mentions are what their segments say, and a parsed
//! caption keeps its limits.
#![no_main]

use app::domain::{
    Caption,
    caption::{self, Segment},
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let segments = caption::segments(text);
    assert_eq!(caption::join(&segments), text, "segments are lossless");
    for pair in segments.windows(2) {
        assert!(!matches!(pair, [Segment::Text(_), Segment::Text(_)]), "adjacent text segments are merged");
    }
    for segment in &segments {
        match segment {
            Segment::Text(t) => assert!(!t.is_empty()),
            Segment::Tag(t) => assert!(!t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_')),
            Segment::Mention(m) => assert!(!m.is_empty() && !m.ends_with('.')),
        }
    }
    for name in caption::mentions(text) {
        assert_eq!(name, name.to_ascii_lowercase());
    }
    if let Ok(parsed) = Caption::parse(text) {
        assert!(parsed.as_str().chars().count() <= caption::MAX_LEN);
        assert!(!parsed.as_str().chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        assert_eq!(Caption::parse(parsed.as_str()).as_ref(), Ok(&parsed), "parsing is idempotent");
        for tag in parsed.tags() {
            assert_eq!(tag, caption::tag_key(&tag), "tags are stored normalised");
        }
    }
});
