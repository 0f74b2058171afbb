//! Text people typed reaches the HTML only escaped, also where Leptos writes raw text:
//! the `<title>` (leptos_meta), meta tags, and the children of `<textarea>`.

use crate::helpers::spawn_app;
use reqwest::StatusCode;

/// Ends the `<title>` and sends every visitor elsewhere, if written unescaped.
const TITLE_BREAKER: &str = "</title><meta http-equiv=refresh content=0;url=//e.example>";
/// Ends a `<textarea>` and becomes markup, if written unescaped.
const TEXTAREA_BREAKER: &str = "</textarea><x y=1>";

fn title_of(html: &str) -> &str {
    let start = html.find("<title>").expect("a <title>") + "<title>".len();
    let end = html[start..].find("</title>").expect("a </title>") + start;
    &html[start..end]
}

fn textarea_of<'a>(html: &'a str, name: &str) -> &'a str {
    let open = html.find(&format!(r#"name="{name}""#)).expect("the textarea");
    let start = html[open..].find('>').expect("end of the start tag") + open + 1;
    let end = html[start..].find("</textarea>").expect("a </textarea>") + start;
    &html[start..end]
}

fn assert_no_injected_markup(html: &str) {
    assert!(!html.contains("<meta http-equiv"), "a meta refresh was injected");
    assert!(!html.contains("<x y=1>"), "an element was injected");
    assert_eq!(html.matches("</title>").count(), 1, "the title was closed early");
}

#[tokio::test]
async fn a_hostile_full_name_and_caption_are_escaped_in_titles_and_meta_tags() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let res = app
        .call(
            &ada,
            "/api/fn/update_profile",
            &[("full_name", TITLE_BREAKER), ("email", "ada@example.com"), ("bio", "bio")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let caption = format!("\" onmouseover=\"alert(1) {TITLE_BREAKER} {TEXTAREA_BREAKER}");
    let id = app.post_photos(&ada, &["photo.webp"], &caption).await;

    let visitor = app.client();
    for path in ["/users/ada/".to_owned(), format!("/posts/{id}/")] {
        let html = visitor.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
        assert_no_injected_markup(&html);
        let title = title_of(&html);
        assert!(title.contains("&lt;/title&gt;&lt;meta http-equiv=refresh"), "{path}: title {title}");
        // Meta tags carry the text as attribute values: a quote cannot end one.
        for tag in html.split("<meta ").skip(1).map(|rest| rest.split('<').next().unwrap_or_default()) {
            assert!(!tag.contains("onmouseover=\""), "{path}: an attribute was injected: <meta {tag}");
        }
        assert!(html.contains(r#"<meta property="og:title""#), "{path}: no og:title");
    }
}

#[tokio::test]
async fn hostile_text_is_escaped_in_the_bio_and_caption_editors() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let bio = format!("{TEXTAREA_BREAKER} & {TITLE_BREAKER}");
    let res = app
        .call(
            &ada,
            "/api/fn/update_profile",
            &[("full_name", "Ada"), ("email", "ada@example.com"), ("bio", &bio)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = ada.get(app.url("/accounts/edit/")).send().await.unwrap().text().await.unwrap();
    assert_no_injected_markup(&html);
    assert_eq!(
        textarea_of(&html, "bio"),
        "&lt;/textarea&gt;&lt;x y=1&gt; &amp; &lt;/title&gt;&lt;meta http-equiv=refresh content=0;url=//e.example&gt;"
    );

    let id = app.post_photos(&ada, &["photo.webp"], TEXTAREA_BREAKER).await;
    let html = ada.get(app.url(&format!("/posts/{id}/"))).send().await.unwrap().text().await.unwrap();
    assert_no_injected_markup(&html);
    assert_eq!(textarea_of(&html, "caption"), "&lt;/textarea&gt;&lt;x y=1&gt;");
}
