//! Feed query benchmark: latency of one feed page (`app::server::db::feed::page`) for
//! typical readers, first page and a deep page, on generated databases of several sizes,
//! beside the query it replaced (issue #4); prints both query plans and checks that both
//! queries answer the same rows.
//!
//!     cargo run --release -p bench --bin gen -- --posts 10000
//!     cargo run --release -p bench --bin gen -- --posts 1000000
//!     cargo run --release -p bench --bin feed [-- --posts 10000,1000000 --runs 25]
//!
//! A typical reader follows 45–55 people (the mean is 50) and is neither one of the
//! popular first ids nor new. The database is opened as the server opens it (WAL), on one
//! connection, and every sample is one call of the page query, warm cache.
//!
//! With `--database-url postgres://…` it measures a PostgreSQL copy of a generated
//! database instead (`bench/postgres.sh` loads one with `server migrate-data`): the same
//! readers and samples, and the plan as `EXPLAIN (ANALYZE, BUFFERS)` prints it.

use app::{
    domain::ids::{PostId, UserId},
    server::db::{
        Db,
        feed::{CardRow, FIRST_COMMENTS, PAGE_SQL, POSTGRES_PAGE_SQL, page},
    },
};
use bench::{cached_data_dir, ms, percentile, ready_info};
use clap::Parser;
use sqlx::{
    PgPool, SqlitePool,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

/// The feed query before issue #4: walks all posts newest first and keeps the followed
/// authors' ones, so its cost is the number of posts between a page's posts.
const OLD_PAGE_SQL: &str = "SELECT p.id, p.owner_id, p.caption, p.created_at, u.username, u.full_name, u.avatar, \
   (SELECT count(*) FROM likes l WHERE l.post_id = p.id) AS like_count, \
   EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id AND l.user_id = ?1) AS liked, \
   (SELECT count(*) FROM comments c WHERE c.post_id = p.id) AS comment_count, \
   (SELECT json_group_array(json_object('stem', i.stem, 'width', i.width, 'height', i.height, \
           'thumb_width', i.thumb_width, 'thumb_height', i.thumb_height, 'alt', i.alt) ORDER BY i.position) \
      FROM post_images i WHERE i.post_id = p.id) AS photos, \
   (SELECT json_group_array(json_object('id', c.id, 'owner_id', c.owner_id, 'username', cu.username, 'text', c.text) ORDER BY c.id) \
      FROM (SELECT id, owner_id, text FROM comments WHERE post_id = p.id ORDER BY id LIMIT ?4) c \
      JOIN users cu ON cu.id = c.owner_id) AS first_comments \
 FROM posts p JOIN users u ON u.id = p.owner_id \
 WHERE p.id < ?2 \
   AND (p.owner_id = ?1 OR p.owner_id IN (SELECT followee_id FROM follows WHERE follower_id = ?1)) \
 ORDER BY p.id DESC LIMIT ?3";

const LIMIT: i64 = 10;

#[derive(Parser)]
#[command(about = "Feed page query latency and plan")]
struct Args {
    /// Sizes (posts) of the cached generated databases to measure.
    #[arg(long, value_delimiter = ',', default_values_t = [10_000u64, 1_000_000])]
    posts: Vec<u64>,
    /// A data folder to measure instead of the cached ones.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// A PostgreSQL database (a copy of a generated one) to measure instead; implies
    /// --new-only.
    #[arg(long)]
    database_url: Option<String>,
    /// Typical readers to sample.
    #[arg(long, default_value_t = 20)]
    readers: i64,
    /// Calls per reader, page and query.
    #[arg(long, default_value_t = 25)]
    runs: usize,
    /// Which page is the deep one (1 is the first).
    #[arg(long, default_value_t = 10)]
    deep_page: usize,
    /// Skip the old query (it is slow on small databases).
    #[arg(long)]
    new_only: bool,
}

async fn open(dir: &std::path::Path) -> sqlx::Result<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(dir.join("shutter.db"))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .pragma("temp_store", "memory");
    SqlitePoolOptions::new().max_connections(1).connect_with(options).await
}

async fn old_page(
    pool: &SqlitePool,
    reader: UserId,
    before: PostId,
    limit: i64,
) -> sqlx::Result<Vec<CardRow>> {
    sqlx::query_as(OLD_PAGE_SQL)
        .bind(reader)
        .bind(before)
        .bind(limit)
        .bind(FIRST_COMMENTS)
        .fetch_all(pool)
        .await
}

async fn explain(pool: &SqlitePool, sql: &str, reader: UserId) -> sqlx::Result<()> {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .bind(reader)
        .bind(i64::MAX)
        .bind(LIMIT)
        .bind(FIRST_COMMENTS)
        .fetch_all(pool)
        .await?;
    let mut depth: Vec<(i64, usize)> = Vec::new();
    for (id, parent, _, detail) in rows {
        let d = depth.iter().find(|(i, _)| *i == parent).map(|(_, d)| d + 1).unwrap_or(0);
        depth.push((id, d));
        println!("    {}{detail}", "  ".repeat(d));
    }
    Ok(())
}

