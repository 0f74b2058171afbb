//! The mixed load of the concurrency and crash suites: many people at once, each
//! rendering pages and making every kind of write (sign up, post a photo, like and
//! unlike, comment and delete it, follow and unfollow, edit a caption, create a token)
//! through server functions and the REST API. Every person writes recognisable content
//! (their own username in each text) and keeps what the server acknowledged, so the
//! rows can be checked afterwards: every write present and attributed to its sender.

use reqwest::{Client, StatusCode, header, redirect::Policy};
use serde_json::{Value, json};
use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

pub const PASSWORD: &str = crate::helpers::PASSWORD;

/// When each person stops.
#[derive(Clone, Copy)]
pub enum Stop {
    Ops(usize),
    At(Instant),
}

/// What one person believes the database holds about them: what the server
/// acknowledged, and what was in flight when an answer never came (unknown either way).
#[derive(Default, Debug, Clone)]
pub struct Ledger {
    pub username: String,
    pub posts: BTreeMap<i64, String>,
    pub comments: BTreeMap<i64, String>,
    pub likes: BTreeMap<i64, bool>,
    pub follows: BTreeMap<String, bool>,
    pub tokens: BTreeSet<String>,
    pub accounts: BTreeSet<String>,
    pub uncertain_comments: BTreeSet<i64>,
    pub uncertain_likes: BTreeSet<i64>,
    pub uncertain_follows: BTreeSet<String>,
}

#[derive(Default)]
pub struct Outcome {
    pub ops: usize,
    /// 5xx, wrong answers, and anything that named the wrong person.
    pub failures: Vec<String>,
    pub misattributed: usize,
    pub current_user_calls: usize,
    pub ledgers: Vec<Ledger>,
}

/// The people of a run and the posts they can see.
pub struct Crowd {
    base: String,
    people: Vec<Person>,
    posts: Arc<Mutex<Vec<i64>>>,
}

struct Person {
    http: Client,
    token: String,
    ledger: Ledger,
}

/// Why an operation did not finish: the server answered wrongly, or not at all.
enum Failure {
    Wrong(String),
    Gone,
}

type Step<T> = Result<T, Failure>;

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

fn check_status(what: &str, status: StatusCode, body: &str, ok: &[u16]) -> Step<()> {
    if ok.contains(&status.as_u16()) {
        Ok(())
    } else {
        Err(Failure::Wrong(format!("{what}: {status} {}", body.chars().take(200).collect::<String>())))
    }
}

pub fn tiny_jpeg() -> Vec<u8> {
    crate::hostile::tiny_jpeg()
}

impl Crowd {
    /// Signs up `count` people named `<prefix><n>` and has each post one photo.
    pub async fn sign_up(base: &str, prefix: &str, count: usize) -> Result<Self, String> {
        let signups = (0..count).map(|i| {
            let base = base.to_owned();
            let username = format!("{prefix}{i}");
            async move {
                let http = client();
                let mut person =
                    Person { http, token: String::new(), ledger: Ledger { username, ..Default::default() } };
                sign_up(&base, &person.http, &person.ledger.username).await.map_err(describe)?;
                person.ledger.accounts.insert(person.ledger.username.clone());
                person.token = person.create_token(&base, "load").await.map_err(describe)?;
                Ok::<_, String>(person)
            }
        });
        let people = futures::future::try_join_all(signups).await?;
        let crowd = Self { base: base.to_owned(), people, posts: Arc::default() };
        Ok(crowd)
    }

    pub fn usernames(&self) -> Vec<String> {
        self.people.iter().map(|p| p.ledger.username.clone()).collect()
    }

