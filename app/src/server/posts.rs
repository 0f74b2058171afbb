//! The post rules: create (1–10 photos, processed off the runtime, files and rows commit
//! together or not at all), edit and delete (owner only, enforced in the SQL), and the
//! reads behind post pages, profiles and tag pages.

use crate::{
    domain::{AltText, Caption, Username, caption::mentions},
    dto::{Author, GridPage, Photo, PostThumb, PostView, Profile, media_url, thumb_url},
    error::AppError,
    server::{
        db,
        media::{self, MediaStore, Shape},
        state::AppState,
    },
};
use std::sync::Arc;

pub use crate::domain::MAX_PHOTOS;
/// Posts per grid page.
pub const GRID_PAGE: i64 = 24;

pub struct Upload {
    pub bytes: Vec<u8>,
    pub alt: AltText,
}

/// A processed photo, already in the store under `stem`.
struct Stored {
    stem: String,
    full: (u32, u32),
    thumb: (u32, u32),
    alt: AltText,
}

fn io_error(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "media store error");
    AppError::Internal
}

/// Removes the files of `stems`; failures are logged (an orphan file is harmless, a
/// missing one is not, so files always go after their rows).
pub fn remove_files(store: &dyn MediaStore, stems: &[String]) {
    for stem in stems {
        for name in [format!("{stem}.jpg"), format!("{stem}_t.jpg")] {
            if let Err(e) = store.delete(&name) {
                tracing::warn!(error = %e, name, "could not delete a media file");
            }
        }
    }
}

/// `remove_files` on the blocking pool, for async callers.
pub async fn remove_files_off_runtime(state: &AppState, stems: Vec<String>) {
    if stems.is_empty() {
        return;
    }
    let store = Arc::clone(&state.media);
    if let Err(e) = tokio::task::spawn_blocking(move || remove_files(store.as_ref(), &stems)).await {
        tracing::warn!(error = %e, "media clean-up task failed");
    }
}

