//! `/accounts/edit/`: full name, email and bio.

use super::SettingsTabs;
use crate::{
    api::accounts::{UpdateProfile, get_profile_settings},
    auth::use_auth,
    components::{
        form::{ActionDone, ActionError, Field, TextAreaField},
        page_error::or_page_error,
        require_user::RequireUser,
    },
    domain::{Email, FullName, bio},
    dto::ProfileSettings,
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EditProfilePage() -> impl IntoView {
    let action = ServerAction::<UpdateProfile>::new();
    use_auth().refresh_after(action);
    let settings = Resource::new(move || action.version().get(), |_| get_profile_settings());
    view! {
        <Title text="Edit profile" />
        <RequireUser>
            <EditProfileForm action settings />
        </RequireUser>
    }
}

/// The action and its data live in the page, not in the form: `RequireUser` re-renders the
/// form when the saved name refreshes the nav, and the form must keep the action's result.
#[component]
fn EditProfileForm(
    action: ServerAction<UpdateProfile>,
    settings: Resource<Result<ProfileSettings, AppError>>,
) -> impl IntoView {
    view! {
        <section class="card narrow">
            <SettingsTabs current="/accounts/edit/" />
            <h1>"Edit profile"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    or_page_error(settings.await, move |s| view! {
                            <ActionForm action attr:class="form" attr:novalidate=true>
                                <ActionError action />
                                <ActionDone action flag="saved" message="Profile saved." />
                                <p class="muted">"Username: " <strong>{s.username}</strong></p>
                                <Field label="Full name" name="full_name" autocomplete="name" value=s.full_name check=|s| FullName::parse(s).map(drop) />
                                <Field label="Email" name="email" kind="email" autocomplete="email" value=s.email check=|s| Email::parse(s).map(drop) />
                                <TextAreaField label="Bio" name="bio" max=bio::MAX_LEN value=s.bio />
                                <button type="submit" class="button" disabled=move || action.pending().get()>
                                    "Save"
                                </button>
                            </ActionForm>
                            <AvatarForm />
                        })
                })}
            </Suspense>
        </section>
    }
}

/// The profile photo: a plain multipart form to `/accounts/avatar/` (cropped square on the
/// server), which comes back here with `?saved=1`.
#[component]
fn AvatarForm() -> impl IntoView {
    view! {
        <form class="form avatar-form" action="/accounts/avatar/" method="post" enctype="multipart/form-data">
            <div class="field">
                <label for="field-avatar">"Profile photo"</label>
                <input id="field-avatar" type="file" name="avatar" accept="image/jpeg,image/png,image/webp,image/gif" required />
                <p class="field-hint">"A square crop of it is shown beside your name."</p>
            </div>
            <button type="submit" class="button secondary">"Upload photo"</button>
        </form>
    }
}
