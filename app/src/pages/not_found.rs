//! The 404 page, with a real 404 status during server rendering.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="card narrow center">
            <h1>"Page not found"</h1>
            <p class="muted">"The link may be broken, or the page may have been removed."</p>
            <A href="/" attr:class="button">"Go home"</A>
        </section>
    }
}
