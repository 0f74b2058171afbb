//! Configuration from flags and environment variables (`server --help`).

use app::server::{
    media::{ORPHAN_GRACE, S3Url},
    throttle::ThrottlePolicy,
};
use clap::{Parser, Subcommand, ValueEnum};
use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Debug, Clone, Parser)]
#[command(name = "shutter", version, about = "Shutter: a self-hosted photo sharing site")]
pub struct Config {
    /// Folder holding the SQLite database and uploaded media (created if missing).
    #[arg(long, env = "SHUTTER_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Where photos are kept: unset, the data folder's media/; or an S3-compatible store,
    /// s3://<bucket>[/<prefix>]?endpoint=<http(s) URL>&region=<region>, with keys from
    /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Plain http only to a loopback endpoint
    /// unless the URL adds allow_http=true.
    #[arg(long, env = "SHUTTER_MEDIA_URL", value_parser = S3Url::parse)]
    pub media_url: Option<S3Url>,

    /// The database: unset, the SQLite file in the data folder; postgres://user:password@host/db,
    /// a PostgreSQL 15 (or newer) database, which several instances may share.
    #[arg(long, env = "SHUTTER_DATABASE_URL", value_parser = DatabaseUrl::parse)]
    pub database_url: Option<DatabaseUrl>,

    /// Address and port to listen on. Port 0 picks a free port.
    #[arg(long, env = "SHUTTER_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Log filter, in tracing's EnvFilter syntax (e.g. "info,server=debug").
    #[arg(long, env = "SHUTTER_LOG", default_value = "info,tower_http=info,sqlx=warn")]
    pub log: String,

    /// Log format: human-readable text, or one JSON object per line for log collectors.
    #[arg(long, env = "SHUTTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Mark the session cookie Secure (send it over HTTPS only). Turn on behind TLS.
    #[arg(long, env = "SHUTTER_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// The public address of the site behind a reverse proxy that rewrites Host, e.g.
    /// https://photos.example.org. Cross-site checks compare Origin against it.
    #[arg(long, env = "SHUTTER_PUBLIC_URL")]
    pub public_url: Option<http::Uri>,

    /// Folder with the built site (WASM, JS, CSS, public files), as cargo-leptos writes it.
    #[arg(long, env = "SHUTTER_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Seconds a connection may take to send a request's head, and may stay idle
    /// between requests, before it is closed.
    #[arg(long, env = "SHUTTER_HEADER_TIMEOUT", value_parser = seconds, default_value = "10")]
    pub header_timeout: Duration,

    /// Open connections at most (lowered to what the open file limit allows).
    #[arg(long, env = "SHUTTER_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// How many wrong passwords are allowed per window (not a flag: tests shrink it).
    #[arg(skip)]
    pub password_throttle: ThrottlePolicy,

    /// Seconds a photo file no row points to must be old before the start-up sweep
    /// removes it: longer than any upload takes to commit on another instance. 0 sweeps
    /// every orphan (safe only when no other instance shares the store).
    #[arg(long, env = "SHUTTER_ORPHAN_GRACE", value_parser = seconds_or_none, default_value = "600")]
    pub orphan_grace: Duration,
}

/// A positive number of seconds, fractions allowed ("0.5").
fn seconds(raw: &str) -> Result<Duration, String> {
    raw.parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{raw:?} is not a positive number of seconds"))
}

/// A number of seconds, 0 or more.
fn seconds_or_none(raw: &str) -> Result<Duration, String> {
    if raw.trim() == "0" { Ok(Duration::ZERO) } else { seconds(raw) }
}

