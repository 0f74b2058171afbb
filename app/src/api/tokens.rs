//! Personal access token server functions (the `/accounts/tokens/` page), and what they
//! answer. Plain form posts (JavaScript off) are redirected back to the page.

use crate::{dto::TokensPage, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, tokens};

/// The reader's tokens; `created` is the one-time key the creation redirected with.
#[server(prefix = "/api/fn", endpoint = "tokens")]
pub async fn get_tokens(created: Option<String>) -> Result<TokensPage, AppError> {
    let me = auth::require_user().await?;
    tokens::list(&auth::state()?, &me, created.as_deref()).await
}

#[server(prefix = "/api/fn", endpoint = "create_token")]
pub async fn create_token(name: String) -> Result<(), AppError> {
    let me = auth::require_user().await?;
    let key = tokens::create(&auth::state()?, &me, &name).await?;
    leptos_axum::redirect(&format!("/accounts/tokens/?created={key}"));
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "revoke_token")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let me = auth::require_user().await?;
    tokens::revoke(&auth::state()?, &me, id).await?;
    leptos_axum::redirect("/accounts/tokens/?revoked=1");
    Ok(())
}
