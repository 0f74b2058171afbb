//! HTTP load generator: N keep-alive HTTP/1.1 connections, each sending one GET after
//! another for D seconds; reports requests/s, latency percentiles and status codes.
//!
//!     cargo run --release -p bench --bin load -- http://127.0.0.1:3000/ -c 64 -d 10
//!         [-H 'Authorization: Bearer …'] [--basic user:pass] [--cookie 'id=…']
//!         [--sign-in user:pass] [--pid <server pid>]
//!         [--like <post id> --sign-in-each 'user#####:password' [--first N]]
//!
//! `--like` toggles a like instead: connection i signs in as its own person (the `#`s of
//! `--sign-in-each` replaced by N + i, zero-padded), makes sure it does not like the post,
//! then sends the heart's server function (`like`, liked=true, then false, …) back to back.
//! At the end it checks that the post's like count is exactly the count before plus the
//! connections whose last acknowledged toggle was a like.
//!
//! `--sign-in` first signs in the way the browser does (a form POST to the `sign_in`
//! server function with a same-origin Origin header) and sends the session cookie it got
//! with every request. `--pid` reads the server's VmRSS (sampled, peak kept) and VmHWM
//! from /proc. Latency is measured per request from sending to the last body byte; the
//! load generator shares the machine with the server, so both compete for the cores.

