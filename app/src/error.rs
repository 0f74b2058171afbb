//! `AppError`: the one error type on the wire, for server functions and the REST API alike.
//! Each variant carries its HTTP status; database and other internal errors are logged on
//! the server and reach the client only as an opaque `Internal`.

use crate::domain::InvalidInput;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

pub const INVALID_CREDENTIALS: &str = "Invalid username or password";

/// On the wire every error is `{"message", "status_code", "code"}` (plus
/// `retry_after_secs` for 429): the same JSON for server functions and the REST API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "WireError", from = "WireError")]
pub enum AppError {
    /// Input that does not follow the rules; the message says which rule.
    #[error("{0}")]
    BadRequest(String),
    /// Wrong username or password: one message whether or not the user exists.
    #[error("Invalid username or password")]
    InvalidCredentials,
    /// Wrong current password on a settings page.
    #[error("{0}")]
    WrongPassword(String),
    #[error("Please sign in first.")]
    SignInRequired,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The address exists but does not answer this HTTP method.
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    /// An upload that is too big (bytes or pixels).
    #[error("{0}")]
    PayloadTooLarge(String),
    /// An upload that is not an image Shutter accepts, or is damaged.
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The browser could not reach the server or read its answer.
    #[error("{0}")]
    Network(String),
}

impl AppError {
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::InvalidCredentials | AppError::WrongPassword(_) => 403,
            AppError::SignInRequired | AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::MethodNotAllowed(_) => 405,
            AppError::Conflict(_) => 409,
            AppError::PayloadTooLarge(_) => 413,
            AppError::UnsupportedMedia(_) => 415,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal => 500,
            AppError::Network(_) => 502,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::WrongPassword(_) => "wrong_password",
            AppError::SignInRequired => "sign_in_required",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMedia(_) => "unsupported_media",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Internal => "internal",
            AppError::Network(_) => "network",
        }
    }

    /// The JSON body of this error, as every error answer carries it.
    pub fn to_json_body(&self) -> String {
        serde_json::to_string(&WireError::from(self.clone()))
            .unwrap_or_else(|_| r#"{"message":"Internal error","status_code":500}"#.to_owned())
    }
}

#[derive(Serialize, Deserialize)]
struct WireError {
    message: String,
    status_code: u16,
    #[serde(default)]
    code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
}

impl From<AppError> for WireError {
    fn from(e: AppError) -> Self {
        let retry_after_secs = match e {
            AppError::TooManyRequests { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        };
        WireError {
            message: e.to_string(),
            status_code: e.status_code(),
            code: e.code().to_owned(),
            retry_after_secs,
        }
    }
}

impl From<WireError> for AppError {
    fn from(w: WireError) -> Self {
        match (w.code.as_str(), w.status_code) {
            ("invalid_credentials", _) => AppError::InvalidCredentials,
            ("wrong_password", _) => AppError::WrongPassword(w.message),
            ("sign_in_required", _) => AppError::SignInRequired,
            ("too_many_requests", _) | (_, 429) => {
                AppError::TooManyRequests { retry_after_secs: w.retry_after_secs.unwrap_or(60) }
            }
            ("internal", _) | (_, 500) => AppError::Internal,
            ("network", _) => AppError::Network(w.message),
            ("forbidden", _) | (_, 401 | 403) => AppError::Forbidden(w.message),
            ("not_found", _) | (_, 404) => AppError::NotFound(w.message),
            ("method_not_allowed", _) | (_, 405) => AppError::MethodNotAllowed(w.message),
            ("conflict", _) | (_, 409) => AppError::Conflict(w.message),
            ("payload_too_large", _) | (_, 413) => AppError::PayloadTooLarge(w.message),
            ("unsupported_media", _) | (_, 415) => AppError::UnsupportedMedia(w.message),
            _ => AppError::BadRequest(w.message),
        }
    }
}

impl From<InvalidInput> for AppError {
    fn from(e: InvalidInput) -> Self {
        AppError::BadRequest(e.0)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::BadRequest(format!("The form was incomplete or malformed: {msg}"))
            }
            ServerFnErrorErr::Request(msg)
            | ServerFnErrorErr::Response(msg)
            | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Network(format!("Could not reach Shutter: {msg}"))
            }
            // Anything else is a bug or an infrastructure failure on the server.
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// A failure people should not see the details of: logged with what was being done
    /// (inside the request's span, so with its id), answered as the opaque 500.
    pub fn internal(doing: &str, error: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %error, "{doing}");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return AppError::Conflict("That already exists.".into());
        }
        AppError::internal("database error", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_body_escapes_the_message() {
        let e = AppError::BadRequest("say \"hi\"\n".into());
        let body: serde_json::Value = serde_json::from_str(&e.to_json_body()).unwrap();
        assert_eq!(body["message"], "say \"hi\"\n");
        assert_eq!(body["status_code"], 400);
    }

    #[test]
    fn every_variant_round_trips_through_the_wire_format() {
        for e in [
            AppError::BadRequest("b".into()),
            AppError::InvalidCredentials,
            AppError::WrongPassword("w".into()),
            AppError::SignInRequired,
            AppError::Forbidden("f".into()),
            AppError::NotFound("n".into()),
            AppError::MethodNotAllowed("m".into()),
            AppError::Conflict("c".into()),
            AppError::PayloadTooLarge("p".into()),
            AppError::UnsupportedMedia("u".into()),
            AppError::TooManyRequests { retry_after_secs: 42 },
            AppError::Internal,
            AppError::Network("x".into()),
        ] {
            let json = e.to_json_body();
            let back: AppError = serde_json::from_str(&json).unwrap();
            assert_eq!(back, e, "{json}");
        }
    }

    #[test]
    fn credentials_message_is_the_single_agreed_one() {
        assert_eq!(AppError::InvalidCredentials.to_string(), INVALID_CREDENTIALS);
    }
}
