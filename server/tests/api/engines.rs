//! What holds whichever database engine a server runs on (`--database-url`).

use crate::helpers::test_config;

/// Several instances share one PostgreSQL database and may start at the same moment:
/// the migrations (under sqlx's advisory lock) and the session table (made by them, not
/// by the session store's racy CREATE IF NOT EXISTS) are set up once, and every one of
/// them starts. (SQLite is one instance's file: there is nothing to share.)
#[tokio::test]
async fn instances_starting_at_once_on_one_postgres_database_all_start() {
    let data = tempfile::tempdir().unwrap();
    let (config, database) = test_config(data.path()).await;
    if database.is_none() {
        return;
    }
    let starts = (0..4).map(|_| server::startup::Application::build(config.clone()));
    for started in futures::future::join_all(starts).await {
        started.expect("every instance starts");
    }
}
