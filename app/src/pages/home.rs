//! `/`: the landing page for visitors; the feed for a signed-in person.

use crate::{
    auth::use_auth,
    components::page_error::or_page_error,
    pages::feed::{Feed, feed_resource},
};
use leptos::{either::Either, prelude::*};
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    // Asked at once, beside the user (a visitor's answer, 403, is never shown).
    let feed = feed_resource();
    view! {
        <Title text="" />
        <Meta name="description" content="Shutter: share photos with the people you follow. Fast, private, self-hosted." />
        <Suspense fallback=|| ()>
            // Who is asking could not be found out (the database failed): an error, not the
            // landing page, which would look to a signed-in person as if they were signed out.
            {move || Suspend::new(async move {
                or_page_error(auth.user.await, move |user| match user {
                    Some(_) => Either::Left(view! { <Feed first=feed /> }),
                    None => Either::Right(view! { <Landing /> }),
                })
            })}
        </Suspense>
    }
}

#[component]
fn Landing() -> impl IntoView {
    view! {
        <section class="landing">
            <div class="landing-text">
                <h1>"Share the moments that matter."</h1>
                <p class="lead">
                    "Shutter is a photo site you can run yourself: post photos, follow friends, "
                    "and scroll a feed that loads fast and works even without JavaScript."
                </p>
                <div class="actions">
                    <A href="/accounts/create/" attr:class="button">"Create an account"</A>
                    <A href="/accounts/login/" attr:class="button secondary">"Sign in"</A>
                </div>
            </div>
            <div class="landing-art" aria-hidden="true">
                <div class="tile t1"></div>
                <div class="tile t2"></div>
                <div class="tile t3"></div>
                <div class="tile t4"></div>
            </div>
        </section>
    }
}