/// The plan PostgreSQL chose and ran for the first page, with timings and buffers.
async fn explain_postgres(pool: &PgPool, reader: UserId) -> sqlx::Result<()> {
    let rows: Vec<String> =
        sqlx::query_scalar(&format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {POSTGRES_PAGE_SQL}"))
            .bind(reader)
            .bind(PostId::MAX)
            .bind(LIMIT)
            .bind(FIRST_COMMENTS)
            .fetch_all(pool)
            .await?;
    for line in rows {
        println!("    {line}");
    }
    Ok(())
}

fn summary(label: &str, samples: &mut [Duration]) {
    samples.sort();
    println!(
        "  {label:<28} median {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms   ({} calls)",
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default()),
        samples.len()
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = Args::parse();
    if let Some(url) = args.database_url.clone() {
        args.new_only = true;
        let pool = PgPoolOptions::new().max_connections(1).connect(&url).await?;
        measure(&args, &Db::Postgres(pool.clone()), &url).await?;
        println!("  EXPLAIN (ANALYZE, BUFFERS), feed::page on PostgreSQL, first page:");
        let reader = typical_readers(&Db::Postgres(pool.clone()), 1).await?;
        explain_postgres(&pool, reader.first().copied().unwrap_or(UserId::new(1))).await?;
        pool.close().await;
        return Ok(());
    }
    let dirs: Vec<PathBuf> = match &args.data_dir {
        Some(dir) => vec![dir.clone()],
        None => args.posts.iter().map(|n| cached_data_dir(*n)).collect(),
    };
    for dir in dirs {
        if ready_info(&dir).is_none() {
            eprintln!(
                "{}: no generated database; run `cargo run --release -p bench --bin gen` first",
                dir.display()
            );
            std::process::exit(2);
        }
        let pool = open(&dir).await?;
        let readers = measure(&args, &Db::Sqlite(pool.clone()), &dir.display().to_string()).await?;
        let reader = readers.first().copied().unwrap_or(UserId::new(1));
        if !args.new_only {
            println!("  EXPLAIN QUERY PLAN, old query:");
            explain(&pool, OLD_PAGE_SQL, reader).await?;
        }
        println!("  EXPLAIN QUERY PLAN, feed::page:");
        explain(&pool, PAGE_SQL, reader).await?;
        pool.close().await;
    }
    Ok(())
}

/// Readers who follow 45–55 people, from the middle of the ids (neither the popular first
/// ones nor the newest).
async fn typical_readers(db: &Db, how_many: i64) -> sqlx::Result<Vec<UserId>> {
    const SQL: &str = "SELECT follower_id FROM follows \
        WHERE follower_id >= (SELECT count(*) FROM users) / 2 GROUP BY follower_id \
        HAVING count(*) BETWEEN 45 AND 55 ORDER BY follower_id LIMIT $1";
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(SQL).bind(how_many).fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(SQL).bind(how_many).fetch_all(pool).await,
    }
}

async fn count(db: &Db, table: &str) -> sqlx::Result<i64> {
    let sql = format!("SELECT count(*) FROM {table}");
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
    }
}

/// Times the feed's first and deep page for typical readers (and the old query on SQLite
/// unless --new-only); answers the readers.
async fn measure(args: &Args, db: &Db, label: &str) -> Result<Vec<UserId>, Box<dyn std::error::Error>> {
    let (posts, users) = (count(db, "posts").await?, count(db, "users").await?);
    let readers = typical_readers(db, args.readers).await?;
    println!("\n{label} — {posts} posts, {users} users, {} typical readers", readers.len());
    let sqlite = match db {
        Db::Sqlite(pool) => Some(pool),
        Db::Postgres(_) => None,
    };
    // Where each reader's deep page starts, and a check that old and new agree.
    let mut deep_before = Vec::new();
    let mut mismatches = 0;
    for &reader in &readers {
        let mut before = PostId::MAX;
        for n in 1..args.deep_page {
            let rows = page(db, reader, before, LIMIT).await?;
            if !args.new_only && n <= 3 {
                let old = old_page(sqlite.ok_or("the old query runs on SQLite only")?, reader, before, LIMIT)
                    .await?;
                if format!("{old:?}") != format!("{rows:?}") {
                    mismatches += 1;
                }
            }
            match rows.last() {
                Some(last) => before = last.post.id,
                None => break,
            }
        }
        deep_before.push(before);
    }
    if !args.new_only {
        println!(
            "  old and new queries answer the same rows: {}",
            if mismatches == 0 { "yes" } else { "NO" }
        );
    }

    let queries: &[&str] = if args.new_only { &["new"] } else { &["old", "new"] };
    for &which in queries {
        for (kind, deep) in [("first page", false), ("deep page", true)] {
            let mut samples = Vec::with_capacity(readers.len() * args.runs);
            for (i, &reader) in readers.iter().enumerate() {
                let before = if deep { deep_before[i] } else { PostId::MAX };
                for run in 0..=args.runs {
                    let start = Instant::now();
                    let rows = if which == "old" {
                        old_page(sqlite.ok_or("the old query runs on SQLite only")?, reader, before, LIMIT)
                            .await?
                    } else {
                        page(db, reader, before, LIMIT).await?
                    };
                    let took = start.elapsed();
                    std::hint::black_box(rows);
                    if run > 0 {
                        samples.push(took);
                    }
                }
            }
            summary(
                &format!(
                    "{which} query, {kind} {}",
                    if deep { format!("({})", args.deep_page) } else { String::new() }
                ),
                &mut samples,
            );
        }
    }
    Ok(readers)
}
