//! Builds the application: database, session store, state, router and middleware; then
//! serves it until SIGTERM or Ctrl-C.

use crate::{config::Config, connections, database, media, middleware, telemetry};
use anyhow::Context;
use app::server::db::{Db, engine::Job};
use app::{
    error::AppError,
    server::{
        media::{LocalStore, MediaStore, S3Store},
        password::PasswordHasher,
        state::AppState,
        throttle::SignInThrottle,
    },
    shell,
};
use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, FromRequest, Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use leptos::prelude::*;
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer, SessionStore, cookie::SameSite};

/// Bodies larger than this are refused with 413 (uploads have their own limits).
const BODY_LIMIT: usize = 1024 * 1024;
/// A request that takes longer than this is cut off with 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Uploads may take longer: ten photos over a slow mobile link.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(10 * 60);

pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
    limits: connections::Limits,
    session_sweeper: SessionSweeper,
    reveal_sweeper: tokio::task::JoinHandle<()>,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let open_files = connections::raise_open_file_limit();
        let limits = connections::Limits {
            header_timeout: config.header_timeout,
            max_connections: connections::connection_cap(config.max_connections, open_files),
        };
        let db = database::open(&config).await?;
        let state = app_state(&config, db.clone()).await?;
        // New tokens nobody came to see are not kept beyond their time.
        let reveal_sweeper = tokio::task::spawn(app::server::auth::bearer_token::sweep_reveals(
            db.clone(),
            Duration::from_secs(60),
        ));
        let public = middleware::PublicAuthority(
            config.public_url.as_ref().and_then(|u| u.authority()).map(|a| a.as_str().to_owned()),
        );
        // Sessions live in the same database as everything else, so any instance sharing
        // a PostgreSQL database knows every session.
        let store = app::server::auth::session_store::SessionRows(db.clone());
        let (router, session_sweeper) = with_sessions(store, &config, state, public, db.clone());
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        Ok(Self { listener, router, db, limits, session_sweeper, reveal_sweeper })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then finishes the requests in flight, closes idle
    /// connections and the database.
    pub async fn run_until(self, stop: impl std::future::Future<Output = ()>) -> anyhow::Result<()> {
        tracing::info!(
            address = %self.local_addr(),
            max_connections = self.limits.max_connections,
            "Shutter is listening on http://{}",
            self.local_addr()
        );
        connections::serve(self.listener, self.router, self.limits, stop).await;
        self.session_sweeper.abort();
        self.reveal_sweeper.abort();
        self.db.close().await;
        tracing::info!("stopped cleanly");
        Ok(())
    }
}

type SessionSweeper = tokio::task::JoinHandle<()>;

/// The router behind a session layer on `store`, and the task that deletes expired
/// sessions from it hourly (stopped with the server), on one instance at a time.
fn with_sessions<S>(
    store: S,
    config: &Config,
    state: AppState,
    public: middleware::PublicAuthority,
    db: Db,
) -> (Router, SessionSweeper)
where
    S: SessionStore + ExpiredDeletion + Clone,
{
    let sweeper = {
        let store = store.clone();
        tokio::task::spawn(async move {
            let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                match db.alone(Job::SessionSweep, store.delete_expired()).await {
                    Ok(Some(Err(e))) => tracing::warn!(error = %e, "cannot delete expired sessions"),
                    Err(e) => tracing::warn!(error = %e, "cannot take the session sweep"),
                    Ok(_) => {}
                }
            }
        })
    };
    let session_layer = SessionManagerLayer::new(store)
        .with_name(app::server::auth::session_cookie::COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(14)));
    (router(state, session_layer, public), sweeper)
}

/// The configured photo store: the data folder's media/, or the S3 store of --media-url.
pub fn open_media(config: &Config) -> anyhow::Result<Arc<dyn MediaStore>> {
    Ok(match &config.media_url {
        None => {
            Arc::new(LocalStore::open(config.data_dir.join("media")).context("cannot open the media folder")?)
        }
        Some(url) => {
            tracing::info!(store = %url, "photos are kept in an S3-compatible store");
            Arc::new(S3Store::open(url).with_context(|| format!("cannot open the media store {url}"))?)
        }
    })
}

/// Everything a request handler can reach, over an open database: the media folder
/// (swept of files no row points to), password hashing, throttles, Leptos options.
pub async fn app_state(config: &Config, db: Db) -> anyhow::Result<AppState> {
    // Leptos renders and resolves resources on the tokio runtime.
    let _ = any_spawner::Executor::init_tokio();
    let mut leptos_options = leptos_options();
    leptos_options.site_root = config.site_root.to_string_lossy().as_ref().into();
    leptos_options.site_addr = config.bind;
    // Hashed file names if the site folder has a hash file (assets.rs).
    crate::assets::use_site_hash_file(&mut leptos_options);

    let media = open_media(config)?;
    let older_than = std::time::SystemTime::now()
        .checked_sub(config.orphan_grace)
        .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
    // One instance at a time: two sweeping at once would list and check the same files.
    let swept = db
        .alone(Job::OrphanSweep, app::server::media::sweep_orphan_files(&db, media.clone(), older_than))
        .await
        .context("cannot take the start-up sweep")?
        .transpose()
        .map_err(|e| anyhow::anyhow!("cannot sweep the media store: {e}"))?
        .unwrap_or(0);
    if swept > 0 {
        tracing::warn!(files = swept, "removed media files that no row pointed to");
    }
    let state = AppState {
        leptos_options,
        db,
        passwords: PasswordHasher::new(),
        sign_in_throttle: Arc::new(SignInThrottle::new(config.password_throttle)),
        media,
        public_origin: config
            .public_url
            .as_ref()
            .and_then(|u| Some(format!("{}://{}", u.scheme_str()?, u.authority()?))),
        media_permits: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        )),
        basic_checks: Default::default(),
    };

    Ok(state)
}

