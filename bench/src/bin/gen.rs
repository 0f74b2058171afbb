//! Generates a Shutter data folder for load tests: the real migrations, then users,
//! follows, posts with photos, likes and comments in bulk.
//!
//!     cargo run --release -p bench --bin gen -- --posts 1000000
//!     cargo run --release -p bench --bin gen -- --posts 10000 --data-dir /tmp/shutter-10k
//!
//! Without `--data-dir` the folder is `target/bench-db/<generator version + migrations>/
//! <posts>-posts/` and a finished one is reused (pass `--force` to regenerate).
//!
//! Every account's password is `bench::PASSWORD`. The shape: 10,000 users; each follows
//! 10–90 others (50 on average), popular people far more often followed; posts spread
//! over two years, more from popular people; likes per post geometric (5 on average);
//! about one comment per two posts. Every photo row has its own stem (stems are unique),
//! and the newest posts' photos (`--media-posts`) exist on disk as hard links to one real
//! JPEG and thumbnail, so the first pages of any feed render with pictures.

use app::{
    domain::Password,
    server::{
        media::{Shape, process},
        password::PasswordHasher,
    },
};
use bench::{Dice, MIGRATIONS, PASSWORD, READY_FILE, cached_data_dir, ready_info};
use clap::Parser;
use sqlx::{
    Connection, SqliteConnection,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode, SqliteSynchronous},
};
use std::{path::PathBuf, time::Instant};

#[derive(Parser)]
#[command(about = "Generate a Shutter database for benchmarks")]
struct Args {
    /// Data folder to create (default: the cache under target/bench-db/).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    #[arg(long, default_value_t = 10_000)]
    users: u64,
    #[arg(long, default_value_t = 1_000_000)]
    posts: u64,
    /// Total follows (default: 50 per user).
    #[arg(long)]
    follows: Option<u64>,
    /// Total likes, approximately (default: 5 per post).
    #[arg(long)]
    likes: Option<u64>,
    /// Total comments, approximately (default: one per two posts).
    #[arg(long)]
    comments: Option<u64>,
    /// How many of the newest posts get media files on disk.
    #[arg(long, default_value_t = 20_000)]
    media_posts: u64,
    #[arg(long, default_value_t = 0x5EED)]
    seed: u64,
    /// Regenerate even if the folder holds a finished database.
    #[arg(long)]
    force: bool,
    /// Print the data folder as the last line (for scripts).
    #[arg(long)]
    print_dir: bool,
}

const CAPTIONS: &[&str] = &[
    "Golden hour never gets old",
    "Weekend in the hills",
    "Coffee first, questions later",
    "City lights from the roof",
    "Found this on a walk",
    "Minimalism, but make it colourful",
    "Low tide, high spirits",
    "Morning run done",
    "The view from the office today",
    "Patterns everywhere",
    "",
    "Can't stop looking at this sky",
];

const COMMENTS: &[&str] = &[
    "Wow, stunning!",
    "Where is this?",
    "Those colours!",
    "Take me there!",
    "Great shot",
    "Love this one",
    "This is my new wallpaper",
    "So calm.",
];

