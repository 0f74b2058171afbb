//! Photo uploads and media files: `POST /posts/new/` (the new-post form, multipart, with
//! or without JavaScript), `POST /accounts/avatar/`, and `GET /uploads/<name>`.

use crate::middleware::error_response;
use app::{
    domain::{AltText, Caption},
    error::AppError,
    server::{
        auth::{self, Door},
        media::{Upload, pipeline::MAX_BYTES, store},
        posts::{self, MAX_PHOTOS},
        profiles,
        state::AppState,
    },
};
use axum::{
    Json,
    body::Body,
    extract::{Multipart, Path, State, multipart::Field},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};

/// Upper bound of a new-post request: ten full-size photos and the form around them.
pub const NEW_POST_BODY_LIMIT: usize = MAX_PHOTOS * MAX_BYTES + 1024 * 1024;
/// Upper bound of an avatar request.
pub const AVATAR_BODY_LIMIT: usize = MAX_BYTES + 64 * 1024;
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// Scripts (the hydrated page, tests) ask for JSON; a plain form post gets HTML.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

/// An error as the client wants it: JSON for scripts, a small page for a plain form.
fn failure(state: &AppState, json: bool, error: &AppError, back: &str) -> Response {
    if json {
        return error_response(error);
    }
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Upload refused · Shutter</title><link rel=\"stylesheet\" href=\"{}\"></head>\
         <body><main class=\"page\"><section class=\"card narrow\"><h1>That did not work</h1>\
         <p class=\"form-error\" role=\"alert\">{}</p><p><a class=\"button\" href=\"{back}\">Try again</a></p>\
         </section></main></body></html>",
        app::html::escape(&crate::assets::stylesheet_href(&state.leptos_options)),
        app::html::escape(&error.to_string())
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

fn bad_form(e: impl std::fmt::Display) -> AppError {
    let message = e.to_string();
    if message.contains("length limit") || message.contains("too large") {
        AppError::PayloadTooLarge("The upload is too large.".into())
    } else {
        AppError::BadRequest(format!("The upload could not be read: {message}"))
    }
}

/// Reads a file part into memory, refusing it as soon as it passes `MAX_BYTES`.
async fn read_file(mut field: Field<'_>) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(AppError::PayloadTooLarge(format!(
                "A photo can be at most {} MB.",
                MAX_BYTES / (1024 * 1024)
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A text field, strictly UTF-8 (`Field::text` would put U+FFFD in place of bad bytes).
async fn read_text(mut field: Field<'_>) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(AppError::PayloadTooLarge("A text field is too long.".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::BadRequest("The form is not valid UTF-8 text.".into()))
}

struct NewPostForm {
    files: Vec<Vec<u8>>,
    caption: String,
    alts: Vec<String>,
}

async fn read_new_post(mut multipart: Multipart) -> Result<NewPostForm, AppError> {
    let mut form = NewPostForm { files: Vec::new(), caption: String::new(), alts: Vec::new() };
    while let Some(field) = multipart.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("images") => {
                let bytes = read_file(field).await?;
                // A file input left empty still sends an empty part.
                if !bytes.is_empty() {
                    if form.files.len() == MAX_PHOTOS {
                        return Err(AppError::BadRequest(format!("A post has at most {MAX_PHOTOS} photos.")));
                    }
                    form.files.push(bytes);
                }
            }
            Some("caption") => form.caption = read_text(field).await?,
            Some("alt") => form.alts.push(read_text(field).await?),
            _ => {}
        }
    }
    Ok(form)
}

/// `POST /posts/new/`: creates a post from 1–10 photos, a caption and alt texts.
/// Answers 201 `{"postid", "url"}` to scripts, 303 to the new post page to a plain form.
pub async fn create_post(State(state): State<AppState>, parts: Parts, multipart: Multipart) -> Response {
    let json = wants_json(&parts.headers);
    let result = async {
        let owner_id = auth::identify(&state, &parts, Door::Site).await?.signed_in()?.id;
        let form = read_new_post(multipart).await?;
        let caption = Caption::parse(&form.caption)?;
        let uploads = form
            .files
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| {
                let alt = AltText::parse(form.alts.get(i).map(String::as_str).unwrap_or_default())?;
                Ok(Upload { bytes, alt })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        posts::create(&state, owner_id, caption, uploads).await
    }
    .await;
    match result {
        Ok(id) => {
            let url = format!("/posts/{id}/");
            if json {
                (StatusCode::CREATED, Json(serde_json::json!({ "postid": id, "url": url }))).into_response()
            } else {
                Redirect::to(&url).into_response()
            }
        }
        Err(AppError::SignInRequired) if !json => {
            Redirect::to("/accounts/login/?next=%2Fposts%2Fnew%2F").into_response()
        }
        Err(e) => failure(&state, json, &e, "/posts/new/"),
    }
}

/// `POST /accounts/avatar/`: replaces the signed-in user's avatar (field `avatar`).
pub async fn upload_avatar(
    State(state): State<AppState>,
    parts: Parts,
    mut multipart: Multipart,
) -> Response {
    let json = wants_json(&parts.headers);
    let result = async {
        let user_id = auth::identify(&state, &parts, Door::Site).await?.signed_in()?.id;
        let mut bytes = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(bad_form)? {
            if field.name() == Some("avatar") {
                bytes = read_file(field).await?;
            }
        }
        if bytes.is_empty() {
            return Err(AppError::BadRequest("Choose a photo for your avatar.".into()));
        }
        profiles::set_avatar(&state, user_id, bytes).await
    }
    .await;
    match result {
        Ok(()) if json => StatusCode::NO_CONTENT.into_response(),
        Ok(()) => Redirect::to("/accounts/edit/?saved=1").into_response(),
        Err(AppError::SignInRequired) if !json => {
            Redirect::to("/accounts/login/?next=%2Faccounts%2Fedit%2F").into_response()
        }
        Err(e) => failure(&state, json, &e, "/accounts/edit/"),
    }
}

/// `GET /uploads/<name>`: a stored JPEG, from whichever store holds them (one path, the
/// same headers). Names are random and content never changes, so the name is the ETag and
/// caches may keep the file forever.
pub async fn serve(State(state): State<AppState>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let not_found = || error_response(&AppError::NotFound("No such file.".into()));
    let Some(etag) = store::etag(&name) else {
        return not_found();
    };
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag || v == "*")
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    match state.media.get(&name).await {
        Ok(Some(bytes)) => {
            let mut res = Response::new(Body::from(bytes));
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(crate::cache_control::IMMUTABLE));
            if let Ok(etag) = HeaderValue::from_str(&etag) {
                h.insert(header::ETAG, etag);
            }
            res
        }
        Ok(None) => not_found(),
        Err(e) => error_response(&AppError::internal(&format!("cannot read the media file {name}"), e)),
    }
}
