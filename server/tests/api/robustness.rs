//! Robustness: the server stays available and answers 4xx, never 5xx, under contention,
//! hostile connections, malformed bodies and odd paths (issue 9, items 3–7).

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use reqwest::{Client, StatusCode, header};
use serde_json::Value;
use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// A personal access token for the user signed in on `client`.
async fn token(app: &TestApp, client: &Client) -> String {
    let res = app.call(client, "/api/fn/create_token", &[("name", "robustness")]).await;
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let key = location.split("created=").nth(1).expect("the one-time key").to_owned();
    let res = app.call(client, "/api/fn/tokens", &[("created", &key)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = res.json().await.unwrap();
    page["new_token"]["token"].as_str().unwrap().to_owned()
}

/// Issue 9 item 3: refused edits used to hold SQLite's write lock while waiting for a
/// second pool connection, so likers waited out the busy timeout and got 500s. Refused
/// deletes go along.
#[tokio::test]
async fn refused_edits_of_someone_elses_post_do_not_stall_likers() {
    const LIKERS: usize = 16;
    const EDITORS: usize = 4;
    const ROUNDS: usize = 15;
    let app = spawn_app().await;
    let owner = app.signed_up("owner").await;
    let post = app.post_photos(&owner, &["photo.webp"], "mine").await;

    let mut likers = Vec::new();
    for i in 0..LIKERS {
        let client = app.signed_up(&format!("liker{i}")).await;
        likers.push(token(&app, &client).await);
    }
    let mut editors = Vec::new();
    for i in 0..EDITORS {
        editors.push(app.signed_up(&format!("editor{i}")).await);
    }

    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for bearer in likers {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let client = Client::new();
            let mut answers = Vec::new();
            for _ in 0..ROUNDS {
                let res = client
                    .post(app.url(&format!("/api/v1/likes/?postid={post}")))
                    .bearer_auth(&bearer)
                    .send()
                    .await
                    .expect("every like is answered");
                let status = res.status();
                answers.push(("like", status));
                if status == StatusCode::CREATED || status == StatusCode::OK {
                    let like: Value = res.json().await.unwrap();
                    let res = client
                        .delete(app.url(like["url"].as_str().unwrap()))
                        .bearer_auth(&bearer)
                        .send()
                        .await
                        .expect("every unlike is answered");
                    answers.push(("unlike", res.status()));
                }
            }
            answers
        }));
    }
    for editor in editors {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let id = post.to_string();
            let mut answers = Vec::new();
            for _ in 0..ROUNDS {
                let res =
                    app.call(&editor, "/api/fn/update_post", &[("id", &id), ("caption", "not yours")]).await;
                answers.push(("edit", res.status()));
                let res = app.call(&editor, "/api/fn/delete_post", &[("id", &id)]).await;
                answers.push(("delete", res.status()));
            }
            answers
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.extend(task.await.unwrap());
    }
    let wrong: Vec<_> = answers
        .iter()
        .filter(|(kind, status)| match *kind {
            "like" => *status != StatusCode::CREATED,
            "unlike" => *status != StatusCode::NO_CONTENT,
            _ => *status != StatusCode::FORBIDDEN,
        })
        .collect();
    assert!(wrong.is_empty(), "{} of {} answers were wrong: {wrong:?}", wrong.len(), answers.len());
    assert_eq!(answers.len(), (LIKERS + EDITORS) * ROUNDS * 2);
}

/// The server's address for raw TCP clients (`TestApp::address` is `http://localhost:<port>`).
fn socket_addr(app: &TestApp) -> std::net::SocketAddr {
    let port = app.address.rsplit(':').next().unwrap().parse().unwrap();
    std::net::SocketAddr::from(([127, 0, 0, 1], port))
}

/// Guards a wait for a state the server must reach, so a regression fails instead of hanging.
async fn eventually<T>(what: &str, wait: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), wait).await.unwrap_or_else(|_| panic!("never: {what}"))
}

/// Sends `request` as is on a new connection and reads until the server closes it.
async fn raw(app: &TestApp, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(socket_addr(app)).await.unwrap();
    // The server may answer and close before reading all of a refused body.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    // A reset after the answer (the server closing a half-read body) still ends the read.
    let _ = eventually("the server answers and closes", stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status code of a raw HTTP/1.1 answer.
fn status_of(answer: &str) -> u16 {
    answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status: {answer:?}"))
}

fn header_of<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    answer.split("\r\n\r\n").next()?.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// Reads until the server closes the connection (read returns 0) or resets it.
async fn closed_by_server(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => continue,
        }
    }
}

