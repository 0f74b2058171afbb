//! `<time>` with "3 minutes ago", the exact UTC time in its tooltip and datetime.

use leptos::prelude::*;

#[component]
pub fn TimeAgo(utc: String) -> impl IntoView {
    let iso = format!("{}Z", utc.replace(' ', "T"));
    let words = crate::time::ago_utc(&utc);
    view! {
        <time datetime=iso title=format!("{utc} UTC")>
            {words}
        </time>
    }
}
