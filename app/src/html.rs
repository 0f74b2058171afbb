//! Text that reaches HTML where Leptos does not escape it. In server rendering,
//! `leptos_meta` writes the `<title>` text into the head as it is, and `tachys` writes the
//! children of `<textarea>` as raw text (it treats it like `<script>`). Both are RCDATA
//! elements, where the browser decodes character references, so escaping `&`, `<` and `>`
//! keeps the text exactly as typed while `</title>` or `</textarea>` can no longer end the
//! element. In the browser both are set through the DOM (`document.title`, text nodes),
//! which must not be escaped, so these functions only escape under `ssr`.

/// The text of a `<title>` (through `leptos_meta::Title`'s formatter).
pub fn title_text(text: String) -> String {
    rcdata(text)
}

/// The initial text of a `<textarea>` given as its child.
pub fn textarea_text(text: String) -> String {
    rcdata(text)
}

/// Text for HTML written as a string on the server (text, or an attribute value in
/// double quotes).
#[cfg(feature = "ssr")]
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(text)
}

#[cfg(feature = "ssr")]
fn rcdata(text: String) -> String {
    match html_escape::encode_text(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

#[cfg(not(feature = "ssr"))]
fn rcdata(text: String) -> String {
    text
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn closing_tags_cannot_end_a_title_or_textarea() {
        let hostile = "</title><meta http-equiv=refresh content=0;url=//e.example>".to_owned();
        let title = title_text(hostile);
        assert!(!title.contains('<') && !title.contains('>'), "{title}");
        let area = textarea_text("</textarea><x y=1>&amp;".to_owned());
        assert_eq!(area, "&lt;/textarea&gt;&lt;x y=1&gt;&amp;amp;");
    }

    #[test]
    fn escape_covers_text_and_quoted_attributes() {
        assert_eq!(escape(r#"<a href="x">&</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(title_text("ada · Shutter".to_owned()), "ada · Shutter");
        assert_eq!(textarea_text("line one\nline \"two\"".to_owned()), "line one\nline \"two\"");
    }
}