    /// Everyone acts at once until `stop`; answers what happened.
    pub async fn run(self, stop: Stop, seed: u64) -> Outcome {
        let names = Arc::new(self.usernames());
        let tasks = self.people.into_iter().enumerate().map(|(i, person)| {
            let base = self.base.clone();
            let posts = self.posts.clone();
            let names = names.clone();
            tokio::spawn(async move {
                person.act(&base, &posts, &names, stop, seed ^ ((i as u64 + 1) * 0x9e37_79b9)).await
            })
        });
        let mut outcome = Outcome::default();
        for result in futures::future::join_all(tasks).await {
            let (ledger, ops, failures, misattributed, calls) = result.expect("a client task");
            outcome.ops += ops;
            outcome.failures.extend(failures);
            outcome.misattributed += misattributed;
            outcome.current_user_calls += calls;
            outcome.ledgers.push(ledger);
        }
        outcome
    }
}

fn describe(f: Failure) -> String {
    match f {
        Failure::Wrong(s) => s,
        Failure::Gone => "no answer".into(),
    }
}

async fn sign_up(base: &str, http: &Client, username: &str) -> Step<()> {
    let res = http
        .post(format!("{base}/api/fn/sign_up"))
        .header(header::ORIGIN, base)
        .form(&[
            ("username", username),
            ("full_name", &format!("{username} Load")),
            ("email", &format!("{username}@example.com")),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .map_err(|_| Failure::Gone)?;
    let status = res.status();
    let body = res.text().await.map_err(|_| Failure::Gone)?;
    check_status(&format!("sign up {username}"), status, &body, &[200])
}

/// A tiny deterministic random number generator (xorshift): runs are repeatable by seed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 0
    }
}

impl Person {
    fn me(&self) -> &str {
        &self.ledger.username
    }

    async fn call(&self, base: &str, endpoint: &str, form: &[(&str, &str)]) -> Step<(StatusCode, String)> {
        let res = self
            .http
            .post(format!("{base}/api/fn/{endpoint}"))
            .header(header::ORIGIN, base)
            .form(form)
            .send()
            .await
            .map_err(|_| Failure::Gone)?;
        let status = res.status();
        Ok((status, res.text().await.map_err(|_| Failure::Gone)?))
    }

    async fn rest(
        &self,
        base: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Step<(StatusCode, String)> {
        let mut req = self.http.request(method, format!("{base}{path}")).bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.map_err(|_| Failure::Gone)?;
        let status = res.status();
        Ok((status, res.text().await.map_err(|_| Failure::Gone)?))
    }

    /// Creates a token and answers it (shown once, through the key of the redirect).
    async fn create_token(&self, base: &str, name: &str) -> Step<String> {
        let res = self
            .http
            .post(format!("{base}/api/fn/create_token"))
            .header(header::ORIGIN, base)
            .form(&[("name", name)])
            .send()
            .await
            .map_err(|_| Failure::Gone)?;
        let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let status = res.status();
        let body = res.text().await.map_err(|_| Failure::Gone)?;
        check_status("create_token", status, &body, &[200])?;
        let key = location
            .and_then(|l| l.split("created=").nth(1).map(str::to_owned))
            .ok_or_else(|| Failure::Wrong("create_token did not redirect with a key".into()))?;
        let (status, body) = self.call(base, "tokens", &[("created", &key)]).await?;
        check_status("tokens", status, &body, &[200])?;
        serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v["new_token"]["token"].as_str().map(str::to_owned))
            .ok_or_else(|| Failure::Wrong(format!("misattributed or lost token reveal: {body}")))
    }

