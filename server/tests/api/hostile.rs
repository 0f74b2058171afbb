//! The hostile-input suite: a table of requests an attacker, a broken client or a curious
//! second person would send to every page, server function, REST route and upload, each
//! with the answer it must get. After every case: no 5xx, the database and the media
//! folder are exactly as before (unless the case documents an accepted write), any
//! `Location` stays on this site, no header was injected, a JSON error carries its own
//! status, and no user text became markup in the HTML that came back.
//!
//! The cases are in `cases.rs`; this file holds the people, the runner and the checks.

mod cases;
pub mod html;
mod raw;

use crate::{
    helpers::{PASSWORD, TestApp, session_cookie, spawn_app},
    inspect::Inspector,
};
use reqwest::{Client, Method, header, redirect::Policy};
use serde_json::Value;
use std::io::Write as _;

/// Who sends a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    /// The first person: owns post `p1`, comment `ca`, like `la`, token `ta`.
    Alice,
    /// A second person, with their own post `p2`, comment `cb` and like `lb`.
    Bob,
    /// Nobody signed in.
    Visitor,
}

/// The answer a case must get.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// Any 4xx.
    Refused,
    /// Exactly this status.
    Status(u16),
    /// A documented 2xx or 3xx: the input is legitimate (and must come back escaped).
    Accepted,
    /// A read whose right answer may be a page, a redirect or a 4xx: only never a 5xx.
    NoServerError,
}

pub enum Body {
    Empty,
    /// Sent as `application/x-www-form-urlencoded`, encoded properly.
    Form(Vec<(String, String)>),
    /// Sent as is, with this content type.
    Bytes(String, Vec<u8>),
}

pub enum Request {
    Http {
        method: Method,
        path: String,
        headers: Vec<(String, String)>,
        body: Body,
        token: bool,
    },
    /// A request line and headers (no Host, Cookie or Connection: the runner adds them),
    /// and a body, written byte for byte.
    Raw {
        head: Vec<u8>,
        body: Vec<u8>,
    },
}

pub enum Check {
    /// The body must contain this text (proves the hostile text was echoed at all).
    Contains(String),
    /// The body must not contain this text.
    Lacks(String),
}

pub struct Case {
    pub name: String,
    pub who: Who,
    pub request: Request,
    pub expect: Expect,
    /// A documented write: the snapshot may change.
    pub changes: bool,
    pub checks: Vec<Check>,
}

impl Case {
    fn new(name: impl Into<String>, who: Who, request: Request) -> Self {
        Self { name: name.into(), who, request, expect: Expect::Refused, changes: false, checks: Vec::new() }
    }

    pub fn expect(mut self, expect: Expect) -> Self {
        self.expect = expect;
        self
    }

    /// An accepted write: 2xx/3xx and the database may change.
    pub fn accepted_write(mut self) -> Self {
        self.expect = Expect::Accepted;
        self.changes = true;
        self
    }

    pub fn contains(mut self, text: impl Into<String>) -> Self {
        self.checks.push(Check::Contains(text.into()));
        self
    }

    pub fn lacks(mut self, text: impl Into<String>) -> Self {
        self.checks.push(Check::Lacks(text.into()));
        self
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        if let Request::Http { headers, .. } = &mut self.request {
            headers.push((name.to_owned(), value.into()));
        }
        self
    }
}

/// A page or anything else read with GET.
pub fn get(name: impl Into<String>, who: Who, path: impl Into<String>) -> Case {
    http(name, who, Method::GET, path, Body::Empty)
}

pub fn http(name: impl Into<String>, who: Who, method: Method, path: impl Into<String>, body: Body) -> Case {
    Case::new(name, who, Request::Http { method, path: path.into(), headers: Vec::new(), body, token: false })
}

/// A server function called as the hydrated app calls it (form-encoded POST).
pub fn call(name: impl Into<String>, who: Who, endpoint: &str, form: &[(&str, &str)]) -> Case {
    let form = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    http(name, who, Method::POST, format!("/api/fn/{endpoint}"), Body::Form(form))
}

