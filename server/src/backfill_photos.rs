//! `server backfill-photos`: the middle sizes of the photos uploaded before they existed
//! (`app::server::media::backfill`), on the configured database and photo store.

use crate::config::Config;
use app::server::media::backfill::{Backfilled, backfill_middle_sizes};

/// Opens the instance (applying pending migrations, which add the column that says
/// which photos have their middle sizes) and backfills them, one photo per core at a time.
pub async fn run(config: &Config) -> anyhow::Result<Backfilled> {
    let db = crate::database::open(config).await?;
    let media = crate::startup::open_media(config)?;
    let at_once = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let result = backfill_middle_sizes(&db, media.as_ref(), at_once).await;
    db.close().await;
    result.map_err(|e| anyhow::anyhow!("backfill-photos stopped (run it again to resume): {e}"))
}
