//! `RequireUser`: renders its children for a signed-in visitor, and sends anyone else to
//! `/accounts/login/?next=<here>` (a real 302 during server rendering).

use crate::{auth::use_auth, components::page_error::PageError};
use leptos::{either::EitherOf3, prelude::*};
use leptos_router::{components::Redirect, hooks::use_location, location::Url};

#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(_)) => EitherOf3::A(children.read_value()()),
                    Ok(None) => {
                        let here = format!(
                            "{}{}",
                            location.pathname.get_untracked(),
                            location.search.get_untracked(),
                        );
                        let here = if here.starts_with('/') { here } else { format!("/{here}") };
                        let to = format!("/accounts/login/?next={}", Url::escape(&here));
                        EitherOf3::B(view! { <Redirect path=to /> })
                    }
                    Err(error) => EitherOf3::C(view! { <PageError error /> }),
                }
            })}
        </Suspense>
    }
}

/// For pages meant for visitors (sign in, sign up): a signed-in person goes home.
#[component]
pub fn RedirectIfSignedIn() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(auth.user.await, Ok(Some(_))).then(|| view! { <Redirect path="/" /> })
            })}
        </Suspense>
    }
}
