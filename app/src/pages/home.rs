//! `/`: the landing page for visitors; for a signed-in person, their home (the feed
//! arrives with the social features).

use crate::auth::use_auth;
use leptos::{either::Either, prelude::*};
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="" />
        <Meta name="description" content="Shutter: share photos with the people you follow. Fast, private, self-hosted." />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(user)) => Either::Left(view! {
                        <section class="card narrow">
                            <h1>{format!("Welcome, {}", user.full_name)}</h1>
                            <p class="muted">
                                "Your feed will show your photos and those of the people you follow."
                            </p>
                            <p class="muted">
                                "Nothing here yet. Posting photos and following people are the next things Shutter learns."
                            </p>
                        </section>
                    }),
                    _ => Either::Right(view! { <Landing /> }),
                }
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
