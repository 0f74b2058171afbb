//! `/users/<username>/followers/` and `/following/`: lists with follow buttons, by
//! username, fifty at a time (`?after=<username>`).

use crate::{
    api::social::get_people,
    components::{page_error::or_page_error, person_list::PersonList},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn FollowersPage() -> impl IntoView {
    view! { <PeoplePage followers=true /> }
}

#[component]
pub fn FollowingPage() -> impl IntoView {
    view! { <PeoplePage followers=false /> }
}

#[component]
fn PeoplePage(followers: bool) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let username = move || params.read().get("username").unwrap_or_default();
    let after = move || query.read().get("after");
    let list = if followers { "followers" } else { "following" };
    let page = Resource::new(
        move || (username(), after()),
        move |(username, after)| get_people(username, list.to_owned(), after),
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let username = username();
                or_page_error(page.await, move |page| {
                        let title = if followers {
                            format!("People following @{username}")
                        } else {
                            format!("People @{username} follows")
                        };
                        let empty = if followers { "No followers yet." } else { "Not following anyone yet." };
                        view! {
                            <Title text=title.clone() />
                            <section class="card wide">
                                <p><a href=format!("/users/{username}/")>{format!("← @{username}")}</a></p>
                                <h1>{title}</h1>
                                <PersonList people=page.people empty=empty />
                                {page.next_after.map(|after| view! {
                                    <p class="more">
                                        <a class="button secondary" href=format!("?after={after}")>"More"</a>
                                    </p>
                                })}
                            </section>
                        }
                })
            })}
        </Suspense>
    }
}
