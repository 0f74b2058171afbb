//! `<time>` with "3 minutes ago", kept current in the browser (a shared clock ticks every
//! 30 seconds), the exact UTC time in its tooltip and `datetime`.

use crate::time::{ago, now, parse_utc};
use leptos::prelude::*;

/// The current time in seconds, shared by every `TimeAgo` on the page.
#[derive(Clone, Copy)]
pub struct Clock(ReadSignal<i64>);

/// Starts the page's clock (in the browser it ticks; on the server it is read once).
pub fn provide_clock() {
    let (time, set_time) = signal(now());
    #[cfg(feature = "hydrate")]
    {
        let _ = set_interval_with_handle(move || set_time.set(now()), std::time::Duration::from_secs(30));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_time;
    provide_context(Clock(time));
}

/// The page's clock (seconds), for anything that should refresh now and then; a fixed
/// time where no clock was provided.
pub fn use_clock() -> Signal<i64> {
    match use_context::<Clock>() {
        Some(clock) => clock.0.into(),
        None => Signal::stored(now()),
    }
}

#[component]
pub fn TimeAgo(utc: String) -> impl IntoView {
    let iso = format!("{}Z", utc.replace(' ', "T"));
    let then = parse_utc(&utc);
    let clock = use_context::<Clock>();
    let title = format!("{utc} UTC");
    let words = move || match then {
        Some(then) => ago(then, clock.map(|c| c.0.get()).unwrap_or_else(now)),
        None => utc.clone(),
    };
    view! {
        <time datetime=iso title=title>
            {words}
        </time>
    }
}
