//! Structured logs to stdout through tracing: text for people, JSON for collectors.

use crate::config::LogFormat;
use axum::http::{HeaderName, Request};
use tracing::Span;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Every request gets an id (kept from a proxy in front that set one, else a new UUID):
/// it is on every log line written while the request is handled, and in the response's
/// `x-request-id`, so that a person reporting a problem can quote it.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The span of one request: every event logged while handling it carries these fields.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_logged_in_a_request_carries_its_id() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        let request = Request::get("/users/ada/").header(&REQUEST_ID, "7f3a-req").body(()).expect("request");
        tracing::subscriber::with_default(subscriber, || {
            let _in_request = request_span(&request).entered();
            tracing::error!("the database is gone");
            tracing::info!(user = 3, "nested detail");
        });
        let logged = String::from_utf8(captured.0.lock().expect("log").clone()).expect("utf-8");
        let lines: Vec<&str> = logged.lines().collect();
        assert_eq!(lines.len(), 2, "{logged}");
        for line in lines {
            assert!(line.contains("id=\"7f3a-req\"") || line.contains("id=7f3a-req"), "{line}");
            assert!(line.contains("path=\"/users/ada/\"") || line.contains("path=/users/ada/"), "{line}");
        }
    }
}
