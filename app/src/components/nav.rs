//! The header on every page: the logo, and either the signed-in person's search box,
//! links, unread notifications and a sign-out button, or the ways in.

use crate::{
    api::notifications::get_unread_count,
    auth::use_auth,
    components::{avatar::Avatar, search_box::SearchBox, time_ago::use_clock},
};
use leptos::{either::Either, prelude::*};
use leptos_router::{components::A, hooks::use_location};

#[component]
pub fn Nav() -> impl IntoView {
    let auth = use_auth();
    // Made here, outside the boundaries below, so the server makes it once and waits for it.
    let location = use_location();
    let clock = use_clock();
    let unread = Resource::new(move || (location.pathname.get(), clock.get()), |_| get_unread_count());
    view! {
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="logo">
                    <span class="logo-mark" aria-hidden="true"></span>
                    <span class="logo-text">"Shutter"</span>
                </A>
                // Two sibling boundaries, none nested: the server and the browser then make
                // them (and number their data) in the same order, which hydration needs.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        matches!(auth.user.await, Ok(Some(_))).then(|| view! { <SearchBox /> })
                    })}
                </Transition>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = auth.user.await;
                        let unread = unread.await.unwrap_or(0);
                        match user {
                            Ok(Some(user)) => Either::Left(view! {
                                <div class="nav-links">
                                    <A href="/search/" attr:class="nav-icon search-link" attr:aria-label="Search" attr:title="Search">
                                        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                                            <circle cx="10.5" cy="10.5" r="6.5" />
                                            <path d="M15.5 15.5 21 21" />
                                        </svg>
                                    </A>
                                    <A href="/explore/" attr:class="button-link">"Explore"</A>
                                    <NotificationsLink unread />
                                    <A href="/posts/new/" attr:class="button small new-post" attr:aria-label="New post">
                                        <span class="new-post-plus" aria-hidden="true">"+"</span>
                                        <span class="new-post-label">"New post"</span>
                                    </A>
                                    <A href=format!("/users/{}/", user.username) attr:class="nav-user" attr:title="Your profile">
                                        <Avatar url=user.avatar_url.clone() name=user.full_name.clone() />
                                        <span class="nav-username">{user.username.clone()}</span>
                                    </A>
                                    <ActionForm action=auth.sign_out attr:class="inline-form">
                                        <button type="submit" class="button-link">"Sign out"</button>
                                    </ActionForm>
                                </div>
                            }),
                            _ => Either::Right(view! {
                                <div class="nav-links">
                                    <A href="/accounts/login/" attr:class="button-link">"Sign in"</A>
                                    <A href="/accounts/create/" attr:class="button small">"Sign up"</A>
                                </div>
                            }),
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}

/// The link to `/notifications/` with the unread count (asked again on every page change
/// and every clock tick, 30 s); on the notifications page itself there is nothing unread.
#[component]
fn NotificationsLink(unread: i64) -> impl IntoView {
    let location = use_location();
    let count = move || if location.pathname.get().starts_with("/notifications") { 0 } else { unread };
    let label = move || match count() {
        0 => "Notifications".to_owned(),
        1 => "Notifications (1 unread)".to_owned(),
        n => format!("Notifications ({n} unread)"),
    };
    view! {
        <A href="/notifications/" attr:class="nav-icon" attr:aria-label=label attr:title=label>
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                <path d="M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.7 4.5c2.2 0 3.7 1.2 5.3 3.1 1.6-1.9 3.1-3.1 5.3-3.1 3.7 0 5.8 3.9 4.3 7.3C19.5 16.4 12 21 12 21z" />
            </svg>
            {move || {
                let n = count();
                (n > 0).then(|| view! {
                    <span class="badge" data-testid="unread-count">
                        {if n >= crate::dto::UNREAD_CAP { "99+".to_owned() } else { n.to_string() }}
                    </span>
                })
            }}
        </A>
    }
}
