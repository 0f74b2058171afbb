//! Posts, likes and comments of `/api/v1/`: thin handlers over `app::server::{posts,
//! social}`, with the JSON shapes of SPEC 5 (its key names, not Rust's).

use super::{ApiError, Person, RestError};
use app::{
    domain::{
        CommentText,
        ids::{CommentId, LikeId, PostId},
    },
    error::AppError,
    server::{page::PageSize, posts, social, state::AppState},
};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Posts per page of the listing when `size` is not given.
const DEFAULT_SIZE: i64 = 10;

fn bad(message: String) -> RestError {
    RestError(AppError::BadRequest(message))
}

/// A count from the query string: absent gives `default`; negative or not a number, 400.
fn count(name: &str, raw: Option<&str>, default: i64) -> Result<i64, RestError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| bad(format!("{name} must be a whole number, 0 or more (got \"{raw}\")."))),
    }
}

/// An id from the path or query: a positive whole number, else 400.
fn id<Id: std::str::FromStr>(name: &str, raw: &str) -> Result<Id, RestError> {
    raw.parse().map_err(|_| bad(format!("{name} must be a positive whole number (got \"{raw}\").")))
}

fn post_url(id: PostId) -> String {
    format!("/api/v1/posts/{id}/")
}

fn user_url(username: &str) -> String {
    format!("/users/{username}/")
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Posts per page, default 10, at most 100.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 100)]
    size: Option<String>,
    /// Pages to skip (of `size` posts each), default 0.
    #[param(value_type = Option<i64>, minimum = 0)]
    page: Option<String>,
    /// Only posts with an id up to this; default the newest post in the feed.
    #[param(value_type = Option<i64>, minimum = 0)]
    postid_lte: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostLink {
    #[schema(value_type = i64)]
    postid: PostId,
    url: String,
}

/// A page of the caller's feed.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostList {
    /// The next page, or "" when this one came back short.
    next: String,
    results: Vec<PostLink>,
    /// The path and query of this request, as sent.
    url: String,
}

