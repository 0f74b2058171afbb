//! Form pieces: a labelled field that validates as you type with the server's own rules
//! (in the browser only; the server checks again), and the message of a failed action.

use crate::{domain::InvalidInput, error::AppError};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A domain parser, used for live validation: `Username::parse`, `Email::parse`, …
pub type Check = fn(&str) -> Result<(), InvalidInput>;

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] check: Option<Check>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let (message, set_message) = signal(None::<String>);
    let (touched, set_touched) = signal(false);
    let validate = move |raw: &str| {
        if let Some(check) = check {
            set_message.set(check(raw).err().map(|e| e.0));
        }
    };
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                autofocus=autofocus
                aria-invalid=move || message.with(|m| if m.is_some() { "true" } else { "false" })
                aria-describedby=error_id.clone()
                on:blur=move |ev| {
                    set_touched.set(true);
                    validate(&event_target_value(&ev));
                }
                on:input=move |ev| {
                    if touched.get_untracked() {
                        validate(&event_target_value(&ev));
                    }
                }
            />
            {hint.map(|hint| view! { <p class="field-hint">{hint}</p> })}
            <p class="field-error" id=error_id aria-live="polite">
                {move || message.get()}
            </p>
        </div>
    }
}

/// A textarea with a live character count against `max`.
#[component]
pub fn TextAreaField(
    label: &'static str,
    name: &'static str,
    max: usize,
    #[prop(optional, into)] value: String,
) -> impl IntoView {
    let (count, set_count) = signal(value.chars().count());
    let id = format!("field-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name=name
                rows="3"
                on:input=move |ev| set_count.set(event_target_value(&ev).chars().count())
            >
                {crate::html::textarea_text(value)}
            </textarea>
            <p class=move || {
                if count.get() > max { "field-hint counter over" } else { "field-hint counter" }
            }>
                {move || count.get()}
                " / "
                {max}
            </p>
        </div>
    }
}

#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    view! {
        <p class="form-error" role="alert">
            {error.to_string()}
        </p>
    }
}

/// The error of the last run of `action`, if it failed.
#[component]
pub fn ActionError<S>(action: ServerAction<S>) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    move || action.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error /> })
}

/// `message` once `action` succeeded. Without JavaScript the server redirects back to the
/// form with `?<flag>=1` (Leptos carries only errors back), which shows the same message.
#[component]
pub fn ActionDone<S>(action: ServerAction<S>, flag: &'static str, message: &'static str) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let query = use_query_map();
    move || {
        let done = match action.value().get() {
            Some(result) => result.is_ok(),
            None => query.read().get(flag).is_some(),
        };
        done.then(|| view! { <p class="form-success" role="status">{message}</p> })
    }
}
