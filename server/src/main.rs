//! `server`: reads the configuration, starts logging, opens the data folder and serves.

use clap::Parser;
use server::{
    config::{Command, Config},
    startup::Application,
    telemetry,
};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    telemetry::init(&config.log, config.log_format);
    match &config.command {
        Some(Command::Backup { to }) => {
            // Said before connecting: PostgreSQL has its own tools, reachable or not.
            anyhow::ensure!(config.database_url.is_none(), server::database::USE_PG_DUMP);
            let db = server::database::open(&config).await?;
            server::database::backup(&db, to).await?;
            tracing::info!(to = %to.display(), "backup written");
            Ok(())
        }
        Some(Command::Demo) => {
            let db = server::database::open(&config).await?;
            let state = server::startup::app_state(&config, db).await?;
            let summary = app::server::demo::fill(&state).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{summary}");
            Ok(())
        }
        Some(Command::BackfillPhotos) => {
            let summary = server::backfill_photos::run(&config).await?;
            println!("{summary}");
            Ok(())
        }
        Some(Command::MigrateData { to_database, to_media }) => {
            let summary = server::migrate_data::run(&config, to_database.as_ref(), to_media.as_ref()).await?;
            println!("{summary}");
            Ok(())
        }
        None => {
            let app = Application::build(config).await?;
            app.run_until_stopped().await?;
            Ok(())
        }
    }
}