/// The caller's feed (own and followed users' posts), newest first, `size` at a time.
#[utoipa::path(
    get,
    path = "/api/v1/posts/",
    tag = "posts",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of the feed", body = PostList),
        (status = 400, description = "A negative or non-numeric size, page or postid_lte, or a size over 100", body = ApiError),
    )
)]
pub async fn list_posts(
    State(state): State<AppState>,
    Person(me): Person,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Result<Json<PostList>, RestError> {
    let size = PageSize::requested(count("size", query.size.as_deref(), DEFAULT_SIZE)?)?;
    let page = count("page", query.page.as_deref(), 0)?;
    let lte = query.postid_lte.as_deref().map(|raw| count("postid_lte", Some(raw), 0)).transpose()?;
    // A bound, not necessarily a post's id (0 lists nothing).
    let lte = lte.map(PostId::new);
    let (ids, lte) = social::feed_page_ids(&state, me.id, size, page, lte).await?;
    // SPEC 5 pages by offset, and a full page always links the next one (the page
    // helper's one-row look-ahead is for the keyset lists of the site).
    let next = match page.checked_add(1) {
        Some(next_page) if ids.len() as i64 >= size.get() => {
            format!("/api/v1/posts/?size={}&page={next_page}&postid_lte={lte}", size.get())
        }
        _ => String::new(),
    };
    let url = uri.path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_else(|| uri.path().to_owned());
    let results = ids.into_iter().map(|postid| PostLink { postid, url: post_url(postid) }).collect();
    Ok(Json(PostList { next, results, url }))
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentObject {
    #[schema(value_type = i64)]
    commentid: CommentId,
    owner: String,
    #[serde(rename = "ownerShowUrl")]
    owner_show_url: String,
    text: String,
    /// The caller wrote it.
    #[serde(rename = "lognameOwnsThis")]
    logname_owns_this: bool,
    url: String,
}

impl CommentObject {
    fn new(id: CommentId, owner: String, text: String, mine: bool) -> Self {
        Self {
            commentid: id,
            owner_show_url: user_url(&owner),
            owner,
            text,
            logname_owns_this: mine,
            url: format!("/api/v1/comments/{id}/"),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LikesSummary {
    #[serde(rename = "numLikes")]
    num_likes: i64,
    #[serde(rename = "lognameLikesThis")]
    logname_likes_this: bool,
    /// The caller's like, or null.
    #[schema(required = true)]
    url: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    url: String,
    #[serde(rename = "thumbUrl")]
    thumb_url: String,
    width: u32,
    height: u32,
    alt: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostDetail {
    #[schema(value_type = i64)]
    postid: PostId,
    url: String,
    #[serde(rename = "postShowUrl")]
    post_show_url: String,
    owner: String,
    #[serde(rename = "ownerShowUrl")]
    owner_show_url: String,
    /// The owner's profile photo (thumbnail), or null if they have none.
    #[serde(rename = "ownerImgUrl")]
    #[schema(required = true)]
    owner_img_url: Option<String>,
    /// The first photo.
    #[serde(rename = "imgUrl")]
    img_url: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    #[schema(example = "2024-05-01 12:34:56")]
    created: String,
    /// Oldest first.
    comments: Vec<CommentObject>,
    comments_url: String,
    likes: LikesSummary,
    caption: String,
    images: Vec<Image>,
}

/// One post: owner, photos, caption, comments and likes.
#[utoipa::path(
    get,
    path = "/api/v1/posts/{postid}/",
    tag = "posts",
    params(("postid" = i64, Path, minimum = 1, description = "The post's id")),
    responses(
        (status = 200, description = "The post", body = PostDetail),
        (status = 400, description = "postid is not a positive number", body = ApiError),
        (status = 404, description = "No such post", body = ApiError),
    )
)]
pub async fn post_detail(
    State(state): State<AppState>,
    Person(me): Person,
    Path(postid): Path<String>,
) -> Result<Json<PostDetail>, RestError> {
    let postid: PostId = id("postid", &postid)?;
    let post = posts::view(&state, Some(me.id), postid).await?;
    let like = if post.likes.liked { social::like_id(&state, me.id, postid).await? } else { None };
    let comments = post
        .comments
        .into_iter()
        .map(|c| {
            let mine = c.username == me.username;
            CommentObject::new(c.id, c.username, c.text, mine)
        })
        .collect();
    let images: Vec<Image> = post
        .photos
        .into_iter()
        .map(|p| Image { url: p.url, thumb_url: p.thumb_url, width: p.width, height: p.height, alt: p.alt })
        .collect();
    Ok(Json(PostDetail {
        postid,
        url: post_url(postid),
        post_show_url: format!("/posts/{postid}/"),
        owner_show_url: user_url(&post.owner.username),
        owner: post.owner.username,
        owner_img_url: post.owner.avatar_url,
        img_url: images.first().map(|i| i.url.clone()).unwrap_or_default(),
        created: post.created_at,
        comments,
        comments_url: format!("/api/v1/comments/?postid={postid}"),
        likes: LikesSummary {
            num_likes: post.likes.count,
            logname_likes_this: post.likes.liked,
            url: like.map(|id| format!("/api/v1/likes/{id}/")),
        },
        caption: post.caption,
        images,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostIdQuery {
    /// The post's id.
    #[param(value_type = i64, required = true, minimum = 1)]
    postid: Option<String>,
}

impl PostIdQuery {
    fn post_id(&self) -> Result<PostId, RestError> {
        let raw = self.postid.as_deref().ok_or_else(|| bad("postid is required: ?postid=<id>".into()))?;
        id("postid", raw)
    }
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Like {
    #[schema(value_type = i64)]
    likeid: LikeId,
    url: String,
}

/// Likes a post as the caller. Liking twice keeps the one like.
#[utoipa::path(
    post,
    path = "/api/v1/likes/",
    tag = "likes",
    params(PostIdQuery),
    responses(
        (status = 201, description = "Liked", body = Like),
        (status = 200, description = "Already liked: the existing like", body = Like),
        (status = 400, description = "postid missing or not a positive number", body = ApiError),
        (status = 404, description = "No such post", body = ApiError),
    )
)]
pub async fn create_like(
    State(state): State<AppState>,
    Person(me): Person,
    Query(query): Query<PostIdQuery>,
) -> Result<Response, RestError> {
    let like = social::like_post(&state, me.id, query.post_id()?).await?;
    let status = if like.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Like { likeid: like.id, url: format!("/api/v1/likes/{}/", like.id) })).into_response())
}

/// Removes one of the caller's likes.
#[utoipa::path(
    delete,
    path = "/api/v1/likes/{likeid}/",
    tag = "likes",
    params(("likeid" = i64, Path, minimum = 1, description = "The like's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "likeid is not a positive number", body = ApiError),
        (status = 403, description = "No valid credentials, or someone else's like", body = ApiError),
        (status = 404, description = "No such like", body = ApiError),
    )
)]
pub async fn delete_like(
    State(state): State<AppState>,
    Person(me): Person,
    Path(likeid): Path<String>,
) -> Result<StatusCode, RestError> {
    social::delete_like(&state, me.id, id::<LikeId>("likeid", &likeid)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// 1 to 1,000 characters (trimmed), not all spaces, no control characters but line
    /// breaks, no bidirectional overrides (the pattern states the same in a regex).
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = r"^[^\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    text: String,
}

/// Comments on a post as the caller.
#[utoipa::path(
    post,
    path = "/api/v1/comments/",
    tag = "comments",
    params(PostIdQuery),
    request_body = NewComment,
    responses(
        (status = 201, description = "The new comment", body = CommentObject),
        (status = 400, description = "Empty or over-long text, a malformed body, or a bad postid", body = ApiError),
        (status = 404, description = "No such post", body = ApiError),
        (status = 413, description = "Body too large", body = ApiError),
        (status = 415, description = "The body is declared as something else than JSON", body = ApiError),
    )
)]
pub async fn create_comment(
    State(state): State<AppState>,
    Person(me): Person,
    Query(query): Query<PostIdQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, RestError> {
    let post_id = query.post_id()?;
    // A body declared as something else than JSON is refused as such (415); an
    // undeclared one is read as JSON and refused as malformed if it is not.
    let declared_not_json = headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        let essence = v.to_str().unwrap_or_default().split(';').next().unwrap_or_default().trim();
        let essence = essence.to_ascii_lowercase();
        essence != "application/json" && !essence.ends_with("+json")
    });
    if declared_not_json {
        return Err(AppError::UnsupportedMedia(
            "The body must be JSON (Content-Type: application/json).".into(),
        )
        .into());
    }
    let malformed =
        |e: &dyn std::fmt::Display| bad(format!("The body must be JSON like {{\"text\": \"…\"}}: {e}"));
    // serde reads a struct from an array too (`["hello"]`); the API documents an object.
    let body: serde_json::Value = serde_json::from_slice(&body).map_err(|e| malformed(&e))?;
    if !body.is_object() {
        return Err(malformed(&"it is not an object"));
    }
    let body: NewComment = serde_json::from_value(body).map_err(|e| malformed(&e))?;
    let text = CommentText::parse(&body.text).map_err(AppError::from)?;
    let comment = social::add_comment(&state, &me, post_id, text).await?;
    let object = CommentObject::new(comment.id, comment.username, comment.text, true);
    Ok((StatusCode::CREATED, Json(object)).into_response())
}

/// Deletes a comment: the caller's own, or one on the caller's post.
#[utoipa::path(
    delete,
    path = "/api/v1/comments/{commentid}/",
    tag = "comments",
    params(("commentid" = i64, Path, minimum = 1, description = "The comment's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "commentid is not a positive number", body = ApiError),
        (status = 403, description = "No valid credentials, or neither the caller's comment nor on the caller's post", body = ApiError),
        (status = 404, description = "No such comment", body = ApiError),
    )
)]
pub async fn delete_comment(
    State(state): State<AppState>,
    Person(me): Person,
    Path(commentid): Path<String>,
) -> Result<StatusCode, RestError> {
    social::delete_comment(&state, me.id, id::<CommentId>("commentid", &commentid)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
