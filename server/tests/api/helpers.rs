//! `spawn_app()` and a small client that speaks to server functions like the browser does.

use app::server::media::{MediaStore, S3Store, S3Url};
use futures::StreamExt;
use reqwest::{Client, Response, StatusCode, header, redirect::Policy};
use serde_json::Value;
use server::{
    config::{Config, DatabaseUrl},
    startup::Application,
};
use sqlx::Connection;
use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery";

/// Set to a PostgreSQL URL (e.g. `.ci/postgres.sh env`), every test server gets a fresh
/// database of its own there instead of the SQLite file in its data folder.
pub const DATABASE_URL_VAR: &str = "SHUTTER_TEST_DATABASE_URL";

pub struct TestApp {
    /// `http://localhost:<port>` (localhost, so reqwest keeps Secure cookies too).
    pub address: String,
    /// The server's data folder (deleted with the test, once no instance uses it).
    pub data_dir: Arc<TempDir>,
    /// The server's photo store, seen from outside.
    pub media: TestMedia,
    /// What the server was started with (to start another one on the same data).
    pub config: Config,
    /// Its PostgreSQL database, when the suite runs on PostgreSQL (dropped with the test).
    pub database: Option<Arc<TestDatabase>>,
}

/// A test server's photo store, read and written by the test beside the server.
#[derive(Clone)]
pub enum TestMedia {
    /// The data folder's media/, read directly (temporary files show too).
    Local(PathBuf),
    S3(Arc<S3Store>),
}

impl TestMedia {
    /// The store `config` names.
    pub fn of(config: &Config) -> Self {
        match &config.media_url {
            None => Self::Local(config.data_dir.join("media")),
            Some(url) => Self::S3(Arc::new(S3Store::open(url).expect("the S3 test store"))),
        }
    }

    /// Names of the stored files, sorted.
    pub async fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Self::Local(dir) => std::fs::read_dir(dir)
                .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default(),
            Self::S3(store) => store.names().map(|listed| listed.expect("listing").name).collect().await,
        };
        names.sort();
        names
    }

    /// The bytes stored under `name`.
    pub async fn read(&self, name: &str) -> Option<Vec<u8>> {
        match self {
            Self::Local(dir) => std::fs::read(dir.join(name)).ok(),
            Self::S3(store) => store.get(name).await.expect("S3 get"),
        }
    }

    /// Removes `name`, as a store without it (a photo from before its variant existed).
    pub async fn delete(&self, name: &str) {
        match self {
            Self::Local(dir) => std::fs::remove_file(dir.join(name)).expect("remove a media file"),
            Self::S3(store) => store.delete(name).await.expect("S3 delete"),
        }
    }

    /// Stores `bytes` under `name`, as a crash or another instance would leave it.
    pub async fn write(&self, name: &str, bytes: &[u8]) {
        match self {
            Self::Local(dir) => {
                std::fs::create_dir_all(dir).expect("media folder");
                std::fs::write(dir.join(name), bytes).expect("write a media file");
            }
            Self::S3(store) => store.put(name, bytes.to_vec()).await.expect("S3 put"),
        }
    }
}

/// A database made for one test on the PostgreSQL server of `SHUTTER_TEST_DATABASE_URL`,
/// dropped when the test ends.
pub struct TestDatabase {
    /// The URL of this database.
    pub url: String,
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// A fresh database, if the suite runs on PostgreSQL.
    pub async fn create() -> Option<TestDatabase> {
        let admin_url = std::env::var(DATABASE_URL_VAR).ok().filter(|url| !url.is_empty())?;
        static MADE: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let name =
            format!("shutter_test_{}_{nanos}_{}", std::process::id(), MADE.fetch_add(1, Ordering::Relaxed));
        let mut admin =
            sqlx::PgConnection::connect(&admin_url).await.expect("connect to the test PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        let _ = admin.close().await;
        Some(TestDatabase { url: with_database(&admin_url, &name), admin_url, name })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs outside async code: a thread of its own with a small runtime. FORCE
        // ends the test server's connections, which may still be open.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropped.join();
    }
}

/// `url` with its database (the path) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").expect("a URL");
    let authority = rest.split('/').next().unwrap_or_default();
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("{scheme}://{authority}/{name}{query}")
}

/// The configuration of a test server on `data_dir`, and its database when the suite runs
/// on PostgreSQL (keep it as long as the server runs). With SHUTTER_TEST_MEDIA_URL set (an
/// S3 bucket, `.ci/seaweedfs.sh env`), its photos go to a fresh key prefix of that bucket.
pub async fn test_config(data_dir: &Path) -> (Config, Option<TestDatabase>) {
    let mut config = Config::for_tests(data_dir.to_path_buf());
    if let Ok(raw) = std::env::var("SHUTTER_TEST_MEDIA_URL") {
        let mut url = S3Url::parse(&raw).expect("SHUTTER_TEST_MEDIA_URL is a media URL");
        let stem = app::server::media::store::new_stem().expect("random prefix");
        url.prefix = format!("test-{stem}");
        config.media_url = Some(url);
    }
    let database = TestDatabase::create().await;
    config.database_url = database.as_ref().map(|d| DatabaseUrl::parse(&d.url).expect("a postgres:// URL"));
    (config, database)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customise: impl FnOnce(&mut Config)) -> TestApp {
    start(tempfile::tempdir().expect("temp dir"), customise).await
}

