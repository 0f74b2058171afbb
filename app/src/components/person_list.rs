//! A list of people with their follow buttons.

use crate::{
    components::{avatar::Avatar, follow_button::FollowButton},
    dto::Person,
};
use leptos::prelude::*;

#[component]
pub fn PersonList(people: Vec<Person>, #[prop(into)] empty: String) -> impl IntoView {
    if people.is_empty() {
        return view! { <p class="muted empty">{empty}</p> }.into_any();
    }
    let rows = people
        .into_iter()
        .map(|p| {
            let href = format!("/users/{}/", p.username);
            view! {
                <li class="person">
                    <a class="author" href=href>
                        <Avatar url=p.avatar_url name=p.full_name.clone() />
                        <span>
                            <span class="author-name">{p.username.clone()}</span>
                            <span class="muted person-name">{p.full_name}</span>
                        </span>
                    </a>
                    {p.i_follow.map(|following| view! { <FollowButton username=p.username following /> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="people">{rows}</ul> }.into_any()
}
