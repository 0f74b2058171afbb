//! `server backfill-photos`: gives the photos uploaded before the middle sizes existed
//! their `Variant::MIDDLE` files, made from the stored full-size file (not re-uploaded),
//! on whichever database and store the instance uses.
//!
//! A photo is marked (`post_images.middle_sizes`) only after all its new files are stored,
//! so pages offer them only once they are there, and a run stopped half-way is resumed by
//! running it again; a photo already marked is not touched (a second run does nothing).
//! Safe beside a running site: uploads come marked, and the files of a post deleted
//! meanwhile are left for the start-up sweep of files no row points to.

use super::{MediaStore, Variant, pipeline};
use crate::{
    domain::ids::PostId,
    error::AppError,
    server::db::{self, Db},
};
use futures_util::StreamExt;
use std::fmt;

/// Photos read from the database at a time.
const BATCH: i64 = 200;

/// What a run did, printed at the end.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Backfilled {
    /// Photos given their middle sizes now.
    pub photos: u64,
    /// Files written for them (a photo of at most 1,080 px has fewer than two).
    pub files: u64,
    /// Photos that already had them before this run.
    pub already: u64,
    /// Photos whose full-size file is not in the store (left unmarked).
    pub missing: u64,
    /// Photos whose full-size file could not be read as an image (left unmarked).
    pub unreadable: u64,
}

impl fmt::Display for Backfilled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "photos given their middle sizes now  {:>8} ({} files written)",
            self.photos, self.files
        )?;
        writeln!(f, "photos that already had them        {:>8}", self.already)?;
        writeln!(f, "full-size file missing (skipped)    {:>8}", self.missing)?;
        write!(f, "full-size file unreadable (skipped) {:>8}", self.unreadable)
    }
}

/// How one photo went.
enum Outcome {
    Made(u64),
    Missing,
    Unreadable,
}

fn store_error(doing: &str, stem: &str, e: std::io::Error) -> AppError {
    AppError::internal(&format!("{doing} of photo {stem}"), e)
}

/// Makes and stores the middle sizes of every photo without them, `at_once` photos at a
/// time (each decode and resize is one blocking task), then marks each one.
pub async fn backfill_middle_sizes(
    db: &Db,
    store: &dyn MediaStore,
    at_once: usize,
) -> Result<Backfilled, AppError> {
    let mut done =
        Backfilled { already: db::posts::count_with_middle_sizes(db).await?, ..Default::default() };
    // A keyset walk: photos left unmarked (file missing) are passed, not read again.
    let mut after = (PostId::NONE, -1);
    loop {
        let batch = db::posts::photos_without_middle_sizes(db, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = (last.post_id, last.position);
        let outcomes: Vec<Result<Outcome, AppError>> = futures_util::stream::iter(batch)
            .map(|photo| backfill_one(db, store, photo.stem))
            .buffer_unordered(at_once.max(1))
            .collect()
            .await;
        for outcome in outcomes {
            match outcome? {
                Outcome::Made(files) => {
                    done.photos += 1;
                    done.files += files;
                }
                Outcome::Missing => done.missing += 1,
                Outcome::Unreadable => done.unreadable += 1,
            }
        }
        tracing::info!(photos = done.photos, files = done.files, "backfilling middle sizes");
    }
    Ok(done)
}

async fn backfill_one(db: &Db, store: &dyn MediaStore, stem: String) -> Result<Outcome, AppError> {
    let full =
        store.get(&Variant::Full.file_name(&stem)).await.map_err(|e| store_error("reading", &stem, e))?;
    let Some(full) = full else {
        tracing::warn!(stem, "the full-size file of a photo is missing: no middle sizes made");
        return Ok(Outcome::Missing);
    };
    let made = tokio::task::spawn_blocking(move || pipeline::middle_sizes_of_full(&full))
        .await
        .map_err(|e| AppError::internal("media task failed", e))?;
    let sizes = match made {
        Ok(sizes) => sizes,
        Err(e) => {
            tracing::warn!(stem, error = %e, "the full-size file of a photo is not a readable image");
            return Ok(Outcome::Unreadable);
        }
    };
    let files = sizes.len() as u64;
    store
        .put_middle_sizes(&stem, sizes)
        .await
        .map_err(|e| store_error("writing the middle sizes", &stem, e))?;
    // Only now: a page offers the files once they are all there.
    db::posts::set_middle_sizes(db, &stem).await?;
    Ok(Outcome::Made(files))
}