async fn start(data_dir: TempDir, customise: impl FnOnce(&mut Config)) -> TestApp {
    let (mut config, database) = test_config(data_dir.path()).await;
    customise(&mut config);
    spawn_app_on(data_dir, config, database).await
}

/// A server on a data folder, configuration and database a test prepared (`test_config`).
pub async fn spawn_app_on(data_dir: TempDir, config: Config, database: Option<TestDatabase>) -> TestApp {
    serve(Arc::new(data_dir), config, database.map(Arc::new)).await
}

/// A second instance beside `app`: another server on the same data folder, database and
/// photo store, as a load balancer would put behind one address.
pub async fn spawn_app_beside(app: &TestApp) -> TestApp {
    serve(app.data_dir.clone(), app.config.clone(), app.database.clone()).await
}

async fn serve(data_dir: Arc<TempDir>, config: Config, database: Option<Arc<TestDatabase>>) -> TestApp {
    let media = TestMedia::of(&config);
    let app = Application::build(config.clone()).await.expect("the server starts");
    let port = app.local_addr().port();
    tokio::spawn(app.run_until_stopped());
    TestApp { address: format!("http://localhost:{port}"), data_dir, media, config, database }
}

impl TestApp {
    /// Whether this server runs on PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        self.database.is_some()
    }

    /// Runs `sql` on the server's database from beside it (its own connection).
    pub async fn execute(&self, sql: &str) {
        match &self.database {
            Some(db) => {
                let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
                sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
                let _ = conn.close().await;
            }
            None => {
                let path = self.data_dir.path().join("shutter.db");
                let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .expect("connect");
                sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
                let _ = conn.close().await;
            }
        }
    }

    /// One number from the server's database.
    pub async fn count(&self, sql: &str) -> i64 {
        let mut inspector = crate::inspect::Inspector::open(self).await;
        inspector.count(sql).await
    }

    /// A fresh browser-like client: its own cookie jar, no automatic redirects.
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("client")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Calls a server function the way the hydrated app does (form-encoded, same origin).
    pub async fn call(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(path))
            .header(header::ORIGIN, &self.address)
            .form(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn sign_up(&self, client: &Client, username: &str) -> Response {
        self.call(
            client,
            "/api/fn/sign_up",
            &[
                ("username", username),
                ("full_name", "Test Person"),
                ("email", "test@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await
    }

    pub async fn sign_in(&self, client: &Client, username: &str, password: &str) -> Response {
        self.call(client, "/api/fn/sign_in", &[("username", username), ("password", password)]).await
    }

    pub async fn sign_out(&self, client: &Client) -> Response {
        self.call(client, "/accounts/logout/", &[]).await
    }

    /// The username the server sees on this client's session, if any.
    pub async fn whoami(&self, client: &Client) -> Option<String> {
        let res = self.call(client, "/api/fn/current_user", &[]).await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.expect("json");
        body.get("username").and_then(Value::as_str).map(str::to_owned)
    }

    /// A client signed in as a new user `username`.
    pub async fn signed_up(&self, username: &str) -> Client {
        let client = self.client();
        let res = self.sign_up(&client, username).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "sign up {username}: {}",
            res.text().await.unwrap_or_default()
        );
        client
    }
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

impl TestApp {
    /// Posts the new-post form as the hydrated page does (multipart, JSON answer).
    pub async fn upload(
        &self,
        client: &Client,
        files: &[(&str, Vec<u8>)],
        caption: &str,
        alts: &[&str],
    ) -> Response {
        let mut form = reqwest::multipart::Form::new().text("caption", caption.to_owned());
        for (name, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string());
            form = form.part("images", part);
        }
        for alt in alts {
            form = form.text("alt", alt.to_string());
        }
        client
            .post(self.url("/posts/new/"))
            .header(header::ORIGIN, &self.address)
            .header(header::ACCEPT, "application/json")
            .multipart(form)
            .send()
            .await
            .expect("upload request")
    }

    /// Creates a post from fixtures and returns its id.
    pub async fn post_photos(&self, client: &Client, files: &[&str], caption: &str) -> i64 {
        let files: Vec<(&str, Vec<u8>)> = files.iter().map(|f| (*f, fixture(f))).collect();
        let res = self.upload(client, &files, caption, &[]).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        let body: Value = res.json().await.expect("json");
        body["postid"].as_i64().expect("postid")
    }

    /// A post as its page sees it (the `post` server function).
    pub async fn post_view(&self, client: &Client, id: i64) -> Response {
        self.call(client, "/api/fn/post", &[("id", &id.to_string())]).await
    }

    /// Names of the stored photo files, sorted.
    pub async fn media_files(&self) -> Vec<String> {
        self.media.files().await
    }
}

/// The `shutter_session` cookie a response sets, as `name=value`.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("shutter_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// The `message` of an error answer (`{"message", "status_code", ...}`).
pub async fn error_message(res: Response) -> String {
    let status = res.status().as_u16();
    let body: Value = res.json().await.expect("error body is JSON");
    assert_eq!(body["status_code"], status, "status_code in the body matches the HTTP status");
    body["message"].as_str().expect("message").to_owned()
}
