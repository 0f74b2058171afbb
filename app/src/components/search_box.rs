//! The search box in the nav. Without JavaScript it is a GET form to `/search/?q=…`;
//! hydrated, suggestions (people, then tags) appear as one types, and the arrow keys,
//! Enter and Escape work the list (the ARIA combobox pattern).

use crate::{
    api::search::search,
    components::avatar::Avatar,
    dto::{SearchResults, TagCount},
};
use leptos::{ev, prelude::*};
use leptos_router::hooks::{use_location, use_navigate};
use std::time::Duration;

/// Wait this long after the last keystroke before asking the server.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// One suggestion: where it leads, for keyboard navigation.
fn targets(results: &SearchResults) -> Vec<String> {
    results
        .people
        .iter()
        .map(|p| format!("/users/{}/", &p.username))
        .chain(results.tags.iter().map(|t| format!("/tags/{}/", t.tag)))
        .collect()
}

#[component]
pub fn SearchBox() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    // Filled in the browser only, so server rendering never waits on it.
    let results = RwSignal::new(SearchResults::default());
    let shown = move || results.get();

    // A new page closes the list and empties the box.
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            text.set(String::new());
            results.set(SearchResults::default());
            open.set(false);
        }
        path
    });

    let on_input = move |ev: ev::Event| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        active.set(None);
        open.set(!value.trim().is_empty());
        if value.trim().is_empty() {
            results.set(SearchResults::default());
            return;
        }
        set_timeout(
            move || {
                if text.get_untracked() != value {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let found = search(value.clone(), false).await;
                    // Answers to older keystrokes are dropped.
                    if text.get_untracked() == value {
                        results.set(found.unwrap_or_default());
                    }
                });
            },
            DEBOUNCE,
        );
    };
    let navigate = use_navigate();
    let on_keydown = move |ev: ev::KeyboardEvent| {
        let count = targets(&shown()).len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            "Enter" => {
                if let Some(target) = active.get_untracked().and_then(|i| targets(&shown()).get(i).cloned()) {
                    ev.prevent_default();
                    navigate(&target, Default::default());
                }
            }
            _ => {}
        }
    };

    view! {
        <form class="search" action="/search/" method="get" role="search">
            <input
                type="search"
                name="q"
                placeholder="Search"
                aria-label="Search people and tags"
                autocomplete="off"
                role="combobox"
                aria-autocomplete="list"
                aria-controls="search-suggestions"
                aria-expanded=move || (open.get() && !targets(&shown()).is_empty()).to_string()
                aria-activedescendant=move || active.get().map(|i| format!("suggestion-{i}"))
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:focus=move |_| open.set(!text.get_untracked().trim().is_empty())
                on:blur=move |_| open.set(false)
            />
            <ul
                id="search-suggestions"
                class="suggestions"
                role="listbox"
                aria-label="Suggestions"
                hidden=move || !open.get() || targets(&shown()).is_empty()
                // Keep the focus in the box while a suggestion is clicked, so blur does
                // not close the list before the click lands.
                on:mousedown=|ev| ev.prevent_default()
            >
                {move || {
                    let results = shown();
                    let people = results.people.len();
                    let person_items = results
                        .people
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| {
                            let href = format!("/users/{}/", p.username);
                            view! {
                                <li role="option" id=format!("suggestion-{i}") aria-selected=move || (active.get() == Some(i)).to_string()>
                                    <a href=href tabindex="-1">
                                        <Avatar url=p.avatar_url name=p.full_name.clone() />
                                        <span class="suggestion-text">
                                            <strong>{p.username}</strong>
                                            <span class="muted">{p.full_name}</span>
                                        </span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view();
                    let tag_items = results
                        .tags
                        .into_iter()
                        .enumerate()
                        .map(|(j, t)| view! { <TagSuggestion tag=t index=people + j active /> })
                        .collect_view();
                    (person_items, tag_items)
                }}
            </ul>
        </form>
    }
}

#[component]
fn TagSuggestion(tag: TagCount, index: usize, active: RwSignal<Option<usize>>) -> impl IntoView {
    let posts = if tag.posts == 1 { "1 post".to_owned() } else { format!("{} posts", tag.posts) };
    view! {
        <li role="option" id=format!("suggestion-{index}") aria-selected=move || (active.get() == Some(index)).to_string()>
            <a href=format!("/tags/{}/", tag.tag) tabindex="-1">
                <span class="tag-mark" aria-hidden="true">"#"</span>
                <span class="suggestion-text">
                    <strong>{format!("#{}", tag.tag)}</strong>
                    <span class="muted">{posts}</span>
                </span>
            </a>
        </li>
    }
}
