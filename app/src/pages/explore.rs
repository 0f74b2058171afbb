//! `/explore/`: people to follow (not yet followed, most followed first) and the week's
//! most liked posts.

use crate::{
    api::social::get_explore,
    components::{page_error::or_page_error, person_list::PersonList, require_user::RequireUser},
    dto::Explore,
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ExplorePage() -> impl IntoView {
    // Made outside RequireUser's Suspense, so the server fetches it once.
    let explore = Resource::new(|| (), |_| get_explore());
    view! {
        <Title text="Explore" />
        <RequireUser>
            <ExploreView explore />
        </RequireUser>
    }
}

#[component]
fn ExploreView(explore: Resource<Result<Explore, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                or_page_error(explore.await, move |explore| {
                        let popular = explore
                            .popular
                            .into_iter()
                            .map(|p| view! {
                                <li>
                                    <a href=format!("/posts/{}/", p.id) class="grid-item">
                                        <img src=p.thumb_url alt=p.alt loading="lazy" width="320" height="320" />
                                    </a>
                                </li>
                            })
                            .collect_view();
                        view! {
                            <section class="card wide">
                                <h1>"People to follow"</h1>
                                <PersonList people=explore.people empty="You follow everyone here already." />
                            </section>
                            <section class="explore-posts">
                                <h2>"Popular this week"</h2>
                                <ul class="grid">{popular}</ul>
                            </section>
                        }
                })
            })}
        </Suspense>
    }
}
