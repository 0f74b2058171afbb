//! `server backup`: a consistent copy of the SQLite file; on PostgreSQL, a clear pointer
//! to pg_dump instead of an obscure failure.

use crate::helpers::spawn_app;
use sqlx::Connection;

#[tokio::test]
async fn backup_copies_the_sqlite_database_and_points_postgres_to_pg_dump() {
    let app = spawn_app().await;
    app.signed_up("kept").await;
    let db = server::database::open(&app.config).await.unwrap();
    let to = app.data_dir.path().join("copy.db");
    let result = server::database::backup(&db, &to).await;
    if app.on_postgres() {
        let message = format!("{:#}", result.unwrap_err());
        assert!(message.contains("pg_dump"), "{message}");
        assert!(!to.exists());
    } else {
        result.unwrap();
        let mut copy =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", to.display())).await.unwrap();
        let users: Vec<String> =
            sqlx::query_scalar("SELECT username FROM users").fetch_all(&mut copy).await.unwrap();
        assert_eq!(users, ["kept"]);
    }
}

/// The command says so before connecting, so it answers the same whether PostgreSQL is
/// reachable or not (here it is not: nothing listens on port 1).
#[test]
fn the_backup_command_on_postgres_says_to_use_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("copy.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["--database-url", "postgres://shutter@127.0.0.1:1/shutter", "backup", "--to"])
        .arg(&to)
        .env_remove("SHUTTER_DATABASE_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(!to.exists());
}
