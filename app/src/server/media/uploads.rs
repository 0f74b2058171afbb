//! The file side of posts and avatars: uploads processed off the runtime into the store,
//! files removed after their rows, and the start-up sweep of files no row points to.

use super::{MediaStore, Shape, process, store};
use crate::{
    domain::AltText,
    error::AppError,
    server::{db, state::AppState},
};
use std::sync::Arc;

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
fn remove_files(store: &dyn MediaStore, stems: &[String]) {
    for stem in stems {
        if let Err(e) = store.delete_variants(stem) {
            tracing::warn!(error = %e, stem, "could not delete a media file");
        }
    }
}

/// Removes the files of `stems` on the blocking pool.
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
            let processed = process(&upload.bytes, shape).map_err(|e| match e {
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
            store.put_variants(&stem, &processed).map_err(io_error)?;
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
pub async fn process_off_runtime(
    state: &AppState,
    uploads: Vec<Upload>,
    shape: Shape,
) -> Result<Vec<Stored>, AppError> {
    let _permit = state.media_permits.acquire().await.map_err(|_| AppError::Internal)?;
    let store = Arc::clone(&state.media);
    tokio::task::spawn_blocking(move || process_and_store(store.as_ref(), uploads, shape))
        .await
        .map_err(|e| AppError::internal("media task failed", e))?
}

/// Removes stored files that no row points to: what a crash between writing a photo and
/// committing its row leaves behind. Run at start-up, before any upload can be in flight.
pub async fn sweep_orphan_files(pool: &db::Db, store: Arc<dyn MediaStore>) -> Result<usize, AppError> {
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

/// The stem of a stored name (`names()` lists only names the store accepts).
fn stem_of(name: &str) -> &str {
    store::parse_name(name).map_or(name, |(stem, _)| stem)
}