fn router<S: SessionStore + Clone>(
    state: AppState,
    session_layer: SessionManagerLayer<S>,
    public: middleware::PublicAuthority,
) -> Router {
    let site_root = state.leptos_options.site_root.to_string();
    let render_page = {
        let state = state.clone();
        let options = state.leptos_options.clone();
        leptos_axum::render_app_async_with_context(
            move || provide_context(state.clone()),
            move || shell(options.clone()),
        )
    };
    // Files of the built site (pkg/, favicon, robots.txt) first; anything else is a page.
    let render = get(move |mut req: Request<Body>| {
        req.extensions_mut().insert(app::server::auth::RenderUser::default());
        page_response(render_page(req))
    })
    .with_state(());
    let files = ServeDir::new(&site_root)
        .append_index_html_on_directories(false)
        // `make build` writes .br and .gz beside the WASM, JS and CSS.
        .precompressed_br()
        .precompressed_gzip()
        .fallback(render.clone());
    let pages = get(move |req: Request<Body>| {
        let (files, render) = (files.clone(), render.clone());
        async move {
            // Only a path that could name a file of the site asks the file system (a
            // blocking call on another thread): page addresses end in `/`, which never
            // names a file here, and over-long names make the file system answer an
            // error rather than "not found" (a 404 page, e.g. for `/users/<5,000
            // letters>/`).
            if !could_name_a_file(req.uri().path()) {
                return render.oneshot(req).await.into_response();
            }
            match files.oneshot(req).await {
                Ok(res) => res.into_response(),
                Err(e) => {
                    middleware::error_response(&AppError::internal("cannot read a file of the site", e))
                }
            }
        }
    })
    // Pages are only read; other methods get the JSON 405 that routes get.
    .fallback(middleware::method_not_allowed);
    // Ordinary requests: small bodies, answered within REQUEST_TIMEOUT.
    let quick = || {
        (
            RequestBodyLimitLayer::new(BODY_LIMIT),
            TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT),
        )
    };
    let json_errors = || axum::middleware::from_fn(crate::rest::json_errors);
    // Uploads: their own, larger limit (checked again per photo) and time for slow links.
    let upload = |limit: usize| {
        (
            DefaultBodyLimit::disable(),
            RequestBodyLimitLayer::new(limit),
            TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, UPLOAD_TIMEOUT),
        )
    };

    Router::new()
        .route("/healthz", get(healthz).layer(quick()))
        // A body over the limit (413) or a time-out (408) answers in AppError's JSON too.
        .route("/api/fn/{*name}", post(server_fn).layer(quick()).layer(json_errors()))
        // The one read-only server function answered to GET (cacheable, no side effects);
        // every other one is POST only, behind the cross-site check.
        .route("/api/fn/search", get(server_fn).layer(quick()).layer(json_errors()))
        .route("/accounts/logout/", post(server_fn).layer(quick()).layer(json_errors()))
        .route(
            "/posts/new/",
            post(media::create_post)
                .layer(upload(media::NEW_POST_BODY_LIMIT))
                .merge(pages.clone().layer(quick())),
        )
        .route("/accounts/avatar/", post(media::upload_avatar).layer(upload(media::AVATAR_BODY_LIMIT)))
        .route("/uploads/{name}", get(media::serve).layer(quick()))
        .merge(crate::rest::router(BODY_LIMIT, REQUEST_TIMEOUT))
        .fallback(pages.layer(quick()))
        .method_not_allowed_fallback(middleware::method_not_allowed)
        // Listed innermost first: each `.layer` wraps everything above it.
        .layer(session_layer)
        .layer(axum::middleware::from_fn_with_state(public, middleware::refuse_cross_site))
        .layer(axum::middleware::from_fn(middleware::add_trailing_slash))
        .layer(CompressionLayer::new())
        // Outside the compression layer: it sees what is sent (Content-Encoding, Vary).
        .layer(axum::middleware::from_fn(crate::cache_control::set_cache_control))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(CatchPanicLayer::custom(|_| middleware::error_response(&AppError::Internal)))
        .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span))
        .layer(PropagateRequestIdLayer::new(telemetry::REQUEST_ID))
        .layer(SetRequestIdLayer::new(telemetry::REQUEST_ID, MakeRequestUuid))
        // Outermost: no request can inherit another's reactive owner (request_scope.rs).
        .layer(axum::middleware::from_fn(crate::request_scope::isolate_reactive_owner))
        .with_state(state)
}

