//! The REST API v1 (SPEC 5): JSON over `/api/v1/…`, for scripts and other clients. The
//! handlers parse input, find the caller (`Person`), call the same services as the
//! server functions, and shape the answer; the OpenAPI document is generated from them.
//! Every failure, axum's own rejections included, answers `{"message", "status_code"}`.

mod resources;

use crate::middleware::error_response;
use app::{
    dto::CurrentUser,
    error::AppError,
    server::{
        auth::{self, Caller, Door},
        state::AppState,
    },
};
use axum::{
    Json, Router,
    body::Body,
    extract::{FromRequestParts, Request},
    http::{HeaderValue, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{any, delete, get, post},
};
use serde::Serialize;
use std::sync::OnceLock;
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer};
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::{
        ContentBuilder, Ref, RefOr, ResponseBuilder,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

/// The person calling the API, by `Authorization: Bearer <token>`, HTTP Basic, or the
/// session cookie (`auth::identify` at the REST API's door). A visitor gets 403.
pub struct Person(pub CurrentUser);

impl FromRequestParts<AppState> for Person {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, RestError> {
        match auth::identify(state, parts, Door::RestApi).await? {
            Caller::Person(me) => Ok(Person(me)),
            Caller::Visitor => Err(RestError(AppError::Forbidden(
                "Sign in, or send an access token (Authorization: Bearer) or Basic credentials.".into(),
            ))),
        }
    }
}

/// An error answer of the API, in the one wire format of `AppError`.
#[derive(Debug)]
pub struct RestError(pub AppError);

impl From<AppError> for RestError {
    fn from(e: AppError) -> Self {
        RestError(e)
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let mut res = error_response(&self.0);
        if let AppError::TooManyRequests { retry_after_secs } = self.0 {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        res
    }
}

/// Every error answer: `message` for people, `status_code` as the HTTP status. `code`
/// names the kind of error; `retry_after_secs` comes with 429.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    message: String,
    status_code: u16,
    code: Option<String>,
    retry_after_secs: Option<u64>,
}

/// The routes of `/api/v1/`: bodies up to `body_limit` bytes, answers within `timeout`.
pub fn router(body_limit: usize, timeout: std::time::Duration) -> Router<AppState> {
    Router::new()
        .route("/api/v1/", get(index))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/posts/", get(resources::list_posts))
        .route("/api/v1/posts/{postid}/", get(resources::post_detail))
        .route("/api/v1/likes/", post(resources::create_like))
        .route("/api/v1/likes/{likeid}/", delete(resources::delete_like))
        .route("/api/v1/comments/", post(resources::create_comment))
        .route("/api/v1/comments/{commentid}/", delete(resources::delete_comment))
        .route("/api/v1", any(unknown_route))
        .route("/api/v1/{*rest}", any(unknown_route))
        .method_not_allowed_fallback(method_not_allowed)
        .layer((
            RequestBodyLimitLayer::new(body_limit),
            TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout),
        ))
        .layer(axum::middleware::from_fn(json_errors))
}

async fn unknown_route(method: Method, uri: axum::http::Uri) -> RestError {
    let path = uri.path();
    let hint = if !path.ends_with('/') && !path.ends_with(".json") {
        format!(" Addresses of the API end in a slash: try {path}/")
    } else {
        String::new()
    };
    RestError(AppError::NotFound(format!("The API has no {method} {path}.{hint}")))
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> Response {
    json_error(StatusCode::METHOD_NOT_ALLOWED, &format!("{} does not accept {method}.", uri.path()))
}

fn json_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "message": message, "status_code": status.as_u16() });
    (status, Json(body)).into_response()
}

/// Failures that did not come from a handler (a rejected query string, a body over the
/// limit, a time-out) answer in the API's JSON error format too, keeping their message.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if res.status().as_u16() < 400 || is_json {
        return res;
    }
    let status = res.status();
    let text = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    json_error(status, &text)
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Index {
    posts: String,
    comments: String,
    likes: String,
    url: String,
}

/// The API's resources. Needs no credentials.
#[utoipa::path(
    get,
    path = "/api/v1/",
    tag = "api",
    security(()),
    responses((status = 200, description = "Where the resources are", body = Index))
)]
async fn index() -> Json<Index> {
    Json(Index {
        posts: "/api/v1/posts/".into(),
        comments: "/api/v1/comments/".into(),
        likes: "/api/v1/likes/".into(),
        url: "/api/v1/".into(),
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "api",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json"))
)]
async fn openapi_json() -> Response {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let json = DOCUMENT.get_or_init(|| {
        ApiDoc::openapi().to_json().unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot serialise the OpenAPI document");
            String::from("{}")
        })
    });
    ([(header::CONTENT_TYPE, "application/json")], Body::from(json.clone())).into_response()
}

/// The answers every operation that takes credentials may give, declared here once and
/// added to each such operation (one that states its own, e.g. a 403 that also means
/// "not yours", keeps it). Operations open to anyone say `security(())`.
struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let shared = [
            ("403", "No valid credentials"),
            ("429", "Too many failed sign-ins (Basic credentials); see Retry-After"),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations =
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
            for operation in operations.into_iter().flatten().filter(|op| op.security.is_none()) {
                for (status, description) in shared {
                    operation.responses.responses.entry(status.to_owned()).or_insert_with(|| {
                        let body =
                            ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build();
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(description)
                                .content("application/json", body)
                                .build(),
                        )
                    });
                }
            }
        }
    }
}

/// The credentials the API accepts: an access token, Basic, or the session cookie.
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal access token from /accounts/tokens/"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::session_cookie::COOKIE))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shutter REST API",
        version = "1",
        description = "Posts of your feed, likes and comments, as JSON. Every error answers \
                       {\"message\", \"status_code\"}: 400 bad input, 403 no valid credentials or \
                       not yours, 404 no such thing, 405 wrong method, 413 body too large."
    ),
    paths(
        index,
        openapi_json,
        resources::list_posts,
        resources::post_detail,
        resources::create_like,
        resources::delete_like,
        resources::create_comment,
        resources::delete_comment,
    ),
    components(schemas(ApiError)),
    modifiers(&Credentials, &SharedAnswers),
    security(("token" = []), ("basic" = []), ("session" = []))
)]
pub struct ApiDoc;
