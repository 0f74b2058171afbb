//! A round avatar: the person's picture, or the first letter of their name.

use leptos::prelude::*;

#[component]
pub fn Avatar(url: Option<String>, name: String, #[prop(default = 32)] size: u32) -> impl IntoView {
    let class = format!("avatar avatar-{size}");
    match url {
        Some(src) => {
            view! { <img class=class src=src alt="" width=size height=size loading="lazy" /> }.into_any()
        }
        None => {
            let initial = name.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
            view! { <span class=format!("{class} avatar-initial") aria-hidden="true">{initial}</span> }
                .into_any()
        }
    }
}