/// A PostgreSQL connection URL. Its Debug form leaves out everything but the scheme, so
/// a password in it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// `postgres://…` or `postgresql://…`; anything else is refused with what is accepted.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let scheme = raw.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("postgres" | "postgresql") => Ok(Self(raw.to_owned())),
            _ => Err("the database URL must start with postgres:// (leave it unset for the SQLite file \
                      in the data folder)"
                .into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(postgres://…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Fill an empty instance with demo people, generated photos, follows, likes and
    /// comments (password of every demo account: shutter-demo).
    Demo,
    /// Write a consistent copy of the database while the site keeps running (VACUUM INTO).
    Backup {
        /// Path of the copy to write; must not exist yet.
        #[arg(long)]
        to: PathBuf,
    },
    /// Make the 640 and 1,080 px sizes of photos uploaded before they existed, from each
    /// photo's stored full-size file, so pages offer phones and desktops a smaller file.
    /// Safe to re-run and to stop (a photo is done once its files are stored); the site
    /// may keep running.
    BackfillPhotos,
    /// Copy this single-machine instance (the SQLite file and the media folder of
    /// --data-dir) into the engines several instances share: every table but sessions
    /// (people sign in again) into an empty PostgreSQL database, every photo file into an
    /// S3 store. Give either or both: without --to-media only the database is copied,
    /// without --to-database only the photos. Safe to re-run (copies nothing twice); a
    /// target holding other data is refused and left unchanged. Stop the site first.
    MigrateData {
        /// The PostgreSQL database to copy into (postgres://user:password@host/db).
        #[arg(long, value_parser = DatabaseUrl::parse)]
        to_database: Option<DatabaseUrl>,
        /// The S3 store to copy the photos into (same form as --media-url).
        #[arg(long, value_parser = S3Url::parse)]
        to_media: Option<S3Url>,
    },
}

impl Config {
    /// The configuration of a test server: port 0, the given data folder.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            media_url: None,
            database_url: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            log: "warn".into(),
            log_format: LogFormat::Text,
            secure_cookies: false,
            public_url: None,
            site_root: PathBuf::from("target/site"),
            header_timeout: Duration::from_secs(10),
            max_connections: 4096,
            command: None,
            password_throttle: ThrottlePolicy::default(),
            orphan_grace: ORPHAN_GRACE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_positive_seconds() {
        assert_eq!(seconds("10"), Ok(Duration::from_secs(10)));
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        for bad in ["0", "-1", "ten", "NaN", "inf", ""] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_media_url_picks_the_store_and_a_malformed_one_stops_start_up() {
        let parse = |args: &[&str]| Config::try_parse_from([&["shutter"], args].concat());
        assert_eq!(parse(&[]).unwrap().media_url, None, "unset: the local folder");
        let config =
            parse(&["--media-url", "s3://photos?endpoint=http://127.0.0.1:8333&region=eu-1"]).unwrap();
        assert_eq!(config.media_url.unwrap().bucket, "photos");
        for bad in ["photos", "s3://photos?endpoint=http://s3.example.org", "file:///srv"] {
            let error = parse(&["--media-url", bad]).expect_err(bad).to_string();
            assert!(
                error.contains("--media-url") && error.contains("expected s3://<bucket>"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn the_orphan_grace_defaults_to_the_stores_and_may_be_zero() {
        let parse = |args: &[&str]| Config::try_parse_from([&["shutter"], args].concat());
        assert_eq!(parse(&[]).unwrap().orphan_grace, ORPHAN_GRACE);
        assert_eq!(parse(&["--orphan-grace", "0"]).unwrap().orphan_grace, Duration::ZERO);
        assert!(parse(&["--orphan-grace", "-1"]).is_err());
    }

    #[test]
    fn database_urls_are_postgres_urls_and_keep_their_password_out_of_logs() {
        let url = DatabaseUrl::parse("postgres://shutter:secret@db.example/shutter").unwrap();
        assert_eq!(url.as_str(), "postgres://shutter:secret@db.example/shutter");
        assert!(!format!("{url:?}").contains("secret"));
        assert!(DatabaseUrl::parse("postgresql://localhost/shutter").is_ok());
        for bad in ["", "sqlite://data/shutter.db", "mysql://localhost/db", "localhost/shutter"] {
            assert!(DatabaseUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
