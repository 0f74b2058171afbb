//! Structured logs to stdout through tracing: text for people, JSON for collectors.

use crate::config::LogFormat;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|e| {
        eprintln!("invalid log filter {filter:?} ({e}); using \"info\"");
        EnvFilter::new("info")
    });
    let registry = tracing_subscriber::registry().with(filter);
    // try_init: the tests start many servers in one process.
    let _ = match format {
        LogFormat::Text => registry.with(fmt::layer().with_target(true)).try_init(),
        LogFormat::Json => registry.with(fmt::layer().json().flatten_event(true)).try_init(),
    };
}
