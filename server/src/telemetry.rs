//! Structured logs to stdout through tracing.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|e| {
        eprintln!("invalid log filter {filter:?} ({e}); using \"info\"");
        EnvFilter::new("info")
    });
    // try_init: tests start many servers in one process.
    let _ = tracing_subscriber::registry().with(filter).with(fmt::layer().with_target(true)).try_init();
}
