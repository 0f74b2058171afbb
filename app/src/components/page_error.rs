//! What a page shows when its data fails, with the error's HTTP status during server
//! rendering (browsers and crawlers see a 404 or a 500, not a 200). The server renders
//! whole pages before it answers (`render_app_async`), so a status set inside a
//! `Suspense` still reaches the response head. The hydrated page renders the same view.

use crate::{components::form::ErrorMessage, error::AppError};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::components::A;

/// The error of a page's data: the "Page not found" page for a 404, else its message.
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound(_) => Either::Left(view! { <NotFound /> }),
        error => {
            set_status(error.status_code());
            Either::Right(view! { <ErrorMessage error /> })
        }
    }
}

/// A page's data in its view, or `PageError` when it failed: the one way a page shows
/// that its data could not be loaded.
pub fn or_page_error<T, V: IntoView>(
    data: Result<T, AppError>,
    view: impl FnOnce(T) -> V,
) -> Either<V, impl IntoView> {
    match data {
        Ok(data) => Either::Left(view(data)),
        Err(error) => Either::Right(view! { <PageError error /> }),
    }
}

/// The 404 page, also the answer for addresses that name no page.
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Page not found" />
        <section class="card narrow center">
            <h1>"Page not found"</h1>
            <p class="muted">"The link may be broken, or the page may have been removed."</p>
            <A href="/" attr:class="button">"Go home"</A>
        </section>
    }
}

/// The status of the page being rendered on the server; nothing in the browser.
fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use leptos_axum::ResponseOptions;
    use leptos_router::{components::Router, location::RequestUrl};

    /// The HTML of `PageError` for `error`, and the status it set on the response.
    fn render(error: AppError) -> (String, Option<http::StatusCode>) {
        let owner = Owner::new();
        owner.with(|| {
            leptos_meta::provide_meta_context();
            provide_context(RequestUrl::new("/somewhere/"));
            let response = ResponseOptions::default();
            provide_context(response.clone());
            let html = view! { <Router><PageError error /></Router> }.to_html();
            let status = response.0.read().ok().and_then(|parts| parts.status);
            (html, status)
        })
    }

    #[test]
    fn each_error_sets_its_own_status_and_shows_its_message() {
        for (error, status) in [
            (AppError::Forbidden("Not yours.".into()), 403),
            (AppError::SignInRequired, 403),
            (AppError::BadRequest("Bad cursor.".into()), 400),
            (AppError::Internal, 500),
        ] {
            let message = error.to_string();
            let (html, set) = render(error);
            assert_eq!(set.map(|s| s.as_u16()), Some(status), "{message}");
            assert!(html.contains(&message) && html.contains("form-error"), "{html}");
        }
    }

    #[test]
    fn not_found_is_the_404_page() {
        let (html, set) = render(AppError::NotFound("No such post.".into()));
        assert_eq!(set, Some(http::StatusCode::NOT_FOUND));
        assert!(html.contains("Page not found"), "{html}");
    }
}
