//! One module per page.

pub mod accounts;
pub mod explore;
pub mod feed;
pub mod home;
pub mod new_post;
pub mod notifications;
pub mod people;
pub mod post;
pub mod profile;
pub mod search;
pub mod tag;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `?before=<id>`: which page of a list to show (keyset pagination); a cursor that is not
/// an id shows the first page.
pub fn before_param<C: std::str::FromStr>() -> impl Fn() -> Option<C> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get("before").and_then(|b| b.parse().ok())
}

/// `https://host` of this site, for absolute URLs in link-preview meta tags: the
/// configured public URL, else the Host the request came to (in the browser: the page's).
pub fn site_origin() -> String {
    #[cfg(feature = "ssr")]
    {
        let configured =
            use_context::<crate::server::state::AppState>().and_then(|s| s.public_origin.clone());
        configured
            .or_else(|| {
                use_context::<http::request::Parts>()
                    .and_then(|p| {
                        p.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned)
                    })
                    .map(|host| format!("http://{host}"))
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        window().location().origin().unwrap_or_default()
    }
}