    async fn act(
        mut self,
        base: &str,
        posts: &Mutex<Vec<i64>>,
        names: &[String],
        stop: Stop,
        seed: u64,
    ) -> (Ledger, usize, Vec<String>, usize, usize) {
        let mut dice = Dice(seed | 1);
        let mut failures = Vec::new();
        let (mut ops, mut misattributed, mut calls) = (0, 0, 0);
        // Everyone starts with a photo of their own, so there is something to like.
        match self.post_photo(base, 0).await {
            Ok(id) => posts.lock().expect("posts").push(id),
            Err(Failure::Gone) => return (self.ledger, ops, failures, misattributed, calls),
            Err(Failure::Wrong(e)) => failures.push(format!("{}: {e}", self.me())),
        }
        loop {
            let done = match stop {
                Stop::Ops(n) => ops >= n,
                Stop::At(t) => Instant::now() >= t,
            };
            if done {
                break;
            }
            ops += 1;
            let roll = dice.below(100);
            let post = {
                let posts = posts.lock().expect("posts");
                if posts.is_empty() { None } else { Some(posts[dice.below(posts.len())]) }
            };
            let Some(post) = post else {
                calls += 1;
                if let Err(Failure::Gone) = self.whoami(base).await {
                    break;
                }
                continue;
            };
            let other = names[dice.below(names.len())].clone();
            let result = match roll {
                0..=24 => self.render(base, &mut dice, post, &other).await,
                25..=41 => {
                    calls += 1;
                    self.whoami(base).await
                }
                42..=53 => self.toggle_like(base, post, dice.coin()).await,
                54..=63 => self.comment(base, post, dice.coin(), ops).await,
                64..=68 => self.delete_comment(base, dice.coin()).await,
                69..=76 if other != self.ledger.username => self.toggle_follow(base, &other).await,
                77..=80 => match self.post_photo(base, ops).await {
                    Ok(id) => {
                        posts.lock().expect("posts").push(id);
                        Ok(())
                    }
                    Err(e) => Err(e),
                },
                81..=86 => self.edit_caption(base, ops).await,
                87..=88 if self.ledger.tokens.len() < 5 => self.new_token(base, ops).await,
                89 if self.ledger.accounts.len() < 3 => self.extra_account(base, ops).await,
                _ => self.read_rest(base, post).await,
            };
            match result {
                Ok(()) => {}
                Err(Failure::Gone) => break,
                Err(Failure::Wrong(e)) => {
                    if e.contains("misattributed") {
                        misattributed += 1;
                    }
                    if failures.len() < 20 {
                        failures.push(format!("{}: {e}", self.me()));
                    }
                }
            }
        }
        (self.ledger, ops, failures, misattributed, calls)
    }

    async fn render(&self, base: &str, dice: &mut Dice, post: i64, other: &str) -> Step<()> {
        let path = match dice.below(5) {
            0 => "/".to_owned(),
            1 => format!("/users/{other}/"),
            2 => format!("/posts/{post}/"),
            3 => "/explore/".into(),
            _ => "/notifications/".into(),
        };
        let res = self.http.get(format!("{base}{path}")).send().await.map_err(|_| Failure::Gone)?;
        let status = res.status();
        let body = res.text().await.map_err(|_| Failure::Gone)?;
        check_status(&format!("GET {path}"), status, &body, &[200])?;
        // The nav links to the reader's own profile: a page rendered for someone else
        // would link to theirs.
        let mine = format!("href=\"/users/{}/\"", self.me());
        if !body.contains(&mine) {
            return Err(Failure::Wrong(format!(
                "misattributed page: GET {path} did not render for {}",
                self.me()
            )));
        }
        Ok(())
    }

    async fn whoami(&self, base: &str) -> Step<()> {
        let (status, body) = self.call(base, "current_user", &[]).await?;
        check_status("current_user", status, &body, &[200])?;
        let named =
            serde_json::from_str::<Value>(&body).ok().and_then(|v| v["username"].as_str().map(str::to_owned));
        if named.as_deref() != Some(self.me()) {
            return Err(Failure::Wrong(format!("misattributed: current_user named {named:?}")));
        }
        Ok(())
    }