/// Processes the uploads and writes their files; on any failure removes what it wrote.
fn process_and_store(
    store: &dyn MediaStore,
    uploads: Vec<Upload>,
    shape: Shape,
) -> Result<Vec<Stored>, AppError> {
    let count = uploads.len();
    let mut stored: Vec<Stored> = Vec::with_capacity(count);
    let result = (|| {
        for (index, upload) in uploads.into_iter().enumerate() {
            // With several photos, say which one was refused.
            let processed = media::process(&upload.bytes, shape).map_err(|e| match e {
                AppError::UnsupportedMedia(m) if count > 1 => {
                    AppError::UnsupportedMedia(format!("Photo {}: {m}", index + 1))
                }
                AppError::PayloadTooLarge(m) if count > 1 => {
                    AppError::PayloadTooLarge(format!("Photo {}: {m}", index + 1))
                }
                other => other,
            })?;
            let stem = media::new_stem().map_err(io_error)?;
            // Recorded before writing, so a failure below also removes a partial pair.
            stored.push(Stored {
                stem: stem.clone(),
                full: (processed.full.width, processed.full.height),
                thumb: (processed.thumb.width, processed.thumb.height),
                alt: upload.alt,
            });
            store.put(&format!("{stem}.jpg"), &processed.full.jpeg).map_err(io_error)?;
            store.put(&format!("{stem}_t.jpg"), &processed.thumb.jpeg).map_err(io_error)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(stored),
        Err(e) => {
            remove_files(store, &stored.iter().map(|s| s.stem.clone()).collect::<Vec<_>>());
            Err(e)
        }
    }
}

/// Runs CPU-heavy media work on the blocking pool, at most one job per core at a time so
/// a burst of uploads cannot exhaust memory.
async fn process_off_runtime(
    state: &AppState,
    uploads: Vec<Upload>,
    shape: Shape,
) -> Result<Vec<Stored>, AppError> {
    let _permit = state.media_permits.acquire().await.map_err(|_| AppError::Internal)?;
    let store = Arc::clone(&state.media);
    tokio::task::spawn_blocking(move || process_and_store(store.as_ref(), uploads, shape)).await.map_err(
        |e| {
            tracing::error!(error = %e, "media task failed");
            AppError::Internal
        },
    )?
}

pub async fn create(
    state: &AppState,
    owner_id: i64,
    caption: Caption,
    uploads: Vec<Upload>,
) -> Result<i64, AppError> {
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
            tracing::info!(post_id = id, owner_id, photos = stored.len(), "post created");
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
    owner_id: i64,
    caption: &Caption,
    stored: &[Stored],
) -> Result<i64, AppError> {
    let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
    let id = db::posts::insert_post(&mut tx, owner_id, caption.as_str()).await?;
    for (position, s) in stored.iter().enumerate() {
        let image = db::posts::NewImage {
            stem: &s.stem,
            width: s.full.0,
            height: s.full.1,
            thumb_width: s.thumb.0,
            thumb_height: s.thumb.1,
            alt: s.alt.as_str(),
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

pub async fn edit(
    state: &AppState,
    owner_id: i64,
    post_id: i64,
    caption: Caption,
    alts: Vec<AltText>,
) -> Result<(), AppError> {
    let alts: Vec<String> = alts.into_iter().map(|a| a.as_str().to_owned()).collect();
    // Refusals are decided before taking the write lock, so a stranger's edit costs
    // other writers nothing; the SQL checks ownership again inside the transaction.
    check_owner(state, owner_id, post_id).await?;
    let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
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

pub async fn delete(state: &AppState, owner_id: i64, post_id: i64) -> Result<(), AppError> {
    check_owner(state, owner_id, post_id).await?;
    let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
    let Some(stems) = db::posts::delete(&mut tx, post_id, owner_id).await? else {
        tx.rollback().await?;
        return Err(ownership_error(state, owner_id, post_id).await);
    };
    tx.commit().await?;
    remove_files_off_runtime(state, stems).await;
    tracing::info!(post_id, owner_id, "post deleted");
    Ok(())
}

/// Refuses (404 or 403) unless `owner_id` owns the post. A plain read: never call it
/// while holding a write transaction, which would wait for a second pool connection
/// with the write lock held and stall every other writer.
async fn check_owner(state: &AppState, owner_id: i64, post_id: i64) -> Result<(), AppError> {
    match db::posts::owner_of(&state.pool, post_id).await? {
        Some(owner) if owner == owner_id => Ok(()),
        Some(_) => Err(forbidden()),
        None => Err(not_found()),
    }
}

fn forbidden() -> AppError {
    AppError::Forbidden("Only the owner can change this post.".into())
}

/// Why the SQL refused a change (404 or 403), asked after the transaction ended.
async fn ownership_error(state: &AppState, owner_id: i64, post_id: i64) -> AppError {
    check_owner(state, owner_id, post_id).await.err().unwrap_or_else(not_found)
}

/// A stored photo as pages show it (the post page and feed cards).
pub fn photo(image: db::posts::ImageRow) -> Photo {
    Photo {
        url: media_url(&image.stem),
        thumb_url: thumb_url(&image.stem),
        width: image.width,
        height: image.height,
        thumb_width: image.thumb_width,
        thumb_height: image.thumb_height,
        alt: image.alt,
    }
}

pub async fn view(state: &AppState, viewer_id: Option<i64>, post_id: i64) -> Result<PostView, AppError> {
    let post = db::posts::find(&state.pool, post_id).await?.ok_or_else(not_found)?;
    let photos = db::posts::images(&state.pool, post_id).await?.into_iter().map(photo).collect();
    let (count, liked) = db::likes::state(&state.pool, viewer_id.unwrap_or(0), post_id).await?;
    let is_owner = viewer_id == Some(post.owner_id);
    let comments = db::comments::of_post(&state.pool, post_id)
        .await?
        .into_iter()
        .map(|c| crate::dto::CommentView {
            can_delete: is_owner || viewer_id == Some(c.owner_id),
            id: c.id,
            username: c.username,
            text: c.text,
        })
        .collect();
    Ok(PostView {
        comments,
        likes: crate::dto::LikeState { count, liked },
        id: post.id,
        is_owner: viewer_id == Some(post.owner_id),
        owner: Author::new(post.username, post.full_name, post.avatar.as_deref()),
        caption: post.caption,
        created_at: post.created_at,
        photos,
    })
}

pub async fn profile(state: &AppState, viewer_id: Option<i64>, username: &str) -> Result<Profile, AppError> {
    let missing = || AppError::NotFound(format!("There is no one called @{username} here."));
    let name = Username::parse(username).map_err(|_| missing())?;
    let p = db::users::profile(&state.pool, name.as_str()).await?.ok_or_else(missing)?;
    let (followers, following) = db::follows::counts(&state.pool, p.id).await?;
    let i_follow = match viewer_id {
        Some(me) if me != p.id => Some(db::follows::is_following(&state.pool, me, p.id).await?),
        _ => None,
    };
    Ok(Profile {
        followers,
        following,
        i_follow,
        is_me: viewer_id == Some(p.id),
        avatar_url: p.avatar.as_deref().map(thumb_url),
        username: p.username,
        full_name: p.full_name,
        bio: p.bio,
        post_count: p.post_count,
    })
}

fn grid_page(rows: Vec<db::posts::ThumbRow>) -> GridPage {
    let next_before = (rows.len() as i64 == GRID_PAGE).then(|| rows.last().map(|r| r.id)).flatten();
    let posts = rows
        .into_iter()
        .map(|r| PostThumb {
            id: r.id,
            thumb_url: thumb_url(&r.stem),
            alt: r.alt,
            photo_count: r.photo_count as u32,
        })
        .collect();
    GridPage { posts, next_before }
}

pub async fn profile_grid(
    state: &AppState,
    username: &str,
    before: Option<i64>,
) -> Result<GridPage, AppError> {
    let owner = super::accounts::user_id_of(state, username).await?;
    let rows = db::posts::grid_of_owner(&state.pool, owner, before.unwrap_or(i64::MAX), GRID_PAGE).await?;
    Ok(grid_page(rows))
}

pub async fn tag_grid(state: &AppState, tag: &str, before: Option<i64>) -> Result<GridPage, AppError> {
    let tag = crate::domain::caption::tag_key(tag);
    let rows = db::posts::grid_of_tag(&state.pool, &tag, before.unwrap_or(i64::MAX), GRID_PAGE).await?;
    if rows.is_empty() && before.is_none() {
        return Err(AppError::NotFound(format!("No posts are tagged #{tag}.")));
    }
    Ok(grid_page(rows))
}

/// Removes stored files that no row points to: what a crash between writing a photo and
/// committing its row leaves behind. Run at start-up, before any upload can be in flight.
pub async fn sweep_orphan_files(
    pool: &sqlx::SqlitePool,
    store: Arc<dyn MediaStore>,
) -> Result<usize, AppError> {
    // The store is listed on a blocking thread in batches, each checked against the
    // database, so memory stays one batch whatever the number of files or rows.
    const BATCH: usize = 500;
    let (batches, mut incoming) = tokio::sync::mpsc::channel::<Vec<String>>(2);
    let lister = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let mut batch = Vec::with_capacity(BATCH);
            for name in store.names()? {
                batch.push(name?);
                if batch.len() == BATCH && batches.blocking_send(std::mem::take(&mut batch)).is_err() {
                    return Ok(());
                }
            }
            if !batch.is_empty() {
                let _ = batches.blocking_send(batch);
            }
            Ok(())
        })
    };
    let mut removed = 0;
    while let Some(names) = incoming.recv().await {
        let stems: Vec<String> = names.iter().map(|n| stem_of(n).to_owned()).collect();
        let orphans: std::collections::HashSet<String> =
            db::posts::unknown_stems(pool, &stems).await?.into_iter().collect();
        let doomed: Vec<String> = names.into_iter().filter(|n| orphans.contains(stem_of(n))).collect();
        removed += doomed.len();
        let store = store.clone();
        tokio::task::spawn_blocking(move || doomed.iter().try_for_each(|name| store.delete(name)))
            .await
            .map_err(|_| AppError::Internal)?
            .map_err(io_error)?;
    }
    lister.await.map_err(|_| AppError::Internal)?.map_err(io_error)?;
    Ok(removed)
}

/// `<stem>.jpg` and `<stem>_t.jpg` → `<stem>`.
fn stem_of(name: &str) -> &str {
    name.trim_end_matches(".jpg").trim_end_matches("_t")
}

/// Replaces the user's avatar with a square crop of `bytes`; the old files go.
pub async fn set_avatar(state: &AppState, user_id: i64, bytes: Vec<u8>) -> Result<(), AppError> {
    let upload = Upload { bytes, alt: AltText::default() };
    let stored = process_off_runtime(state, vec![upload], Shape::Avatar).await?;
    let stems: Vec<String> = stored.into_iter().map(|s| s.stem).collect();
    let Some(stem) = stems.first() else {
        return Err(AppError::Internal);
    };
    match db::users::replace_avatar(&state.pool, user_id, stem).await {
        Ok(old) => {
            remove_files_off_runtime(state, old.into_iter().collect()).await;
            Ok(())
        }
        Err(e) => {
            remove_files_off_runtime(state, stems).await;
            Err(e.into())
        }
    }
}