/// Whether `path` could name a file of the site, so that asking the file system about it
/// is worth a blocking call and cannot fail otherwise than "not found": not a directory
/// (ending in `/`, as every page address does; directories are never served), no segment
/// over 250 bytes (file names have at most 255, `.br`/`.gz` are tried too, and
/// percent-encoding only makes the raw text longer), 1,024 bytes in all, and no NUL
/// (`%00`), which no file name holds.
fn could_name_a_file(path: &str) -> bool {
    !path.ends_with('/')
        && path.len() <= 1024
        && path.split('/').all(|segment| segment.len() <= 250)
        && !path.contains("%00")
}

/// A page that redirected while rendering (e.g. a protected page seen by a visitor)
/// answers a real 302, whoever asks: Leptos only does so for requests that accept HTML.
async fn page_response(render: impl std::future::Future<Output = Response>) -> Response {
    let mut res = render.await;
    if res.headers().contains_key(header::LOCATION)
        && res.headers().contains_key(leptos::server_fn::redirect::REDIRECT_HEADER)
    {
        res.headers_mut().remove(leptos::server_fn::redirect::REDIRECT_HEADER);
        *res.status_mut() = StatusCode::FOUND;
        *res.body_mut() = Body::empty();
    }
    res
}

/// The Leptos options cargo-leptos compiled in (or set in the environment, under
/// `cargo leptos watch`), else Shutter's defaults.
fn leptos_options() -> LeptosOptions {
    let from_cargo_leptos =
        option_env!("LEPTOS_OUTPUT_NAME").is_some() || std::env::var_os("LEPTOS_OUTPUT_NAME").is_some();
    from_cargo_leptos
        .then(|| leptos::config::get_configuration(None).ok())
        .flatten()
        .map(|conf| conf.leptos_options)
        .unwrap_or_else(|| LeptosOptions::builder().output_name("shutter").site_pkg_dir("pkg").build())
}

/// Runs a server function. A failed one answers 500 with an `AppError` body; give the
/// response the status (and Retry-After) that error carries, so scripts see a 400, 403,
/// 409 or 429 rather than a 500. Plain form posts keep Leptos's redirect back to the form.
async fn server_fn(State(state): State<AppState>, req: Request<Body>) -> Response {
    let req = match readable(req).await {
        Ok(req) => req,
        Err(e) => return middleware::error_response(&e),
    };
    let res = leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req)
        .await
        .into_response();
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        // On the server, server_fn's "network" errors mean the request could not be
        // decoded: the client's fault, not a gateway's.
        if let AppError::Network(_) = error {
            return middleware::error_response(&AppError::BadRequest(
                "The request could not be read.".into(),
            ));
        }
        parts.status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::TooManyRequests { retry_after_secs } = error {
            parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The request with its body read, or why it cannot be a server function call: a body
/// over the limit (413), a broken or unreadable body, or form fields or a query whose
/// percent-encoding is not UTF-8 (400; server_fn would store U+FFFD in their place).
async fn readable(req: Request<Body>) -> Result<Request<Body>, AppError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::Bytes::from_request(Request::new(body), &()).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge(format!(
                "The request is larger than {} MiB.",
                BODY_LIMIT / (1024 * 1024)
            ))
        } else {
            AppError::BadRequest("The request body could not be read.".into())
        }
    })?;
    for encoded in [parts.uri.query().unwrap_or_default().as_bytes(), &bytes] {
        if !is_utf8_form(encoded) {
            return Err(AppError::BadRequest("The form is not valid UTF-8 text.".into()));
        }
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Whether a URL-encoded form (or query string) decodes to UTF-8 text.
fn is_utf8_form(encoded: &[u8]) -> bool {
    percent_encoding::percent_decode(encoded).decode_utf8().is_ok()
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_that_could_name_a_file_ask_the_file_system() {
        assert!(could_name_a_file("/pkg/shutter.wasm"));
        assert!(could_name_a_file(&format!("/pkg/{}", "x".repeat(250))));
        assert!(!could_name_a_file(&format!("/pkg/{}", "x".repeat(251))));
        assert!(!could_name_a_file("/"), "a page: never a file");
        assert!(!could_name_a_file("/users/ada/"));
        assert!(!could_name_a_file("/favicon.svg/"));
        assert!(!could_name_a_file("/a%00b.txt"));
        assert!(!could_name_a_file(&format!("/{}f.txt", "a/".repeat(600))));
    }

    #[test]
    fn forms_must_decode_to_utf8() {
        assert!(is_utf8_form(b"caption=caf%C3%A9+%23tag&id=1"));
        assert!(is_utf8_form(b"text=100%"), "a stray % is text");
        assert!(!is_utf8_form(b"caption=%FF"));
        assert!(!is_utf8_form(b"caption=%C3"));
        assert!(!is_utf8_form(b"caption=\xff"));
    }
}