/// A server function with a body written by hand (bytes, maybe not even UTF-8).
pub fn call_raw(name: impl Into<String>, who: Who, endpoint: &str, body: &[u8]) -> Case {
    let body = Body::Bytes("application/x-www-form-urlencoded".into(), body.to_vec());
    http(name, who, Method::POST, format!("/api/fn/{endpoint}"), body)
}

/// A REST request, authenticated with the person's access token.
pub fn rest(name: impl Into<String>, who: Who, method: Method, path: impl Into<String>, body: Body) -> Case {
    let mut case = http(name, who, method, path, body);
    if let Request::Http { token, .. } = &mut case.request {
        *token = true;
    }
    case
}

pub fn json(value: &str) -> Body {
    Body::Bytes("application/json".into(), value.as_bytes().to_vec())
}

pub fn raw(name: impl Into<String>, who: Who, head: &[u8], body: &[u8]) -> Case {
    Case::new(name, who, Request::Raw { head: head.to_vec(), body: body.to_vec() })
}

/// A multipart body (boundary `BOUNDARY`); parts are (name, file name, bytes).
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Body {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
        );
        if let Some(file) = file {
            body.extend_from_slice(format!("; filename=\"{file}\"\r\nContent-Type: image/jpeg").as_bytes());
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    Body::Bytes(format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

pub const BOUNDARY: &str = "hostile7MA4YWxkTrZu0gW";

/// A small real photo (16 × 16 JPEG).
pub fn tiny_jpeg() -> Vec<u8> {
    let image = image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([(x * 16) as u8, (y * 16) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).expect("encode a JPEG");
    out.into_inner()
}

/// A person the suite acts as.
pub struct Person {
    pub username: String,
    pub email: String,
    pub cookie: String,
    pub token: String,
}

/// The site every case runs against, and the ids of what its people made.
pub struct World {
    pub app: TestApp,
    pub alice: Person,
    pub bob: Person,
    pub p1: i64,
    pub p2: i64,
    /// Alice's comment on her own post; Bob's comment on his.
    pub ca: i64,
    pub cb: i64,
    /// Alice's like of Bob's post; Bob's like of Alice's.
    pub la: i64,
    pub lb: i64,
    /// Alice's token (id), and the one-time reveal key of a second one she has not seen.
    pub ta: i64,
    pub alice_reveal_key: String,
    http: Client,
    port: u16,
}

pub struct Answer {
    /// `None`: the connection closed without an answer (hyper's refusal of broken framing).
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

impl World {
    async fn build() -> Self {
        let app = spawn_app().await;
        let port = app.address.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
        let http = Client::builder().redirect(Policy::none()).build().expect("client");
        let mut world = Self {
            app,
            alice: Person { username: "alice".into(), email: "alice@example.com".into(), ..empty_person() },
            bob: Person { username: "bob".into(), email: "bob@example.com".into(), ..empty_person() },
            p1: 0,
            p2: 0,
            ca: 0,
            cb: 0,
            la: 0,
            lb: 0,
            ta: 0,
            alice_reveal_key: String::new(),
            http,
            port,
        };
        for who in [Who::Alice, Who::Bob] {
            let person = world.person(who);
            let form = [
                ("username", person.username.clone()),
                ("full_name", format!("{} Example", person.username)),
                ("email", person.email.clone()),
                ("password", PASSWORD.to_owned()),
            ];
            let res = world
                .http
                .post(world.app.url("/api/fn/sign_up"))
                .header(header::ORIGIN, &world.app.address)
                .form(&form)
                .send()
                .await
                .expect("sign up");
            assert_eq!(res.status(), 200, "sign up");
            let cookie = session_cookie(&res).expect("a session cookie");
            world.person_mut(who).cookie = cookie;
            let key = world.create_token(who, "setup").await;
            world.person_mut(who).token =
                world.reveal(who, &key).await["token"].as_str().expect("token").to_owned();
        }
        world.ta = world.reveal(Who::Alice, "").await["id"].as_i64().unwrap_or(0);
        world.alice_reveal_key = world.create_token(Who::Alice, "alice-unseen-token").await;

        world.p1 = world.new_post(Who::Alice, "alice's first #sunset").await;
        world.p2 = world.new_post(Who::Bob, "bob's first #sunset").await;
        world.ca =
            world.rest_id(Who::Alice, &format!("/api/v1/comments/?postid={}", world.p1), "commentid").await;
        world.cb =
            world.rest_id(Who::Bob, &format!("/api/v1/comments/?postid={}", world.p2), "commentid").await;
        world.la = world.rest_id(Who::Alice, &format!("/api/v1/likes/?postid={}", world.p2), "likeid").await;
        world.lb = world.rest_id(Who::Bob, &format!("/api/v1/likes/?postid={}", world.p1), "likeid").await;
        for (who, other) in [(Who::Alice, "bob"), (Who::Bob, "alice")] {
            let case = call("setup follow", who, "follow", &[("username", other)]);
            assert_eq!(world.send(&case).await.status, Some(200), "follow");
        }
        world
    }

    pub fn person(&self, who: Who) -> &Person {
        match who {
            Who::Alice => &self.alice,
            Who::Bob => &self.bob,
            Who::Visitor => panic!("a visitor is nobody"),
        }
    }

    fn person_mut(&mut self, who: Who) -> &mut Person {
        match who {
            Who::Alice => &mut self.alice,
            Who::Bob => &mut self.bob,
            Who::Visitor => panic!("a visitor is nobody"),
        }
    }

    /// Creates a token; answers the one-time key its page would be opened with.
    async fn create_token(&self, who: Who, name: &str) -> String {
        let answer = self.send(&call("setup token", who, "create_token", &[("name", name)])).await;
        let location = answer.header("location").expect("create_token redirects").to_owned();
        location.split("created=").nth(1).expect("a reveal key").to_owned()
    }

    /// The token a reveal key shows (or the newest token's listing when `key` is "").
    async fn reveal(&self, who: Who, key: &str) -> Value {
        let form: &[(&str, &str)] = if key.is_empty() { &[] } else { &[("created", key)] };
        let answer = self.send(&call("setup tokens", who, "tokens", form)).await;
        let page: Value = serde_json::from_str(&answer.body).expect("tokens page");
        if key.is_empty() { page["tokens"][0].clone() } else { page["new_token"].clone() }
    }

    async fn new_post(&self, who: Who, caption: &str) -> i64 {
        let photo = tiny_jpeg();
        let body = multipart(&[("caption", None, caption.as_bytes()), ("images", Some("a.jpg"), &photo)]);
        let case =
            http("setup post", who, Method::POST, "/posts/new/", body).header("accept", "application/json");
        let answer = self.send(&case).await;
        assert_eq!(answer.status, Some(201), "{}", answer.body);
        serde_json::from_str::<Value>(&answer.body).expect("json")["postid"].as_i64().expect("postid")
    }

    async fn rest_id(&self, who: Who, path: &str, field: &str) -> i64 {
        let body = if path.contains("comments") { json(r#"{"text": "first comment"}"#) } else { Body::Empty };
        let answer = self.send(&rest("setup", who, Method::POST, path, body)).await;
        assert!(matches!(answer.status, Some(200 | 201)), "{path}: {}", answer.body);
        serde_json::from_str::<Value>(&answer.body).expect("json")[field].as_i64().expect("id")
    }

    /// Whether each person's session still names them; a session a case ended (or, worse,
    /// switched to another account) is renewed by signing in again, so one failing case
    /// cannot make the ones after it fail. Answers who had lost their session.
    async fn keep_signed_in(&mut self) -> Vec<String> {
        let mut lost = Vec::new();
        for who in [Who::Alice, Who::Bob] {
            let answer = self.send(&call("whoami", who, "current_user", &[])).await;
            let named = serde_json::from_str::<Value>(&answer.body)
                .ok()
                .and_then(|v| v["username"].as_str().map(str::to_owned));
            let username = self.person(who).username.clone();
            if named.as_deref() == Some(username.as_str()) {
                continue;
            }
            lost.push(format!("{username}'s session now names {named:?}"));
            let res = self
                .http
                .post(self.app.url("/api/fn/sign_in"))
                .header(header::ORIGIN, &self.app.address)
                .form(&[("username", username.as_str()), ("password", PASSWORD)])
                .send()
                .await
                .expect("sign in again");
            if let Some(cookie) = session_cookie(&res) {
                self.person_mut(who).cookie = cookie;
            }
        }
        lost
    }

    pub async fn send(&self, case: &Case) -> Answer {
        let cookie = (case.who != Who::Visitor).then(|| self.person(case.who).cookie.clone());
        match &case.request {
            Request::Http { method, path, headers, body, token } => {
                let mut req = self.http.request(method.clone(), self.app.url(path));
                let explicit = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
                if *token && case.who != Who::Visitor && !explicit("authorization") {
                    req = req.bearer_auth(&self.person(case.who).token);
                } else if let Some(cookie) = &cookie {
                    req = req.header(header::COOKIE, cookie);
                }
                // What a browser sends with every same-site POST, unless the case says otherwise.
                if *method != Method::GET && !explicit("origin") && !explicit("referer") {
                    req = req.header(header::ORIGIN, &self.app.address);
                }
                for (name, value) in headers {
                    req = req.header(name.as_str(), value.replace("{origin}", &self.app.address));
                }
                req = match body {
                    Body::Empty => req,
                    Body::Form(form) => req.form(form),
                    Body::Bytes(content_type, bytes) => {
                        req.header(header::CONTENT_TYPE, content_type.as_str()).body(bytes.clone())
                    }
                };
                match req.send().await {
                    Ok(res) => {
                        let status = Some(res.status().as_u16());
                        let headers = res
                            .headers()
                            .iter()
                            .map(|(n, v)| {
                                (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())
                            })
                            .collect();
                        let body = res.bytes().await.map(|b| String::from_utf8_lossy(&b).into_owned());
                        Answer { status, headers, body: body.unwrap_or_default() }
                    }
                    // The server closed the connection (e.g. refusing a body mid-stream).
                    Err(e) => Answer { status: None, headers: Vec::new(), body: e.to_string() },
                }
            }
            Request::Raw { head, body } => {
                let origin = format!("Origin: {}", self.app.address);
                let mut head = replace_bytes(head, b"Origin: {origin}", origin.as_bytes());
                head.extend_from_slice(format!("\r\nHost: localhost:{}", self.port).as_bytes());
                if let Some(cookie) = cookie {
                    head.extend_from_slice(format!("\r\nCookie: {cookie}").as_bytes());
                }
                match raw::send(self.port, &head, body).await {
                    Ok(Some(a)) => Answer {
                        status: Some(a.status),
                        headers: a.headers,
                        body: String::from_utf8_lossy(&a.body).into_owned(),
                    },
                    Ok(None) => Answer { status: None, headers: Vec::new(), body: String::new() },
                    Err(e) => Answer { status: Some(599), headers: Vec::new(), body: e },
                }
            }
        }
    }
}

fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    match haystack.windows(from.len()).position(|w| w == from) {
        Some(at) => [&haystack[..at], to, &haystack[at + from.len()..]].concat(),
        None => haystack.to_vec(),
    }
}

fn empty_person() -> Person {
    Person { username: String::new(), email: String::new(), cookie: String::new(), token: String::new() }
}

/// Everything wrong with one answer, in words.
fn problems(case: &Case, answer: &Answer) -> Vec<String> {
    let mut found = Vec::new();
    match (answer.status, case.expect) {
        (Some(s), _) if s >= 500 => found.push(format!("answered {s}: {}", excerpt(&answer.body))),
        // Closing the connection on broken framing is a refusal.
        (None, Expect::Refused) | (None, Expect::NoServerError) => {}
        (None, _) => found.push("no answer".into()),
        (Some(s), Expect::Refused) if !(400..500).contains(&s) => {
            found.push(format!("answered {s}, expected a 4xx: {}", excerpt(&answer.body)))
        }
        (Some(s), Expect::Status(want)) if s != want => {
            found.push(format!("answered {s}, expected {want}: {}", excerpt(&answer.body)))
        }
        (Some(s), Expect::Accepted) if !(200..400).contains(&s) => {
            found.push(format!("answered {s}, expected it accepted: {}", excerpt(&answer.body)))
        }
        _ => {}
    }
    for (name, value) in &answer.headers {
        if name == "x-injected" || (name == "set-cookie" && value.starts_with("evil")) {
            found.push(format!("injected header {name}: {value}"));
        }
        if name == "location" && !is_same_site(value) {
            found.push(format!("Location leaves the site: {value}"));
        }
    }
    let content_type = answer.header("content-type").unwrap_or_default();
    if content_type.starts_with("application/json")
        && let Ok(Value::Object(error)) = serde_json::from_str::<Value>(&answer.body)
        && let (Some(code), Some(status)) = (error.get("status_code").and_then(Value::as_u64), answer.status)
        && code != u64::from(status)
    {
        found.push(format!("body says status_code {code}, the answer is {status}"));
    }
    if content_type.starts_with("text/html") {
        let injected = html::injected(&answer.body);
        if !injected.is_empty() {
            found.push(format!("user text became markup: {injected:?}"));
        }
    }
    for check in &case.checks {
        match check {
            Check::Contains(text) if !answer.body.contains(text.as_str()) => {
                found.push(format!("does not show {text:?}"))
            }
            Check::Lacks(text) if answer.body.contains(text.as_str()) => {
                found.push(format!("shows {text:?}"))
            }
            _ => {}
        }
    }
    found
}

/// A `Location` a browser would resolve to this site: a path, not `//host` or `/\host`.
fn is_same_site(location: &str) -> bool {
    location.starts_with('/')
        && !location.starts_with("//")
        && !location.starts_with("/\\")
        && !location.chars().any(|c| c.is_control())
}

fn excerpt(body: &str) -> String {
    body.chars().take(160).collect()
}

#[tokio::test]
async fn hostile_input_is_refused_escaped_and_changes_nothing() {
    let mut world = World::build().await;
    let mut inspector = Inspector::open(&world.app).await;
    let cases = cases::all(&world);
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    for case in &cases {
        assert!(names.insert((case.name.as_str(), case.who)), "two cases are named {:?}", case.name);
        let before = inspector.snapshot().await;
        let answer = world.send(case).await;
        let mut found = problems(case, &answer);
        if !case.changes {
            let after = inspector.snapshot().await;
            if after != before {
                found.push(format!("changed the data: {}", after.changes_since(&before)));
            }
        }
        for lost in world.keep_signed_in().await {
            found.push(format!("ended a session: {lost}"));
        }
        if !found.is_empty() {
            failures.push(format!("{} [{:?}]: {}", case.name, case.who, found.join("; ")));
        }
    }
    let refused =
        cases.iter().filter(|c| matches!(c.expect, Expect::Refused | Expect::Status(400..))).count();
    // Printed past the test harness's capture, so `make test` shows the count.
    let _ = writeln!(
        std::io::stderr(),
        "hostile-input suite: {} cases ({refused} refusals, {} accepted or read), {} failed",
        cases.len(),
        cases.len() - refused,
        failures.len()
    );
    assert!(cases.len() >= 250, "the suite keeps at least 250 cases");
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
