//! `Caption`: up to 2,200 characters; `#tags` and `@mentions` inside it become links.
//! `segments()` splits the text losslessly: joining the segments gives the text back.

use super::InvalidInput;
use serde::{Deserialize, Serialize};

pub const MAX_LEN: usize = 2200;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Caption(String);
checked_text!(Caption);

/// A piece of a caption or comment, for rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    Text(String),
    /// `#Tag` as written; the link uses `tag_key` of it.
    Tag(String),
    /// `@username` as written (without the `@`).
    Mention(String),
}

impl Caption {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let caption = raw.trim().replace("\r\n", "\n");
        super::within(&caption, MAX_LEN, &['\n', '\t'], "A caption")?;
        Ok(Self(caption))
    }

    /// The distinct tags of the caption, normalised (lower case), in order of appearance.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for segment in segments(&self.0) {
            if let Segment::Tag(tag) = segment {
                let key = tag_key(&tag);
                if !tags.contains(&key) {
                    tags.push(key);
                }
            }
        }
        tags
    }
}

/// The normalised form of a tag, as stored and used in `/tags/<tag>/`.
pub fn tag_key(tag: &str) -> String {
    tag.to_lowercase()
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_username_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'
}

/// Splits `text` into plain text, `#tags` and `@mentions`. A marker counts only at the
/// start of a word (so `a#b` and `me@example.com` stay text) and only when followed by at
/// least one valid character; a mention's trailing dots are punctuation, not part of it.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at_word_start = i == 0 || !(is_tag_char(chars[i - 1]) || chars[i - 1] == '.');
        if (c == '#' || c == '@') && at_word_start {
            let valid: fn(char) -> bool =
                if c == '#' { is_tag_char } else { |ch| is_username_char(ch.to_ascii_lowercase()) };
            let max_len = if c == '#' { 100 } else { super::username::MAX_LEN };
            let mut end = i + 1;
            while end < chars.len() && valid(chars[end]) {
                end += 1;
            }
            if c == '@' {
                while end > i + 1 && chars[end - 1] == '.' {
                    end -= 1;
                }
            }
            // Longer than any tag or username can be: leave it as text.
            let too_long = end - (i + 1) > max_len;
            let name: String = chars[i + 1..end].iter().collect();
            if !name.is_empty() && !too_long {
                if !plain.is_empty() {
                    out.push(Segment::Text(std::mem::take(&mut plain)));
                }
                out.push(if c == '#' { Segment::Tag(name) } else { Segment::Mention(name) });
                i = end;
                continue;
            }
        }
        plain.push(c);
        i += 1;
    }
    if !plain.is_empty() {
        out.push(Segment::Text(plain));
    }
    out
}

/// The distinct usernames `@mentioned` in `text` (a caption or a comment), lower case, in
/// order of appearance.
pub fn mentions(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for segment in segments(text) {
        if let Segment::Mention(name) = segment {
            let name = name.to_ascii_lowercase();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Joins segments back into text (the inverse of `segments`).
pub fn join(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Text(t) => t.clone(),
            Segment::Tag(t) => format!("#{t}"),
            Segment::Mention(m) => format!("@{m}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::*;
    use proptest::prelude::*;

    fn t(s: &str) -> Segment {
        Text(s.into())
    }

    #[test]
    fn finds_tags_and_mentions() {
        assert_eq!(
            segments("Sunset with @ada at #Beach!"),
            vec![t("Sunset with "), Mention("ada".into()), t(" at "), Tag("Beach".into()), t("!")]
        );
    }

    #[test]
    fn markers_alone_or_inside_words_are_text() {
        assert_eq!(segments("# alone"), vec![t("# alone")]);
        assert_eq!(segments("@"), vec![t("@")]);
        assert_eq!(segments("mail me@example.com"), vec![t("mail me@example.com")]);
        assert_eq!(segments("C#sharp"), vec![t("C#sharp")]);
        assert_eq!(segments("##"), vec![t("##")]);
    }

    #[test]
    fn punctuation_ends_tags_and_mentions() {
        assert_eq!(segments("#a,#b."), vec![Tag("a".into()), t(","), Tag("b".into()), t(".")]);
        assert_eq!(segments("hi @grace.hopper."), vec![t("hi "), Mention("grace.hopper".into()), t(".")]);
        assert_eq!(segments("(#x)"), vec![t("("), Tag("x".into()), t(")")]);
    }

    #[test]
    fn overlong_names_stay_text() {
        let long = format!("@{}", "a".repeat(31));
        assert_eq!(segments(&long), vec![t(&long)]);
        assert_eq!(segments(&format!("@{}.", "a".repeat(30))), vec![Mention("a".repeat(30)), t(".")]);
    }

    #[test]
    fn unicode_tags_are_kept_and_normalised() {
        assert_eq!(segments("#Café #東京"), vec![Tag("Café".into()), t(" "), Tag("東京".into())]);
        let caption = Caption::parse("#Café #café #東京").unwrap();
        assert_eq!(caption.tags(), vec!["café".to_string(), "東京".to_string()]);
    }

    #[test]
    fn mentions_are_distinct_lower_case_and_skip_emails() {
        assert_eq!(mentions("@Ann and @bob. @ann again, me@example.com"), vec!["ann", "bob"]);
        assert!(mentions("no one here #tag").is_empty());
    }

    #[test]
    fn caption_length_limit() {
        assert!(Caption::parse("").is_ok());
        assert!(Caption::parse(&"x".repeat(2200)).is_ok());
        assert!(Caption::parse(&"x".repeat(2201)).is_err());
    }

    #[test]
    fn captions_keep_line_breaks_and_tabs_but_no_other_controls() {
        assert_eq!(Caption::parse("a\r\nb\tc").unwrap().as_str(), "a\nb\tc");
        for bad in ["a\u{0}b", "\u{1b}[31m", "a\u{7}", "a\rb", "a\u{9b}b", "#tag\u{202E}"] {
            assert!(Caption::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_round_trips(text in "\\PC{0,200}") {
            prop_assert_eq!(join(&segments(&text)), text);
        }

        #[test]
        fn round_trips_marker_heavy_text(text in "[#@a-zA-Z0-9._ ,!é東]{0,80}") {
            prop_assert_eq!(join(&segments(&text)), text);
        }
    }
}
