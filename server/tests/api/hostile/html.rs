//! Finds markup that user text smuggled into a page. A small tokenizer that reads HTML
//! the way a browser splits it into elements: quoted attribute values are values, and the
//! text of `<title>`, `<textarea>`, `<script>` and `<style>` runs to its closing tag, so
//! escaped or merely quoted text is harmless while a `</title><meta …>` that broke out
//! becomes an element of its own, which is what the check looks for.

/// An element as the browser would see it: its name and its attribute names.
#[derive(Debug)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<String>,
}

/// Elements whose text runs to their closing tag (RCDATA and raw text).
const TEXT_ONLY: &[&str] = &["title", "textarea", "script", "style"];

pub fn elements(html: &str) -> Vec<Element> {
    let bytes = html.as_bytes();
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = html[start..].find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        if !bytes.get(start + 1).is_some_and(u8::is_ascii_alphabetic) {
            // An end tag, a doctype, or a lone `<` in text.
            i = start + 1;
            continue;
        }
        let (element, end) = read_tag(html, start + 1);
        i = end;
        if TEXT_ONLY.contains(&element.name.as_str()) {
            let closing = format!("</{}", element.name);
            i = lower[end..].find(&closing).map_or(html.len(), |e| end + e);
        }
        found.push(element);
    }
    found
}

/// Reads `name attr=value …>` from `at`; returns the element and where the tag ends.
fn read_tag(html: &str, at: usize) -> (Element, usize) {
    let bytes = html.as_bytes();
    let mut i = at;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name = html[at..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        attributes.push(html[name_start..i].to_ascii_lowercase());
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != quote {
                        i += 1;
                    }
                    i += 1;
                }
                _ => {
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                }
            }
        }
    }
    (Element { name, attributes }, i.min(html.len()))
}

/// Elements or attributes that only hostile text could have made: an `<x>` element, a
/// `y` attribute, an event handler, a `<meta http-equiv>`.
pub fn injected(html: &str) -> Vec<String> {
    elements(html)
        .into_iter()
        .filter(|e| {
            e.name == "x"
                || e.attributes.iter().any(|a| a == "y" || a.starts_with("on"))
                || (e.name == "meta" && e.attributes.iter().any(|a| a == "http-equiv"))
        })
        .map(|e| format!("<{} {}>", e.name, e.attributes.join(" ")))
        .collect()
}

#[test]
fn the_tokenizer_sees_what_broke_out_and_nothing_else() {
    let safe = r#"<html><head><title>&lt;/title&gt;&lt;x y=1&gt; · Shutter</title>
        <meta name="description" content="&quot;><x y=1>"><title></textarea><x y=1></title>
        <script nonce="n">window.x = "<\/script><x y=1>";</script></head>
        <body><textarea name="bio"><x y=1></textarea><p>a < b</p><!-- <x y=1> --></body></html>"#;
    assert_eq!(injected(safe), Vec::<String>::new());
    for unsafe_html in [
        "<title></title><meta http-equiv=refresh content=0;url=//e.example></title>",
        "<textarea></textarea><x y=1></textarea>",
        r#"<meta content=""><x y=1>">"#,
        r#"<input value="" onfocus=alert(1) autofocus x="">"#,
        r#"<script>var a = "</script><x y=1><!--";</script>"#,
        "<p><img src=x onerror=alert(1)></p>",
    ] {
        assert!(!injected(unsafe_html).is_empty(), "{unsafe_html}");
    }
}
