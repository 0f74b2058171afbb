//! The file side of posts and avatars: uploads processed off the runtime into the store,
//! files removed after their rows, and the start-up sweep of old files no row points to.

use super::{MediaStore, Shape, process, store};
use crate::{
    domain::AltText,
    error::AppError,
    server::{db, state::AppState},
};
use futures_util::StreamExt;
use std::{
    sync::Arc,
    time::{Duration, SystemTime},
};

pub struct Upload {
    pub bytes: Vec<u8>,
    pub alt: AltText,
}

/// A processed photo, already in the store under `stem`.
pub struct Stored {
    pub stem: String,
    pub full: (u32, u32),
    pub thumb: (u32, u32),
    pub alt: AltText,
}

fn io_error(e: std::io::Error) -> AppError {
    AppError::internal("media store error", e)
}

/// Removes the files of `stems`; failures are logged (an orphan file is harmless, a
/// missing one is not, so files always go after their rows).
async fn remove_files(store: &dyn MediaStore, stems: &[String]) {
    for stem in stems {
        if let Err(e) = store.delete_variants(stem).await {
            tracing::warn!(error = %e, stem, "could not delete a media file");
        }
    }
}

/// Removes the files of `stems` (the local store does its file work on the blocking pool).
pub async fn remove_files_off_runtime(state: &AppState, stems: Vec<String>) {
    remove_files(state.media.as_ref(), &stems).await;
}

/// Processes one upload on the blocking pool (decoding and resizing are CPU-heavy).
async fn process_one(upload_bytes: Vec<u8>, shape: Shape) -> Result<super::Processed, AppError> {
    tokio::task::spawn_blocking(move || process(&upload_bytes, shape))
        .await
        .map_err(|e| AppError::internal("media task failed", e))?
}

/// Processes the uploads and writes their files; on any failure removes what it wrote.
async fn process_and_store(
    store: &dyn MediaStore,
    uploads: Vec<Upload>,
    shape: Shape,
) -> Result<Vec<Stored>, AppError> {
    let count = uploads.len();
    let mut stored: Vec<Stored> = Vec::with_capacity(count);
    let result = async {
        for (index, upload) in uploads.into_iter().enumerate() {
            // With several photos, say which one was refused.
            let processed = process_one(upload.bytes, shape).await.map_err(|e| match e {
                AppError::UnsupportedMedia(m) if count > 1 => {
                    AppError::UnsupportedMedia(format!("Photo {}: {m}", index + 1))
                }
                AppError::PayloadTooLarge(m) if count > 1 => {
                    AppError::PayloadTooLarge(format!("Photo {}: {m}", index + 1))
                }
                other => other,
            })?;
            let stem = store::new_stem().map_err(io_error)?;
            // Recorded before writing, so a failure below also removes a partial set.
            stored.push(Stored {
                stem: stem.clone(),
                full: (processed.full.width, processed.full.height),
                thumb: (processed.thumb.width, processed.thumb.height),
                alt: upload.alt,
            });
            store.put_variants(&stem, processed).await.map_err(io_error)?;
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(stored),
        Err(e) => {
            remove_files(store, &stored.iter().map(|s| s.stem.clone()).collect::<Vec<_>>()).await;
            Err(e)
        }
    }
}

/// Runs CPU-heavy media work on the blocking pool, at most one job per core at a time so
/// a burst of uploads cannot exhaust memory.
pub async fn process_off_runtime(
    state: &AppState,
    uploads: Vec<Upload>,
    shape: Shape,
) -> Result<Vec<Stored>, AppError> {
    let _permit = state.media_permits.acquire().await.map_err(|_| AppError::Internal)?;
    process_and_store(state.media.as_ref(), uploads, shape).await
}

/// How old a file no row points to must be before the start-up sweep removes it: another
/// instance writes a photo's files before committing its row, and an upload of ten photos
/// over a slow link may take minutes (UPLOAD_TIMEOUT is 10 minutes too), so a younger file
/// may be one that is still being committed.
pub const ORPHAN_GRACE: Duration = Duration::from_secs(10 * 60);

/// Removes stored files that no row points to and that were last written before
/// `older_than` (at start-up: `ORPHAN_GRACE` ago): what a crash between writing a photo and
/// committing its row leaves behind, and never a file another instance is still committing.
pub async fn sweep_orphan_files(
    pool: &db::Db,
    store: Arc<dyn MediaStore>,
    older_than: SystemTime,
) -> Result<usize, AppError> {
    // The store is listed in batches, each checked against the database, so memory stays
    // one batch whatever the number of files or rows.
    const BATCH: usize = 500;
    let mut batches = store.names().ready_chunks(BATCH);
    let mut removed = 0;
    while let Some(batch) = batches.next().await {
        let names: Vec<String> = batch
            .into_iter()
            .filter_map(|listed| match listed {
                Ok(listed) if listed.modified < older_than => Some(Ok(listed.name)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<_, _>>()
            .map_err(io_error)?;
        if names.is_empty() {
            continue;
        }
        let stems: Vec<String> = names.iter().map(|n| stem_of(n).to_owned()).collect();
        let orphans: std::collections::HashSet<String> =
            db::posts::unknown_stems(pool, &stems).await?.into_iter().collect();
        for name in names.iter().filter(|n| orphans.contains(stem_of(n))) {
            store.delete(name).await.map_err(io_error)?;
            removed += 1;
        }
    }
    Ok(removed)
}
/// The stem of a stored name (`names()` lists only names the store accepts).
fn stem_of(name: &str) -> &str {
    store::parse_name(name).map_or(name, |(stem, _)| stem)
}
