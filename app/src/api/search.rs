//! Search: suggestions as one types, and the results page.

use crate::{dto::SearchResults, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, search};

/// People and tags matching `q`; `full` for the results page (more of each).
#[server(prefix = "/api/fn", endpoint = "search", input = leptos::server_fn::codec::GetUrl)]
pub async fn search(q: String, full: bool) -> Result<SearchResults, AppError> {
    let limits = if full { search::PAGE } else { search::SUGGESTIONS };
    search::search(&auth::state()?, &q, limits).await
}