/// A bound value of a bulk insert.
enum V {
    I(i64),
    S(String),
    T(&'static str),
}

/// Inserts `values` (rows of `ncols` values, flattened) as multi-row INSERTs of up to
/// 500 rows: `head` is "INSERT INTO t (a, b) VALUES ", `tuple` one row's "(?, ?)".
async fn insert(
    conn: &mut SqliteConnection,
    head: &str,
    tuple: &str,
    ncols: usize,
    values: &[V],
) -> sqlx::Result<()> {
    const ROWS: usize = 500;
    for chunk in values.chunks(ROWS * ncols) {
        let rows = chunk.len() / ncols;
        let mut sql = String::with_capacity(head.len() + rows * (tuple.len() + 1));
        sql.push_str(head);
        for r in 0..rows {
            if r > 0 {
                sql.push(',');
            }
            sql.push_str(tuple);
        }
        let mut query = sqlx::query(&sql);
        for v in chunk {
            query = match v {
                V::I(i) => query.bind(*i),
                V::S(s) => query.bind(s.as_str()),
                V::T(s) => query.bind(*s),
            };
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A user id in 1..=users, low ids far more likely (`skew` > 1: the popular ones).
fn skewed(dice: &mut Dice, users: u64, skew: f64) -> i64 {
    (1 + ((users as f64) * dice.unit().powf(skew)) as u64).min(users) as i64
}

/// A geometrically distributed count with the given mean (many small, a few large).
fn geometric(dice: &mut Dice, mean: f64) -> u64 {
    let p = mean / (mean + 1.0);
    ((1.0 - dice.unit()).ln() / p.ln()).floor() as u64
}

fn stem(seed: u64, post: u64, position: u64) -> String {
    format!("{:016x}{:016x}", seed ^ 0xbe9c_0000_0000_0000, post * 16 + position)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let data_dir = args.data_dir.clone().unwrap_or_else(|| cached_data_dir(args.posts));
    if !args.force
        && let Some(info) = ready_info(&data_dir)
    {
        let typical = info.iter().find(|(k, _)| k == "typical").map(|(_, v)| v.as_str()).unwrap_or("?");
        println!("reusing {} (typical user: {typical})", data_dir.display());
        if args.print_dir {
            println!("{}", data_dir.display());
        }
        return Ok(());
    }
    if data_dir.exists() {
        std::fs::remove_dir_all(&data_dir)?;
    }
    let media_dir = data_dir.join("media");
    std::fs::create_dir_all(&media_dir)?;
    let started = Instant::now();

    let users = args.users;
    let posts = args.posts;
    let follows_mean = args.follows.unwrap_or(users * 50) as f64 / users as f64;
    let likes_mean = args.likes.unwrap_or(posts * 5) as f64 / posts as f64;
    let comments_mean = args.comments.unwrap_or(posts / 2) as f64 / posts as f64;

    let options = SqliteConnectOptions::new()
        .filename(data_dir.join("shutter.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Off)
        .synchronous(SqliteSynchronous::Off)
        .locking_mode(SqliteLockingMode::Exclusive)
        .foreign_keys(false)
        .pragma("cache_size", "-1048576")
        .pragma("temp_store", "memory");
    let mut conn = SqliteConnection::connect_with(&options).await?;
    MIGRATIONS.run(&mut conn).await?;

    // One argon2 hash for everyone, made by the app's own hasher.
    let hash = PasswordHasher::new()
        .hash(Password::parse(PASSWORD).map_err(|e| e.to_string())?)
        .await
        .map_err(|e| e.to_string())?;

    let mut dice = Dice::new(args.seed);
    let t = Instant::now();
    let mut tx = conn.begin().await?;
    let mut rows = Vec::new();
    for id in 1..=users {
        rows.push(V::I(id as i64));
        rows.push(V::S(format!("user{id:05}")));
        rows.push(V::S(format!("Bench Person {id}")));
        rows.push(V::S(format!("user{id:05}@bench.invalid")));
        rows.push(V::S(hash.clone()));
    }
    insert(
        &mut tx,
        "INSERT INTO users (id, username, full_name, email, password_hash) VALUES ",
        "(?,?,?,?,?)",
        5,
        &rows,
    )
    .await?;
    tx.commit().await?;
    println!("users      {users} in {:.1} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let mut follows = 0u64;
    let mut tx = conn.begin().await?;
    rows.clear();
    for follower in 1..=users as i64 {
        // 10–90 followees when the mean is 50.
        let low = (follows_mean / 5.0).round() as u64;
        let count = (low + dice.below((follows_mean * 2.0) as u64 - 2 * low + 1)).min(users - 1);
        let mut followees: Vec<i64> = Vec::with_capacity(count as usize);
        while (followees.len() as u64) < count {
            let f = skewed(&mut dice, users, 2.0);
            if f != follower && !followees.contains(&f) {
                followees.push(f);
            }
        }
        followees.sort_unstable();
        for f in followees {
            rows.push(V::I(follower));
            rows.push(V::I(f));
            follows += 1;
        }
    }
    insert(&mut tx, "INSERT INTO follows (follower_id, followee_id) VALUES ", "(?,?)", 2, &rows).await?;
    tx.commit().await?;
    println!("follows    {follows} in {:.1} s", t.elapsed().as_secs_f64());

    // Posts over two years up to now, one transaction per batch of posts with their photos,
    // likes and comments.
    let t = Instant::now();
    let now = 1_763_000_000i64;
    let span = 2 * 365 * 24 * 3600i64;
    let (mut images, mut likes, mut comments) = (0u64, 0u64, 0u64);
    let (full_w, full_h, thumb_w, thumb_h) = (1080, 1350, 640, 800);
    const BATCH: u64 = 20_000;
    let (mut post_rows, mut image_rows, mut like_rows, mut comment_rows) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut first = 1;
    while first <= posts {
        let last = (first + BATCH - 1).min(posts);
        post_rows.clear();
        image_rows.clear();
        like_rows.clear();
        comment_rows.clear();
        for id in first..=last {
            let owner = skewed(&mut dice, users, 1.5);
            let created = now - span + (span as f64 * id as f64 / posts as f64) as i64;
            post_rows.push(V::I(id as i64));
            post_rows.push(V::I(owner));
            post_rows.push(V::T(CAPTIONS[dice.below(CAPTIONS.len() as u64) as usize]));
            post_rows.push(V::I(created));
            let photos = if dice.below(5) == 0 { 2 + dice.below(2) } else { 1 };
            for position in 0..photos {
                image_rows.push(V::I(id as i64));
                image_rows.push(V::I(position as i64));
                image_rows.push(V::S(stem(args.seed, id, position)));
                image_rows.push(V::I(full_w));
                image_rows.push(V::I(full_h));
                image_rows.push(V::I(thumb_w));
                image_rows.push(V::I(thumb_h));
                images += 1;
            }
            let count = geometric(&mut dice, likes_mean).min(users);
            let mut likers: Vec<i64> = (0..count).map(|_| 1 + dice.below(users) as i64).collect();
            likers.sort_unstable();
            likers.dedup();
            for liker in likers {
                like_rows.push(V::I(liker));
                like_rows.push(V::I(id as i64));
                likes += 1;
            }
            for _ in 0..geometric(&mut dice, comments_mean) {
                comment_rows.push(V::I(id as i64));
                comment_rows.push(V::I(1 + dice.below(users) as i64));
                comment_rows.push(V::T(COMMENTS[dice.below(COMMENTS.len() as u64) as usize]));
                comment_rows.push(V::I(created + 60 + dice.below(86_400) as i64));
                comments += 1;
            }
        }
        let mut tx = conn.begin().await?;
        let at = "strftime('%Y-%m-%d %H:%M:%S', ?, 'unixepoch')";
        insert(
            &mut tx,
            "INSERT INTO posts (id, owner_id, caption, created_at) VALUES ",
            &format!("(?,?,?,{at})"),
            4,
            &post_rows,
        )
        .await?;
        insert(
            &mut tx,
            "INSERT INTO post_images (post_id, position, stem, width, height, thumb_width, thumb_height) VALUES ",
            "(?,?,?,?,?,?,?)",
            7,
            &image_rows,
        )
        .await?;
        insert(&mut tx, "INSERT INTO likes (user_id, post_id) VALUES ", "(?,?)", 2, &like_rows).await?;
        insert(
            &mut tx,
            "INSERT INTO comments (post_id, owner_id, text, created_at) VALUES ",
            &format!("(?,?,?,{at})"),
            4,
            &comment_rows,
        )
        .await?;
        tx.commit().await?;
        first = last + 1;
    }
    println!(
        "posts      {posts} ({images} photos, {likes} likes, {comments} comments) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // The media files: one real photo, hard-linked under the newest posts' stems.
    let t = Instant::now();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../server/tests/fixtures/gps_orientation6.jpg");
    let processed = process(&std::fs::read(&fixture)?, Shape::Photo).map_err(|e| e.to_string())?;
    let (master_full, master_thumb) = (media_dir.join(".bench-full"), media_dir.join(".bench-thumb"));
    std::fs::write(&master_full, &processed.full.jpeg)?;
    std::fs::write(&master_thumb, &processed.thumb.jpeg)?;
    // The rows above assumed these sizes; keep them honest.
    sqlx::query("UPDATE post_images SET width = ?, height = ?, thumb_width = ?, thumb_height = ?")
        .bind(processed.full.width)
        .bind(processed.full.height)
        .bind(processed.thumb.width)
        .bind(processed.thumb.height)
        .execute(&mut conn)
        .await?;
    let stems: Vec<String> = sqlx::query_scalar("SELECT stem FROM post_images WHERE post_id > ?")
        .bind(posts.saturating_sub(args.media_posts) as i64)
        .fetch_all(&mut conn)
        .await?;
    for s in &stems {
        std::fs::hard_link(&master_full, media_dir.join(format!("{s}.jpg")))?;
        std::fs::hard_link(&master_thumb, media_dir.join(format!("{s}_t.jpg")))?;
    }
    std::fs::remove_file(master_full)?;
    std::fs::remove_file(master_thumb)?;
    println!("media      {} files in {:.1} s", stems.len() * 2, t.elapsed().as_secs_f64());

    // A typical reader: 50 followees (the mean), neither popular nor new.
    let typical: String = sqlx::query_scalar(
        "SELECT u.username FROM users u \
         WHERE u.id >= ?1 AND (SELECT count(*) FROM follows f WHERE f.follower_id = u.id) = ?2 \
         ORDER BY u.id LIMIT 1",
    )
    .bind((users / 2) as i64)
    .bind(follows_mean.round() as i64)
    .fetch_one(&mut conn)
    .await?;

    sqlx::query("PRAGMA journal_mode = WAL").execute(&mut conn).await?;
    conn.close().await?;
    let seconds = started.elapsed().as_secs_f64();
    std::fs::write(
        data_dir.join(READY_FILE),
        format!(
            "typical={typical}\npassword={PASSWORD}\nusers={users}\nfollows={follows}\nposts={posts}\n\
             photos={images}\nlikes={likes}\ncomments={comments}\nseconds={seconds:.1}\n"
        ),
    )?;
    println!("total      {seconds:.1} s → {}", data_dir.display());
    println!("typical user: {typical} (password {PASSWORD})");
    if args.print_dir {
        println!("{}", data_dir.display());
    }
    Ok(())
}
