//! Posts: create (1–10 photos, processed off the runtime by `media::uploads`; files and
//! rows commit together or not at all), edit and delete (`policy::may_change_post`,
//! enforced again in the SQL), and the reads behind post pages and the grids of profiles
//! and tags.

use crate::{
    domain::{
        AltText, Caption,
        caption::mentions,
        ids::{PostId, UserId},
    },
    dto::{GridPage, Photo, PostThumb, PostView},
    error::AppError,
    server::{
        db,
        media::{
            Shape, Upload, Variant, remove_files_off_runtime,
            store::srcset,
            uploads::{Stored, process_off_runtime},
        },
        page::PageSize,
        policy,
        state::AppState,
    },
};

pub use crate::domain::MAX_PHOTOS;
/// Posts per grid page.
pub const GRID_PAGE: PageSize = PageSize::fixed(24);

#[tracing::instrument(skip_all, fields(user = owner_id.get()))]
pub async fn create(
    state: &AppState,
    owner_id: UserId,
    caption: Caption,
    uploads: Vec<Upload>,
) -> Result<PostId, AppError> {
    if uploads.is_empty() {
        return Err(AppError::BadRequest("Choose at least one photo.".into()));
    }
    if uploads.len() > MAX_PHOTOS {
        return Err(AppError::BadRequest(format!("A post has at most {MAX_PHOTOS} photos.")));
    }
    let stored = process_off_runtime(state, uploads, Shape::Photo).await?;
    let stems: Vec<String> = stored.iter().map(|s| s.stem.clone()).collect();
    match insert_post(state, owner_id, &caption, &stored).await {
        Ok(id) => {
            tracing::info!(
                post_id = id.get(),
                owner_id = owner_id.get(),
                photos = stored.len(),
                "post created"
            );
            Ok(id)
        }
        Err(e) => {
            remove_files_off_runtime(state, stems).await;
            Err(e)
        }
    }
}

async fn insert_post(
    state: &AppState,
    owner_id: UserId,
    caption: &Caption,
    stored: &[Stored],
) -> Result<PostId, AppError> {
    let mut tx = state.db.begin_write().await?;
    let id = db::posts::insert_post(&mut tx, owner_id, caption.as_str()).await?;
    for (position, s) in stored.iter().enumerate() {
        let image = db::posts::NewImage {
            stem: &s.stem,
            width: s.full.0,
            height: s.full.1,
            thumb_width: s.thumb.0,
            thumb_height: s.thumb.1,
            alt: s.alt.as_str(),
            // Stored with the rest (`put_variants`) before this row is written.
            middle_sizes: true,
        };
        db::posts::insert_image(&mut tx, id, position, &image).await?;
    }
    db::posts::set_tags(&mut tx, id, &caption.tags()).await?;
    db::notifications::mention(&mut tx, owner_id, id, None, &mentions(caption.as_str())).await?;
    tx.commit().await?;
    Ok(id)
}

fn not_found() -> AppError {
    AppError::NotFound("This post does not exist, or was deleted.".into())
}

#[tracing::instrument(skip_all, fields(user = owner_id.get(), post = post_id.get()))]
pub async fn edit(
    state: &AppState,
    owner_id: UserId,
    post_id: PostId,
    caption: Caption,
    alts: Vec<AltText>,
) -> Result<(), AppError> {
    let alts: Vec<String> = alts.into_iter().map(|a| a.as_str().to_owned()).collect();
    // Refusals are decided before taking the write lock, so a stranger's edit costs
    // other writers nothing; the SQL checks ownership again inside the transaction.
    check_owner(state, owner_id, post_id).await?;
    let mut tx = state.db.begin_write().await?;
    if !db::posts::update(&mut tx, post_id, owner_id, caption.as_str(), &alts).await? {
        // Deleted meanwhile: release the lock before looking up why.
        tx.rollback().await?;
        return Err(ownership_error(state, owner_id, post_id).await);
    }
    db::posts::set_tags(&mut tx, post_id, &caption.tags()).await?;
    // People newly mentioned by the edit are told; those already told are not told again.
    db::notifications::mention(&mut tx, owner_id, post_id, None, &mentions(caption.as_str())).await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(user = owner_id.get(), post = post_id.get()))]
