//! Shutter's application: the HTML shell, the page chrome and the route table. Compiled
//! into the server (feature `ssr`) and into the WebAssembly (feature `hydrate`).

#![recursion_limit = "256"]

pub mod api;
pub mod auth;
pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod html;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod time;

use components::{nav::Nav, page_error::NotFound};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};
use pages::{
    accounts::{
        AccessTokensPage, ChangePasswordPage, CreateAccountPage, DeleteAccountPage, EditProfilePage,
        LoginPage,
    },
    explore::ExplorePage,
    home::HomePage,
    new_post::NewPostPage,
    notifications::NotificationsPage,
    people::{FollowersPage, FollowingPage},
    post::PostPage,
    profile::ProfilePage,
    search::SearchPage,
    tag::TagPage,
};

/// The document around every page. Rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="referrer" content="same-origin" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                // The content-hashed JS, WASM and CSS when the site has a hash file (the
                // server's assets.rs decides), else their plain names.
                <HydrationScripts options=options.clone() />
                <HashedStylesheet options id="leptos" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The security-headers middleware puts a fresh CSP nonce in the request; Leptos stamps it
/// on the hydration script so the CSP needs no `unsafe-inline`.
#[cfg(feature = "ssr")]
fn provide_request_nonce() {
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned())
    {
        provide_context(nonce);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title formatter=|title: String| {
            html::title_text(if title.is_empty() { "Shutter".to_owned() } else { format!("{title} · Shutter") })
        } />
        <Router>
            <Layout />
        </Router>
    }
}

/// The chrome around every page: the nav, then the routed page.
#[component]
fn Layout() -> impl IntoView {
    auth::provide_auth();
    components::time_ago::provide_clock();
    // Effects run once hydration is done: mark the page, for people's tools and our tests.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <Nav />
        <main class="page">
            <Routes fallback=NotFound>
                <Route path=path!("") view=HomePage />
                <Route path=path!("/accounts/login") view=LoginPage />
                <Route path=path!("/accounts/create") view=CreateAccountPage />
                <Route path=path!("/accounts/edit") view=EditProfilePage />
                <Route path=path!("/accounts/password") view=ChangePasswordPage />
                <Route path=path!("/accounts/delete") view=DeleteAccountPage />
                <Route path=path!("/accounts/tokens") view=AccessTokensPage />
                <Route path=path!("/posts/new") view=NewPostPage />
                <Route path=path!("/posts/:id") view=PostPage />
                <Route path=path!("/users/:username") view=ProfilePage />
                <Route path=path!("/users/:username/followers") view=FollowersPage />
                <Route path=path!("/users/:username/following") view=FollowingPage />
                <Route path=path!("/explore") view=ExplorePage />
                <Route path=path!("/tags/:tag") view=TagPage />
                <Route path=path!("/notifications") view=NotificationsPage />
                <Route path=path!("/search") view=SearchPage />
            </Routes>
        </main>
    }
}
