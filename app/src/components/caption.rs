//! Caption text with `#tags` and `@mentions` as links (escaped like all text; no HTML).

use crate::domain::caption::{Segment, segments, tag_key};
use leptos::prelude::*;

#[component]
pub fn CaptionText(text: String) -> impl IntoView {
    segments(&text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(t) => t.into_any(),
            Segment::Tag(tag) => {
                let href = format!("/tags/{}/", leptos_router::location::Url::escape(&tag_key(&tag)));
                view! { <a class="tag" href=href>{format!("#{tag}")}</a> }.into_any()
            }
            Segment::Mention(name) => {
                let href = format!("/users/{}/", name.to_lowercase());
                view! { <a class="mention" href=href>{format!("@{name}")}</a> }.into_any()
            }
        })
        .collect_view()
}