use bench::{ms, percentile, proc_status_kib};
use bytes::Bytes;
use clap::Parser;
use http::{HeaderName, HeaderValue, Method, Request, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::net::TcpStream;

#[derive(Parser)]
#[command(about = "HTTP/1.1 load generator")]
struct Args {
    /// The URL to GET (http only).
    url: Uri,
    /// Concurrent connections.
    #[arg(short, long, default_value_t = 64)]
    connections: usize,
    /// Seconds to measure, after the warm-up.
    #[arg(short, long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of load before measuring.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// An extra request header, "Name: value" (repeatable).
    #[arg(short = 'H', long = "header")]
    headers: Vec<String>,
    /// HTTP basic credentials, user:pass.
    #[arg(long)]
    basic: Option<String>,
    /// A Cookie header value.
    #[arg(long)]
    cookie: Option<String>,
    /// Sign in first as user:pass (Shutter's sign_in server function) and send its cookie.
    #[arg(long)]
    sign_in: Option<String>,
    /// The server's process id, to report its memory from /proc.
    #[arg(long)]
    pid: Option<u32>,
    /// Toggle a like on this post (POST to the `like` server function) instead of GETs.
    #[arg(long, requires = "sign_in_each")]
    like: Option<i64>,
    /// With --like: one person per connection, "user#####:password" (# → digits of N + i).
    #[arg(long)]
    sign_in_each: Option<String>,
    /// With --sign-in-each: the number of connection 0's person.
    #[arg(long, default_value_t = 0)]
    first: usize,
}

type Error = Box<dyn std::error::Error + Send + Sync>;

fn base64(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// Signs in and answers the session cookie(s) as a Cookie header value.
async fn sign_in(authority: &str, credentials: &str) -> Result<String, Error> {
    let (user, pass) = credentials.split_once(':').ok_or("--sign-in wants user:pass")?;
    let stream = TcpStream::connect(authority).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let body = form_encode(&[("username", user), ("password", pass)]);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/fn/sign_in")
        .header(header::HOST, authority)
        .header(header::ORIGIN, format!("http://{authority}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(body)))?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let cookies: Vec<String> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_owned)
        .collect();
    let text = response.into_body().collect().await?.to_bytes();
    if !status.is_success() || cookies.is_empty() {
        return Err(format!("sign in failed: {status} {}", String::from_utf8_lossy(&text)).into());
    }
    Ok(cookies.join("; "))
}

/// The `#`s of `template` replaced by `n`, zero-padded to their number.
fn person(template: &str, n: usize) -> String {
    let width = template.chars().filter(|&c| c == '#').count();
    let start = template.find('#').unwrap_or(template.len());
    let digits = format!("{n:0width$}");
    format!("{}{digits}{}", &template[..start], &template[start + width..])
}

/// The like server function's request: `liked` on post `post`, as the browser sends it.
fn like_request(
    authority: &str,
    cookie: &str,
    post: i64,
    liked: bool,
) -> Result<Request<Full<Bytes>>, Error> {
    Ok(Request::builder()
        .method(Method::POST)
        .uri("/api/fn/like")
        .header(header::HOST, authority)
        .header(header::ORIGIN, format!("http://{authority}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Full::new(Bytes::from(format!("post={post}&liked={liked}"))))?)
}

/// The answer of the like server function: (count, liked), if it is one.
fn like_state(body: &[u8]) -> Option<(i64, bool)> {
    let text = std::str::from_utf8(body).ok()?;
    let count = text.split("\"count\":").nth(1)?.split([',', '}']).next()?.trim().parse().ok()?;
    let liked = text.contains("\"liked\":true");
    Some((count, liked))
}

/// Sets the like once, on a connection of its own; answers the post's like count.
async fn set_like_once(authority: &str, cookie: &str, post: i64, liked: bool) -> Result<i64, Error> {
    let stream = TcpStream::connect(authority).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let response = sender.send_request(like_request(authority, cookie, post, liked)?).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    match like_state(&body) {
        Some((count, now)) if status.is_success() && now == liked => Ok(count),
        _ => Err(format!("like failed: {status} {}", String::from_utf8_lossy(&body)).into()),
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, u64>,
    errors: u64,
    bytes: u64,
    /// With --like: whether this connection's last acknowledged toggle left the post liked.
    likes: bool,
}

/// One connection: requests back to back until `stop`; counts only after `measuring`.
async fn connection(
    authority: Arc<str>,
    request: Arc<Request<()>>,
    like: Option<(i64, String)>,
    measuring: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut tally = Tally::default();
    'reconnect: while !stop.load(Ordering::Relaxed) {
        let Ok(stream) = TcpStream::connect(&*authority).await else {
            tally.errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else {
            tally.errors += 1;
            continue;
        };
        tokio::spawn(conn);
        while !stop.load(Ordering::Relaxed) {
            let req = match &like {
                Some((post, cookie)) => like_request(&authority, cookie, *post, !tally.likes),
                None => {
                    let mut req = Request::builder().method(Method::GET).uri(request.uri().clone());
                    for (name, value) in request.headers() {
                        req = req.header(name, value);
                    }
                    req.body(Full::new(Bytes::new())).map_err(Error::from)
                }
            };
            let Ok(req) = req else {
                tally.errors += 1;
                return tally;
            };
            let start = Instant::now();
            let result = async {
                let response = sender.send_request(req).await?;
                let status = response.status().as_u16();
                let body = response.into_body().collect().await?.to_bytes();
                Ok::<_, hyper::Error>((status, body))
            }
            .await;
            let took = start.elapsed();
            let counted = measuring.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed);
            match result {
                Ok((status, body)) => {
                    let len = body.len();
                    if like.is_some()
                        && status == 200
                        && let Some((_, liked)) = like_state(&body)
                    {
                        tally.likes = liked;
                    }
                    if counted {
                        tally.latencies.push(took);
                        *tally.statuses.entry(status).or_default() += 1;
                        tally.bytes += len as u64;
                    }
                }
                Err(_) => {
                    if counted {
                        tally.errors += 1;
                    }
                    continue 'reconnect;
                }
            }
        }
    }
    tally
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args::parse();
    if args.url.scheme_str() != Some("http") {
        return Err("only http:// URLs".into());
    }
    let authority: Arc<str> = args.url.authority().ok_or("the URL needs a host")?.as_str().into();
    let path = args.url.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_owned();

    let mut request =
        Request::builder().method(Method::GET).uri(path.as_str()).header(header::HOST, &*authority);
    for h in &args.headers {
        let (name, value) = h.split_once(':').ok_or("a header is \"Name: value\"")?;
        request = request.header(HeaderName::try_from(name.trim())?, HeaderValue::try_from(value.trim())?);
    }
    if let Some(basic) = &args.basic {
        request = request.header(header::AUTHORIZATION, format!("Basic {}", base64(basic.as_bytes())));
    }
    let mut cookies: Vec<String> = args.cookie.iter().cloned().collect();
    if let Some(credentials) = &args.sign_in {
        let cookie = sign_in(&authority, credentials).await?;
        println!("signed in as {}", credentials.split(':').next().unwrap_or_default());
        cookies.push(cookie);
    }
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies.join("; "));
    }
    let request = Arc::new(request.body(())?);

    // --like: each connection's person signed in, and not liking the post to begin with.
    let mut likers = Vec::new();
    if let (Some(post), Some(template)) = (args.like, &args.sign_in_each) {
        for i in 0..args.connections {
            let credentials = person(template, args.first + i);
            let cookie = sign_in(&authority, &credentials).await?;
            set_like_once(&authority, &cookie, post, false).await?;
            likers.push((post, cookie));
        }
        println!("signed in {} people, none liking post {post}", likers.len());
    }
    let count_before = match likers.first() {
        Some((post, cookie)) => Some(set_like_once(&authority, cookie, *post, false).await?),
        None => None,
    };

    let pid = args.pid.map(|p| p.to_string());
    let rss_before = pid.as_deref().and_then(|p| proc_status_kib(p, "VmRSS"));
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..args.connections)
        .map(|i| {
            tokio::spawn(connection(
                authority.clone(),
                request.clone(),
                likers.get(i).cloned(),
                measuring.clone(),
                stop.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs_f64(args.warmup)).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    let mut rss_peak = 0;
    while started.elapsed().as_secs_f64() < args.duration {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Some(rss) = pid.as_deref().and_then(|p| proc_status_kib(p, "VmRSS")) {
            rss_peak = rss_peak.max(rss);
        }
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);

    let mut all = Tally::default();
    let mut last_states = Vec::new();
    for task in tasks {
        let t = task.await?;
        last_states.push(t.likes);
        all.latencies.extend(t.latencies);
        for (status, n) in t.statuses {
            *all.statuses.entry(status).or_default() += n;
        }
        all.errors += t.errors;
        all.bytes += t.bytes;
    }
    all.latencies.sort();
    let n = all.latencies.len();
    println!(
        "{} {} — {} connections, {:.1} s (after {:.1} s warm-up)",
        if args.like.is_some() { "like toggles on" } else { "GET" },
        args.url,
        args.connections,
        elapsed.as_secs_f64(),
        args.warmup
    );
    println!(
        "requests   {n} ({:.0} req/s), {} bytes per response on average",
        n as f64 / elapsed.as_secs_f64(),
        all.bytes / (n.max(1) as u64)
    );
    println!(
        "latency    p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(percentile(&all.latencies, 50.0)),
        ms(percentile(&all.latencies, 90.0)),
        ms(percentile(&all.latencies, 99.0)),
        ms(all.latencies.last().copied().unwrap_or_default())
    );
    let statuses: Vec<String> = all.statuses.iter().map(|(s, n)| format!("{s}: {n}")).collect();
    println!("statuses   {}; errors: {}", statuses.join(", "), all.errors);
    if let (Some(before), Some((post, cookie)), Some(&last)) =
        (count_before, likers.first(), last_states.first())
    {
        let liking = last_states.iter().filter(|&&liked| liked).count() as i64;
        // Connection 0 sets its own last state again (a no-op) to read the count.
        let after = set_like_once(&authority, cookie, *post, last).await?;
        let expected = before + liking;
        println!(
            "likes      post {post}: {before} before, {liking} of {} people liking at the end, count {after} \
             (expected {expected}: {})",
            likers.len(),
            if after == expected { "exact" } else { "WRONG" }
        );
        if after != expected {
            return Err("the like count is not exact".into());
        }
    }
    if let Some(p) = pid.as_deref() {
        let kib =
            |v: Option<u64>| v.map(|k| format!("{:.1} MiB", k as f64 / 1024.0)).unwrap_or_else(|| "?".into());
        println!(
            "server     VmRSS before {}, peak sampled {}, after {}; VmHWM {}",
            kib(rss_before),
            kib(Some(rss_peak)),
            kib(proc_status_kib(p, "VmRSS")),
            kib(proc_status_kib(p, "VmHWM"))
        );
    }
    Ok(())
}