    async fn toggle_like(&mut self, base: &str, post: i64, by_rest: bool) -> Step<()> {
        let want = !self.ledger.likes.get(&post).copied().unwrap_or(false);
        self.ledger.uncertain_likes.insert(post);
        let liked = if by_rest {
            if want {
                let (status, body) = self
                    .rest(base, reqwest::Method::POST, &format!("/api/v1/likes/?postid={post}"), None)
                    .await?;
                check_status("REST like", status, &body, &[200, 201])?;
            } else {
                let (status, body) =
                    self.rest(base, reqwest::Method::GET, &format!("/api/v1/posts/{post}/"), None).await?;
                check_status("REST post", status, &body, &[200])?;
                let detail: Value = serde_json::from_str(&body).map_err(|e| Failure::Wrong(e.to_string()))?;
                let url = detail["likes"]["url"].as_str().map(str::to_owned);
                let Some(url) = url else {
                    return Err(Failure::Wrong(format!(
                        "misattributed: post {post} shows no like of {} to undo",
                        self.me()
                    )));
                };
                let (status, body) = self.rest(base, reqwest::Method::DELETE, &url, None).await?;
                check_status("REST unlike", status, &body, &[204])?;
            }
            want
        } else {
            let (status, body) =
                self.call(base, "like", &[("post", &post.to_string()), ("liked", &want.to_string())]).await?;
            check_status("like", status, &body, &[200])?;
            let state: Value = serde_json::from_str(&body).map_err(|e| Failure::Wrong(e.to_string()))?;
            if state["liked"].as_bool() != Some(want) {
                return Err(Failure::Wrong(format!("misattributed like: asked liked={want}, answer {body}")));
            }
            want
        };
        self.ledger.uncertain_likes.remove(&post);
        self.ledger.likes.insert(post, liked);
        Ok(())
    }

    async fn comment(&mut self, base: &str, post: i64, by_rest: bool, n: usize) -> Step<()> {
        let text = format!("{} says hello {n}", self.me());
        let (id, owner) = if by_rest {
            let (status, body) = self
                .rest(
                    base,
                    reqwest::Method::POST,
                    &format!("/api/v1/comments/?postid={post}"),
                    Some(json!({ "text": text })),
                )
                .await?;
            check_status("REST comment", status, &body, &[201])?;
            let v: Value = serde_json::from_str(&body).map_err(|e| Failure::Wrong(e.to_string()))?;
            (v["commentid"].as_i64(), v["owner"].as_str().map(str::to_owned))
        } else {
            let (status, body) =
                self.call(base, "add_comment", &[("post", &post.to_string()), ("text", &text)]).await?;
            check_status("add_comment", status, &body, &[200])?;
            let v: Value = serde_json::from_str(&body).map_err(|e| Failure::Wrong(e.to_string()))?;
            (v["id"].as_i64(), v["username"].as_str().map(str::to_owned))
        };
        if owner.as_deref() != Some(self.me()) {
            return Err(Failure::Wrong(format!("misattributed comment: stored as {owner:?}")));
        }
        let id = id.ok_or_else(|| Failure::Wrong("comment without id".into()))?;
        self.ledger.comments.insert(id, text);
        Ok(())
    }

    async fn delete_comment(&mut self, base: &str, by_rest: bool) -> Step<()> {
        let Some((&id, _)) = self.ledger.comments.iter().next() else {
            return Ok(());
        };
        self.ledger.uncertain_comments.insert(id);
        if by_rest {
            let (status, body) =
                self.rest(base, reqwest::Method::DELETE, &format!("/api/v1/comments/{id}/"), None).await?;
            check_status("REST delete comment", status, &body, &[204])?;
        } else {
            let (status, body) = self.call(base, "delete_comment", &[("id", &id.to_string())]).await?;
            check_status("delete_comment", status, &body, &[200])?;
        }
        self.ledger.uncertain_comments.remove(&id);
        self.ledger.comments.remove(&id);
        Ok(())
    }

