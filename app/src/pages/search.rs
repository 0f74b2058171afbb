//! `/search/?q=…`: people (username or full-name prefix) and tags. This is where the nav's
//! search box goes without JavaScript, or when Enter is pressed on no suggestion.

use crate::{
    api::search::search,
    components::{avatar::Avatar, page_error::or_page_error, require_user::RequireUser},
    dto::SearchResults,
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = Signal::derive(move || query.read().get("q").unwrap_or_default());
    // Made outside RequireUser's Suspense, so the server fetches it once.
    let results = Resource::new(
        move || q.get(),
        |q| async move { if q.trim().is_empty() { Ok(Default::default()) } else { search(q, true).await } },
    );
    view! {
        <Title text="Search" />
        <RequireUser>
            <SearchView q results />
        </RequireUser>
    }
}

#[component]
fn SearchView(q: Signal<String>, results: Resource<Result<SearchResults, AppError>>) -> impl IntoView {
    view! {
        <section class="card wide">
            <h1>"Search"</h1>
            <form class="search-page-form" action="/search/" method="get" role="search">
                <input type="search" name="q" value=q aria-label="Search people and tags" placeholder="Name, username or #tag" />
                <button type="submit" class="button">"Search"</button>
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Searching…"</p> }>
                {move || Suspend::new(async move {
                    let asked = q.get();
                    or_page_error(results.await, move |found| {
                            let nothing = !asked.trim().is_empty() && found.people.is_empty() && found.tags.is_empty();
                            let people = (!found.people.is_empty()).then(|| view! {
                                <h2>"People"</h2>
                                <ul class="people">
                                    {found.people.into_iter().map(|p| { let href = format!("/users/{}/", p.username); view! {
                                        <li class="person">
                                            <a href=href class="author">
                                                <Avatar url=p.avatar_url name=p.full_name.clone() />
                                                <span>
                                                    <span class="author-name">{p.username}</span>
                                                    <span class="muted person-name">{p.full_name}</span>
                                                </span>
                                            </a>
                                        </li>
                                    }}).collect_view()}
                                </ul>
                            });
                            let tags = (!found.tags.is_empty()).then(|| view! {
                                <h2>"Tags"</h2>
                                <ul class="tag-results">
                                    {found.tags.into_iter().map(|t| view! {
                                        <li>
                                            <a href=format!("/tags/{}/", t.tag)>{format!("#{}", t.tag)}</a>
                                            " "
                                            <span class="muted">{if t.posts == 1 { "1 post".to_owned() } else { format!("{} posts", t.posts) }}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            });
                            view! {
                                {people}
                                {tags}
                                {nothing.then(|| view! { <p class="muted">{format!("Nothing matches \u{201c}{}\u{201d}.", asked.trim())}</p> })}
                            }
                    })
                })}
            </Suspense>
        </section>
    }
}
