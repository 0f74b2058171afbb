//! `server migrate-data`: a single-machine instance (the SQLite file and media folder of
//! --data-dir) copied into PostgreSQL and an S3 store (`app::server::db::migrate_data` copies
//! the rows), then checked: equal counts, every photo in the target with its size.

use crate::config::{Config, DatabaseUrl};
use anyhow::Context;
use app::server::{
    db::{Db, migrate_data},
    media::{LocalStore, MediaStore, S3Store, S3Url},
};
use futures_util::TryStreamExt;
use std::{collections::HashSet, fmt, sync::Arc};

/// Photo files copied at once (each is a request to the store).
const PHOTOS_AT_ONCE: usize = 8;

/// What was copied, printed at the end.
#[derive(Debug, Default)]
pub struct Summary {
    pub tables: Vec<migrate_data::Copied>,
    pub photos_copied: u64,
    pub photos_skipped: u64,
    pub photos: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.tables {
            writeln!(
                f,
                "{:<14} {:>8} rows ({} copied now, {} already there)",
                t.table,
                t.rows,
                t.inserted,
                t.rows - t.inserted
            )?;
        }
        if !self.tables.is_empty() {
            writeln!(
                f,
                "not copied     {} (short-lived: people sign in again on the new site)",
                migrate_data::NOT_COPIED.join(", ")
            )?;
        }
        if self.photos {
            writeln!(
                f,
                "photo files    {:>8} copied, {} already there",
                self.photos_copied, self.photos_skipped
            )?;
        }
        write!(f, "checked: counts equal on both sides, every photo file in the target with its size")
    }
}

/// Copies the instance into `to_database` and/or `to_media` (at least one).
pub async fn run(
    config: &Config,
    to_database: Option<&DatabaseUrl>,
    to_media: Option<&S3Url>,
) -> anyhow::Result<Summary> {
    anyhow::ensure!(
        to_database.is_some() || to_media.is_some(),
        "say where to copy to: --to-database postgres://… and/or --to-media s3://…"
    );
    anyhow::ensure!(
        config.database_url.is_none() && config.media_url.is_none(),
        "migrate-data copies a single-machine instance (the SQLite file and media folder of --data-dir); \
         this configuration already names a database or media URL: unset SHUTTER_DATABASE_URL / \
         SHUTTER_MEDIA_URL (and --database-url / --media-url)"
    );
    let file = config.data_dir.join("shutter.db");
    anyhow::ensure!(
        file.is_file(),
        "no instance in {}: {} does not exist",
        config.data_dir.display(),
        file.display()
    );
    let mut summary = Summary::default();
    if let Some(url) = to_database {
        let source = crate::database::open(config).await?;
        let target = Db::open_postgres(url.as_str())
            .await
            .context("cannot connect to the target PostgreSQL database")?;
        target.migrate().await.context("PostgreSQL database migration failed")?;
        summary.tables = migrate_data::copy_database(&source, &target).await?;
        // Checked again from outside the copy's transaction, as a new instance will see it.
        let (a, b) = (migrate_data::counts(&source).await?, migrate_data::counts(&target).await?);
        anyhow::ensure!(a == b, "after the copy the counts differ: instance {a:?}, target {b:?}");
        source.close().await;
        target.close().await;
    }
    if let Some(url) = to_media {
        let from = LocalStore::open(config.data_dir.join("media")).context("cannot open the media folder")?;
        let to = S3Store::open(url).context("cannot open the target media store")?;
        let (copied, skipped) = copy_photos(Arc::new(from), Arc::new(to)).await?;
        summary.photos = true;
        summary.photos_copied = copied;
        summary.photos_skipped = skipped;
    }
    Ok(summary)
}

/// Copies every file of `from` missing in `to` (a file already there must hold the same
/// bytes: names are random and contents never change, so anything else is another
/// instance's), reads each back to check its size, then checks the target lists every name.
/// Answers (copied, skipped).
pub async fn copy_photos(from: Arc<dyn MediaStore>, to: Arc<dyn MediaStore>) -> anyhow::Result<(u64, u64)> {
    let results: Vec<(String, bool)> = from
        .names()
        .map_err(anyhow::Error::from)
        .map_ok(|listed| {
            let (from, to) = (from.clone(), to.clone());
            async move {
                let name = listed.name;
                let Some(bytes) = from.get(&name).await? else {
                    return Ok((name, false)); // removed since listed: nothing to copy
                };
                match to.get(&name).await.with_context(|| format!("reading {name} in the target"))? {
                    Some(there) if there == bytes => return Ok((name, false)),
                    Some(_) => anyhow::bail!(
                        "the target media store holds a different file under {name}: it is not this instance's \
                         copy; use an empty bucket or prefix"
                    ),
                    None => {}
                }
                let size = bytes.len();
                to.put(&name, bytes).await.with_context(|| format!("writing {name} to the target"))?;
                let back = to.get(&name).await?.map(|b| b.len());
                anyhow::ensure!(back == Some(size), "{name} reads back from the target as {back:?} bytes, not {size}");
                Ok((name, true))
            }
        })
        .try_buffer_unordered(PHOTOS_AT_ONCE)
        .try_collect()
        .await?;
    let copied = results.iter().filter(|(_, copied)| *copied).count() as u64;
    let listed: HashSet<String> = to.names().map_ok(|l| l.name).try_collect().await?;
    let missing: Vec<&str> =
        results.iter().map(|(n, _)| n.as_str()).filter(|n| !listed.contains(*n)).collect();
    anyhow::ensure!(
        missing.is_empty(),
        "{} photo files are not listed in the target: {missing:?}",
        missing.len()
    );
    Ok((copied, results.len() as u64 - copied))
}
