//! `spawn_app()` and a small client that speaks to server functions like the browser does.

use app::server::media::{MediaStore, S3Store, S3Url};
use futures::StreamExt;
use reqwest::{Client, Response, StatusCode, header, redirect::Policy};
use serde_json::Value;
use server::{config::Config, startup::Application};
use std::{
    path::{Path, PathBuf},
    sync::Arc,
};
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    /// `http://localhost:<port>` (localhost, so reqwest keeps Secure cookies too).
    pub address: String,
    /// The server's data folder (deleted with the test, once no instance uses it).
    pub data_dir: Arc<TempDir>,
    /// The server's photo store, seen from outside.
    pub media: TestMedia,
    /// What the server was started with (to start another one on the same data).
    pub config: Config,
}

/// The configuration of a test server on `data_dir`. With SHUTTER_TEST_MEDIA_URL set (an
/// S3 bucket, `.ci/seaweedfs.sh env`), its photos go to a fresh key prefix of that bucket.
pub fn test_config(data_dir: &Path) -> Config {
    let mut config = Config::for_tests(data_dir.to_path_buf());
    if let Ok(raw) = std::env::var("SHUTTER_TEST_MEDIA_URL") {
        let mut url = S3Url::parse(&raw).expect("SHUTTER_TEST_MEDIA_URL is a media URL");
        let stem = app::server::media::store::new_stem().expect("random prefix");
        url.prefix = format!("test-{stem}");
        config.media_url = Some(url);
    }
    config
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

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customise: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut config = test_config(data_dir.path());
    customise(&mut config);
    spawn_app_on(data_dir, config).await
}

/// A second instance beside `app`: another server on the same data folder and photo
/// store (the same database and media), as a load balancer would put behind one address.
pub async fn spawn_app_beside(app: &TestApp) -> TestApp {
    spawn_app_on(app.data_dir.clone(), app.config.clone()).await
}

/// A server on a data folder and configuration a test prepared (`test_config`).
pub async fn spawn_app_on(data_dir: impl Into<Arc<TempDir>>, config: Config) -> TestApp {
    let data_dir = data_dir.into();
    let media = TestMedia::of(&config);
    let app = Application::build(config.clone()).await.expect("the server starts");
    let port = app.local_addr().port();
    tokio::spawn(app.run_until_stopped());
    TestApp { address: format!("http://localhost:{port}"), data_dir, media, config }
}

impl TestApp {
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
