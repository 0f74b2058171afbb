//! The header on every page: the logo, and either the signed-in person's links and a
//! sign-out button, or the ways in.

use crate::{auth::use_auth, components::avatar::Avatar};
use leptos::{either::Either, prelude::*};
use leptos_router::components::A;

#[component]
pub fn Nav() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="logo">
                    <span class="logo-mark" aria-hidden="true"></span>
                    "Shutter"
                </A>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match auth.user.await {
                            Ok(Some(user)) => Either::Left(view! {
                                <div class="nav-links">
                                    <A href="/explore/" attr:class="button-link">"Explore"</A>
                                    <A href="/posts/new/" attr:class="button small">"New post"</A>
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
