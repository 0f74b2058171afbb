//! The signed-in user as the pages see it: one resource in context, refetched whenever an
//! account action completes (`Auth::refresh_after`).
//!
//! Page forms create their own `ServerAction`s inside `<Routes>`, where Leptos hands them
//! the error a JavaScript-less form post carried back in the URL.

use crate::{
    api::accounts::{SignOut, get_current_user},
    dto::CurrentUser,
    error::AppError,
};
use leptos::{prelude::*, server_fn::ServerFn};

#[derive(Clone, Copy)]
pub struct Auth {
    pub sign_out: ServerAction<SignOut>,
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    changes: RwSignal<usize>,
}

impl Auth {
    /// Refetches the user each time `action` completes.
    pub fn refresh_after<S>(&self, action: ServerAction<S>)
    where
        S: ServerFn + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
        S::Error: Send + Sync + 'static,
    {
        let changes = self.changes;
        Effect::new(move |_| {
            if action.version().get() > 0 {
                changes.update(|n| *n += 1);
            }
        });
    }
}

pub fn provide_auth() {
    let sign_out = ServerAction::<SignOut>::new();
    let changes = RwSignal::new(0usize);
    let user = Resource::new(move || (changes.get(), sign_out.version().get()), |_| get_current_user());
    provide_context(Auth { sign_out, user, changes });
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