    async fn toggle_follow(&mut self, base: &str, other: &str) -> Step<()> {
        let want = !self.ledger.follows.get(other).copied().unwrap_or(false);
        self.ledger.uncertain_follows.insert(other.to_owned());
        let endpoint = if want { "follow" } else { "unfollow" };
        let (status, body) = self.call(base, endpoint, &[("username", other)]).await?;
        check_status(endpoint, status, &body, &[200])?;
        self.ledger.uncertain_follows.remove(other);
        self.ledger.follows.insert(other.to_owned(), want);
        Ok(())
    }

    async fn post_photo(&mut self, base: &str, n: usize) -> Step<i64> {
        let caption = format!("{} posted {n} #load", self.me());
        let form = reqwest::multipart::Form::new()
            .text("caption", caption.clone())
            .part("images", reqwest::multipart::Part::bytes(tiny_jpeg()).file_name("p.jpg"));
        let res = self
            .http
            .post(format!("{base}/posts/new/"))
            .header(header::ORIGIN, base)
            .header(header::ACCEPT, "application/json")
            .multipart(form)
            .send()
            .await
            .map_err(|_| Failure::Gone)?;
        let status = res.status();
        let body = res.text().await.map_err(|_| Failure::Gone)?;
        check_status("new post", status, &body, &[201])?;
        let id = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["postid"].as_i64());
        let id = id.ok_or_else(|| Failure::Wrong(format!("new post answered {body}")))?;
        self.ledger.posts.insert(id, caption);
        Ok(id)
    }

    async fn edit_caption(&mut self, base: &str, n: usize) -> Step<()> {
        let Some((&id, _)) = self.ledger.posts.iter().next_back() else {
            return Ok(());
        };
        let caption = format!("{} edited {n} #load", self.me());
        // Unknown until answered: the old or the new caption may be stored.
        self.ledger.posts.insert(id, String::new());
        let (status, body) =
            self.call(base, "update_post", &[("id", &id.to_string()), ("caption", &caption)]).await?;
        check_status("update_post", status, &body, &[200])?;
        self.ledger.posts.insert(id, caption);
        Ok(())
    }

    async fn new_token(&mut self, base: &str, n: usize) -> Step<()> {
        let name = format!("{} token {n}", self.me());
        let (status, body) = self.call(base, "create_token", &[("name", &name)]).await?;
        check_status("create_token", status, &body, &[200])?;
        self.ledger.tokens.insert(name);
        Ok(())
    }

    async fn extra_account(&mut self, base: &str, n: usize) -> Step<()> {
        let username = format!("{}x{n}", self.me());
        let http = client();
        sign_up(base, &http, &username).await?;
        self.ledger.accounts.insert(username.clone());
        let res = http
            .post(format!("{base}/api/fn/current_user"))
            .header(header::ORIGIN, base)
            .send()
            .await
            .map_err(|_| Failure::Gone)?;
        let body = res.text().await.map_err(|_| Failure::Gone)?;
        let named =
            serde_json::from_str::<Value>(&body).ok().and_then(|v| v["username"].as_str().map(str::to_owned));
        if named.as_deref() != Some(username.as_str()) {
            return Err(Failure::Wrong(format!(
                "misattributed: a new account's current_user named {named:?}"
            )));
        }
        Ok(())
    }

    async fn read_rest(&self, base: &str, post: i64) -> Step<()> {
        let (status, body) =
            self.rest(base, reqwest::Method::GET, &format!("/api/v1/posts/{post}/"), None).await?;
        check_status("REST post detail", status, &body, &[200])?;
        let detail: Value = serde_json::from_str(&body).map_err(|e| Failure::Wrong(e.to_string()))?;
        if let Some(&liked) = self.ledger.likes.get(&post)
            && !self.ledger.uncertain_likes.contains(&post)
            && detail["likes"]["lognameLikesThis"].as_bool() != Some(liked)
        {
            return Err(Failure::Wrong(format!(
                "misattributed: post {post} says lognameLikesThis != {liked}"
            )));
        }
        Ok(())
    }
}