pub async fn delete(state: &AppState, owner_id: UserId, post_id: PostId) -> Result<(), AppError> {
    check_owner(state, owner_id, post_id).await?;
    let mut tx = state.db.begin_write().await?;
    let Some(stems) = db::posts::delete(&mut tx, post_id, owner_id).await? else {
        tx.rollback().await?;
        return Err(ownership_error(state, owner_id, post_id).await);
    };
    tx.commit().await?;
    remove_files_off_runtime(state, stems).await;
    tracing::info!(post_id = post_id.get(), owner_id = owner_id.get(), "post deleted");
    Ok(())
}

/// Refuses (404 or 403) unless `owner_id` owns the post. A plain read: never call it
/// while holding a write transaction, which would wait for a second pool connection
/// with the write lock held and stall every other writer.
async fn check_owner(state: &AppState, owner_id: UserId, post_id: PostId) -> Result<(), AppError> {
    match db::posts::owner_of(&state.db, post_id).await? {
        Some(owner) if policy::may_change_post(Some(owner_id), owner) => Ok(()),
        Some(_) => Err(policy::change_post_refused()),
        None => Err(not_found()),
    }
}

/// Why the SQL refused a change (404 or 403), asked after the transaction ended.
async fn ownership_error(state: &AppState, owner_id: UserId, post_id: PostId) -> AppError {
    check_owner(state, owner_id, post_id).await.err().unwrap_or_else(not_found)
}

/// A stored photo as pages show it (the post page and feed cards).
pub fn photo(image: db::posts::ImageRow) -> Photo {
    Photo {
        url: Variant::Full.url(&image.stem),
        thumb_url: Variant::Thumbnail.url(&image.stem),
        srcset: srcset(&image.stem, (image.width, image.height), image.thumb_width, image.middle_sizes),
        width: image.width,
        height: image.height,
        thumb_width: image.thumb_width,
        thumb_height: image.thumb_height,
        alt: image.alt,
    }
}

#[tracing::instrument(skip_all, fields(viewer = ?viewer_id.map(UserId::get), post = post_id.get()))]
pub async fn view(
    state: &AppState,
    viewer_id: Option<UserId>,
    post_id: PostId,
) -> Result<PostView, AppError> {
    let post = db::posts::find(&state.db, post_id).await?.ok_or_else(not_found)?;
    let photos = db::posts::images(&state.db, post_id).await?.into_iter().map(photo).collect();
    let (count, liked) = db::likes::state(&state.db, viewer_id.unwrap_or(UserId::NONE), post_id).await?;
    let is_owner = policy::may_change_post(viewer_id, post.owner_id);
    let comments = db::comments::of_post(&state.db, post_id)
        .await?
        .into_iter()
        .map(|c| crate::dto::CommentView {
            can_delete: policy::may_delete_comment(viewer_id, c.owner_id, post.owner_id),
            id: c.id,
            username: c.username,
            text: c.text,
        })
        .collect();
    Ok(PostView {
        comments,
        likes: crate::dto::LikeState { count, liked },
        id: post.id,
        is_owner,
        owner: super::profiles::author(post.username, post.full_name, post.avatar.as_deref()),
        caption: post.caption,
        created_at: post.created_at,
        photos,
    })
}

fn grid_page(rows: Vec<db::posts::ThumbRow>) -> GridPage {
    let page = GRID_PAGE.page(rows);
    let next_before = page.next(|r| r.id);
    let posts = page
        .items
        .into_iter()
        .map(|r| PostThumb {
            id: r.id,
            thumb_url: Variant::Thumbnail.url(&r.stem),
            alt: r.alt,
            photo_count: r.photo_count as u32,
        })
        .collect();
    GridPage { posts, next_before }
}

pub async fn profile_grid(
    state: &AppState,
    username: &str,
    before: Option<PostId>,
) -> Result<GridPage, AppError> {
    let owner = super::accounts::user_id_of(state, username).await?;
    let rows =
        db::posts::grid_of_owner(&state.db, owner, before.unwrap_or(PostId::MAX), GRID_PAGE.fetch_limit())
            .await?;
    Ok(grid_page(rows))
}

pub async fn tag_grid(state: &AppState, tag: &str, before: Option<PostId>) -> Result<GridPage, AppError> {
    let tag = crate::domain::caption::tag_key(tag);
    let rows =
        db::posts::grid_of_tag(&state.db, &tag, before.unwrap_or(PostId::MAX), GRID_PAGE.fetch_limit())
            .await?;
    if rows.is_empty() && before.is_none() {
        return Err(AppError::NotFound(format!("No posts are tagged #{tag}.")));
    }
    Ok(grid_page(rows))
}