#[tokio::test]
async fn the_trailing_slash_redirect_never_leaves_the_site() {
    let app = spawn_app().await;
    for path in
        ["//evil%2Eexample", "//evil", "///evil", "//evil.example/x", "/\\evil", "/\\/evil", "/%5Cevil"]
    {
        let answer = raw(
            &app,
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await;
        let status = status_of(&answer);
        assert!(status < 500, "{path}: {answer}");
        if status == 308 {
            let location = header_of(&answer, "location").unwrap();
            assert!(
                location.starts_with('/') && !location.starts_with("//") && !location.contains('\\'),
                "{path} redirects off-site to {location}"
            );
        }
    }
    let res = app.client().get(app.url("//evil%2Eexample")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()[header::LOCATION], "/evil%2Eexample/");
}

/// A server whose connections time out quickly, with room for few of them.
async fn impatient_app(max_connections: usize) -> TestApp {
    spawn_app_with(|config| {
        config.header_timeout = Duration::from_millis(300);
        config.max_connections = max_connections;
    })
    .await
}

#[tokio::test]
async fn a_half_sent_request_is_closed_by_the_server() {
    let app = impatient_app(64).await;
    let mut stream = TcpStream::connect(socket_addr(&app)).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").await.unwrap();
    eventually("a half-sent request head is closed", closed_by_server(&mut stream)).await;

    let mut silent = TcpStream::connect(socket_addr(&app)).await.unwrap();
    eventually("a silent connection is closed", closed_by_server(&mut silent)).await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_by_the_server() {
    let app = impatient_app(64).await;
    let mut stream = TcpStream::connect(socket_addr(&app)).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !answer.ends_with(b"ok") {
        let n = eventually("the health check answers", stream.read(&mut buf)).await.unwrap();
        assert!(n > 0, "closed before answering: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));
    eventually("the idle keep-alive connection is closed", closed_by_server(&mut stream)).await;
}

#[tokio::test]
async fn idle_connections_beyond_the_cap_do_not_stop_the_health_check() {
    const CAP: usize = 8;
    let app = impatient_app(CAP).await;
    let mut idle = Vec::new();
    for _ in 0..CAP * 3 {
        idle.push(TcpStream::connect(socket_addr(&app)).await.unwrap());
    }
    let res =
        eventually("the health check answers", app.client().get(app.url("/healthz")).send()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    for stream in &mut idle {
        eventually("every idle connection is closed", closed_by_server(stream)).await;
    }
}

/// A raw HTTP/1.1 POST to a server function, as a same-site form.
fn form_post(path: &str, extra_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n{extra_headers}\r\n"
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

#[tokio::test]
async fn unreadable_server_function_bodies_are_4xx_not_502() {
    let app = spawn_app().await;
    let client = app.signed_up("ada").await;

    // Raw bytes that are not UTF-8, on every kind of server function.
    for path in ["/api/fn/sign_in", "/api/fn/current_user", "/api/fn/update_post"] {
        let res = client
            .post(app.url(path))
            .header(header::ORIGIN, &app.address)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(b"username=\xff\xfe&password=x".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        crate::helpers::error_message(res).await;
    }

    // A body over 1 MiB, with and without Content-Length.
    let res = client
        .post(app.url("/api/fn/current_user"))
        .header(header::ORIGIN, &app.address)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(vec![b'a'; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    crate::helpers::error_message(res).await;

    let mut chunked = Vec::new();
    for _ in 0..20 {
        chunked.extend_from_slice(b"10000\r\n");
        chunked.extend_from_slice(&[b'a'; 0x10000]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer =
        raw(&app, &form_post("/api/fn/current_user", "Transfer-Encoding: chunked\r\n", &chunked)).await;
    assert_eq!(status_of(&answer), 413, "{}", &answer[..answer.len().min(500)]);
    assert!(answer.contains(r#""status_code":413"#), "{answer}");

    // An invalid chunk size.
    let answer = raw(
        &app,
        &form_post("/api/fn/current_user", "Transfer-Encoding: chunked\r\n", b"zz\r\nabc\r\n0\r\n\r\n"),
    )
    .await;
    assert_eq!(status_of(&answer), 400, "{answer}");
}

#[tokio::test]
async fn percent_encoded_text_that_is_not_utf8_is_refused_not_replaced() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let post = app.post_photos(&ada, &["photo.webp"], "before").await;
    let id = post.to_string();

    for body in [format!("id={id}&caption=%FF%FE"), format!("id={id}&caption=ok&alt=%C3")] {
        let res = ada
            .post(app.url("/api/fn/update_post"))
            .header(header::ORIGIN, &app.address)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    // The same in a multipart upload's caption (Latin-1 "café").
    let files_before = app.media_files().await;
    let form = reqwest::multipart::Form::new()
        .part("caption", reqwest::multipart::Part::bytes(b"caf\xe9".to_vec()))
        .part(
            "images",
            reqwest::multipart::Part::bytes(crate::helpers::fixture("photo.webp")).file_name("photo.webp"),
        );
    let res = ada
        .post(app.url("/posts/new/"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "an upload's caption");
    assert_eq!(app.media_files().await, files_before, "no file was stored");

    let res = app.client().get(app.url("/api/fn/search?q=%FF")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a GET server function's query");

    let view: Value = app.post_view(&ada, post).await.json().await.unwrap();
    assert_eq!(view["caption"], "before");
    assert!(!view.to_string().contains('\u{FFFD}'));
}

#[tokio::test]
async fn control_characters_in_alt_text_and_names_are_refused() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let post = app.post_photos(&ada, &["photo.webp"], "before").await;
    let id = post.to_string();
    for alt in ["a\u{0}b", "\u{1b}[2J", "ding\u{7}", "a\u{202E}b"] {
        let res =
            app.call(&ada, "/api/fn/update_post", &[("id", &id), ("caption", "after"), ("alt", alt)]).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{alt:?}");
    }
    let files = vec![("photo.webp", crate::helpers::fixture("photo.webp"))];
    let res = app.upload(&ada, &files, "x", &["nul\u{0}"]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "alt text of an upload");

    let view: Value = app.post_view(&ada, post).await.json().await.unwrap();
    assert_eq!(view["caption"], "before");
    assert_eq!(view["photos"][0]["alt"], "");
}

#[tokio::test]
async fn a_rest_comment_body_must_be_an_object_with_text_only() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada").await;
    let post = app.post_photos(&ada, &["photo.webp"], "x").await;
    let bearer = token(&app, &ada).await;
    let url = app.url(&format!("/api/v1/comments/?postid={post}"));
    for body in [r#"["hello"]"#, r#"{"text": "hi", "extra": 1}"#, r#""hello""#, "[]"] {
        let res = Client::new()
            .post(&url)
            .bearer_auth(&bearer)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    let view: Value = app.post_view(&ada, post).await.json().await.unwrap();
    assert_eq!(view["comments"].as_array().unwrap().len(), 0, "nothing was stored");
    let res = Client::new()
        .post(&url)
        .bearer_auth(&bearer)
        .json(&serde_json::json!({"text": "hello"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn over_long_path_segments_render_a_404_page_not_a_500() {
    // A site folder that exists, so the file system sees the long names.
    let site = tempfile::tempdir().unwrap();
    let root = site.path().to_path_buf();
    let app = spawn_app_with(move |config| config.site_root = root).await;
    let long = "x".repeat(5000);
    let digits = "9".repeat(5000);
    for path in [
        format!("/users/{long}/"),
        format!("/posts/{digits}/"),
        format!("/tags/{long}/"),
        format!("/{}/", "y".repeat(300)),
        format!("/{}.css", "z".repeat(250)),
        "/a%00b.css".to_owned(),
    ] {
        let res = app
            .client()
            .get(app.url(&path))
            .header(header::ACCEPT_ENCODING, "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{}…", &path[..path.len().min(20)]);
    }
}

#[tokio::test]
async fn a_405_says_405_in_its_body() {
    let app = spawn_app().await;
    let client = app.client();
    for res in [
        client.get(app.url("/api/fn/sign_in")).send().await.unwrap(),
        client.delete(app.url("/accounts/login/")).send().await.unwrap(),
    ] {
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
        // Checks that `status_code` in the body matches the HTTP status.
        crate::helpers::error_message(res).await;
    }
}

#[tokio::test]
async fn stopping_the_server_finishes_the_requests_in_flight() {
    let data = tempfile::tempdir().unwrap();
    let (config, _database) = crate::helpers::test_config(data.path()).await;
    let app = server::startup::Application::build(config).await.unwrap();
    let address = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    // A request in flight: the server has started reading its body (it says 100 Continue).
    let body = b"ignored=1";
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/fn/current_user HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = [0u8; 64];
    let n = eventually("100 Continue", stream.read(&mut buf)).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 100"), "{}", String::from_utf8_lossy(&buf[..n]));

    stop.send(()).unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let _ = eventually("the answer, then the close", stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(status_of(&answer), 200, "{answer}");

    eventually("the server stops", server).await.unwrap().unwrap();
    assert!(TcpStream::connect(address).await.is_err(), "no longer listening");
}
