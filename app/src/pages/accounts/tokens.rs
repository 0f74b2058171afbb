//! `/accounts/tokens/`: personal access tokens for the REST API. Create one (shown once,
//! right after), see when each was created and last used, revoke any. Works without
//! JavaScript: creation redirects back here with a one-time key that shows the token.

use super::SettingsTabs;
use crate::{
    api::tokens::{CreateToken, RevokeToken, get_tokens},
    components::{
        form::{ActionDone, ActionError, Field},
        page_error::or_page_error,
        require_user::RequireUser,
    },
    dto::{AccessToken, NewToken, TokensPage},
    error::AppError,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccessTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let query = use_query_map();
    // A creation redirects here with a new one-time `created` key, which refetches the
    // list (and takes the new token, once); keying on `create.version()` as well would
    // fetch a second time and find the token already taken.
    let tokens = Resource::new(
        move || (query.read().get("created"), revoke.version().get()),
        |(created, _)| get_tokens(created),
    );
    view! {
        <Title text="Access tokens" />
        <RequireUser>
            <TokensSection create revoke tokens />
        </RequireUser>
    }
}

#[component]
fn TokensSection(
    create: ServerAction<CreateToken>,
    revoke: ServerAction<RevokeToken>,
    tokens: Resource<Result<TokensPage, AppError>>,
) -> impl IntoView {
    view! {
        <section class="card narrow">
            <SettingsTabs current="/accounts/tokens/" />
            <h1>"Access tokens"</h1>
            <p class="muted">
                "A token lets a script use the REST API at /api/v1/ as you: send it as "
                <code>"Authorization: Bearer <token>"</code> ". Revoke it and it stops working at once."
            </p>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <ActionError action=create />
                <Field label="Token name" name="name" hint="What will use it, e.g. “backup script”." />
                <button type="submit" class="button" disabled=move || create.pending().get()>
                    "Create token"
                </button>
            </ActionForm>
            <ActionError action=revoke />
            <ActionDone action=revoke flag="revoked" message="Token revoked." />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    or_page_error(tokens.await, move |page| view! {
                            {page.new_token.map(|token| view! { <NewTokenNotice token /> })}
                            <TokenList tokens=page.tokens revoke />
                        })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NewTokenNotice(token: NewToken) -> impl IntoView {
    view! {
        <div class="form-success token-new" role="status">
            <p>
                "Your new token “" {token.name} "”. Copy it now: it will not be shown again."
            </p>
            <input
                class="token-value"
                type="text"
                readonly=true
                aria-label="New access token"
                value=token.token
            />
        </div>
    }
}

#[component]
fn TokenList(tokens: Vec<AccessToken>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    if tokens.is_empty() {
        return Either::Left(view! { <p class="muted">"You have no tokens."</p> });
    }
    Either::Right(view! {
        <table class="tokens">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Created (UTC)"</th>
                    <th scope="col">"Last used (UTC)"</th>
                    <th scope="col"><span class="visually-hidden">"Revoke"</span></th>
                </tr>
            </thead>
            <tbody>
                {tokens
                    .into_iter()
                    .map(|t| {
                        let label = format!("Revoke {}", t.name);
                        view! {
                            <tr>
                                <td class="token-name">{t.name}</td>
                                <td>{t.created_at}</td>
                                <td>{t.last_used_at.unwrap_or_else(|| "never".to_owned())}</td>
                                <td>
                                    <ActionForm action=revoke attr:class="inline-form">
                                        <input type="hidden" name="id" value=t.id />
                                        <button type="submit" class="button secondary" aria-label=label>
                                            "Revoke"
                                        </button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}
