//! Personal access tokens for the REST API, as their owner manages them on the settings
//! page: created (shown once), listed, revoked. Checking one on a request is
//! `auth::bearer_token`.

use crate::{
    dto::{AccessToken, CurrentUser, NewToken, TokensPage},
    error::AppError,
    server::{
        auth::bearer_token::{self, Reveals},
        db,
        state::AppState,
    },
};

/// Tokens one person may hold at once.
pub const MAX_PER_USER: i64 = 50;
const NAME_MAX: usize = 60;

/// A token's name: 1 to 60 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::BadRequest("Give the token a name, e.g. the script that will use it.".into()));
    }
    if name.chars().count() > NAME_MAX {
        return Err(AppError::BadRequest(format!("A token name has at most {NAME_MAX} characters.")));
    }
    if crate::domain::forbidden_char(name, &[]).is_some() {
        return Err(AppError::BadRequest("A token name cannot contain control characters.".into()));
    }
    Ok(name.to_owned())
}

/// Creates a token for `me`; answers the one-time key under which it waits to be shown.
#[tracing::instrument(skip_all, fields(user = me.id.get()))]
pub async fn create(state: &AppState, me: &CurrentUser, name: &str) -> Result<String, AppError> {
    let name = parse_name(name)?;
    if db::tokens::count_of_user(&state.db, me.id).await? >= MAX_PER_USER {
        return Err(AppError::Conflict(format!(
            "You have {MAX_PER_USER} tokens already. Revoke one you no longer use."
        )));
    }
    let token = bearer_token::generate()?;
    let id = db::tokens::insert(&state.db, me.id, &name, &bearer_token::hash(&token)).await?;
    tracing::info!(user_id = me.id.get(), token_id = id, "access token created");
    Reveals::put(&state.db, &NewToken { id, name, token }).await
}

/// `me`'s tokens, newest first, and the one just created if `reveal` names it.
pub async fn list(state: &AppState, me: &CurrentUser, reveal: Option<&str>) -> Result<TokensPage, AppError> {
    let revealed = match reveal {
        Some(key) => Reveals::take(&state.db, me.id, key).await?,
        None => None,
    };
    let rows = db::tokens::of_user(&state.db, me.id).await?;
    // The name is the token's own (a reveal keeps only the secret).
    let new_token = revealed.and_then(|(id, token)| {
        rows.iter().find(|t| t.id == id).map(|t| NewToken { id, name: t.name.clone(), token })
    });
    let tokens = rows
        .into_iter()
        .map(|t| AccessToken {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        })
        .collect();
    Ok(TokensPage { tokens, new_token })
}

/// Revokes one of `me`'s tokens; it stops working at once.
#[tracing::instrument(skip_all, fields(user = me.id.get(), token = token_id))]
pub async fn revoke(state: &AppState, me: &CurrentUser, token_id: i64) -> Result<(), AppError> {
    if !db::tokens::delete(&state.db, token_id, me.id).await? {
        return Err(AppError::NotFound("You have no such token.".into()));
    }
    tracing::info!(user_id = me.id.get(), token_id, "access token revoked");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  backup script ").unwrap(), "backup script");
        assert!(parse_name("   ").is_err());
        assert!(parse_name(&"x".repeat(61)).is_err());
        assert!(parse_name("a\u{7}b").is_err());
        assert!(parse_name("a\u{202E}b").is_err());
    }
}
