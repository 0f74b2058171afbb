//! Photos in any S3-compatible object store (`--media-url s3://bucket?endpoint=…`), for
//! several Shutter instances sharing one bucket. Keys come from `AWS_ACCESS_KEY_ID` /
//! `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN` if set), nowhere else.

use super::store::{Listed, MediaStore, parse_name};
use futures_util::{StreamExt, stream::BoxStream};
use object_store::{
    ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
    aws::{AmazonS3, AmazonS3Builder},
    path::Path,
};
use std::{
    fmt, io,
    str::FromStr,
    time::{Duration, SystemTime},
};

/// Where photos live in an S3-compatible store: the value of `--media-url`,
/// `s3://<bucket>[/<prefix>]?endpoint=<http(s) URL>&region=<region>`.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    /// Objects are stored under `<prefix>/<name>` (empty: at the bucket's top).
    pub prefix: String,
    /// None: Amazon S3 itself (`https://s3.<region>.amazonaws.com`).
    pub endpoint: Option<String>,
    pub region: String,
    /// Plain http: only for a loopback endpoint, or when asked for with `allow_http=true`.
    pub allow_http: bool,
}

const FORM: &str = "s3://<bucket>[/<prefix>]?endpoint=<http(s) URL>&region=<region>";

impl S3Url {
    /// Parses a media URL, saying exactly what is wrong with a malformed one.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("{why} (expected {FORM})");
        let url = url::Url::parse(raw).map_err(|e| bad(&format!("not a URL: {e}")))?;
        if url.scheme() != "s3" {
            return Err(bad(&format!("unsupported media store {:?}", url.scheme())));
        }
        if !url.username().is_empty() || url.password().is_some() || url.port().is_some() {
            return Err(bad("keys go in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, not in the URL"));
        }
        let bucket = url.host_str().unwrap_or_default().to_owned();
        // S3's bucket rules: 3–63 of lower-case letters, digits, dots and hyphens.
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !bucket_ok {
            return Err(bad(&format!("{bucket:?} is not a bucket name")));
        }
        let prefix = url.path().trim_matches('/').to_owned();
        let prefix_ok = prefix.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        });
        if !prefix.is_empty() && !prefix_ok {
            return Err(bad(&format!("{prefix:?} is not a key prefix (letters, digits, - _ . and /)")));
        }
        let (mut endpoint, mut region, mut allow_http) = (None, None, false);
        for (key, value) in url.query_pairs() {
            match &*key {
                "endpoint" => endpoint = Some(value.into_owned()),
                "region" => region = Some(value.into_owned()),
                "allow_http" => allow_http = value.parse().map_err(|_| bad("allow_http is true or false"))?,
                other => return Err(bad(&format!("unknown setting {other:?}"))),
            }
        }
        if let Some(raw_endpoint) = &endpoint {
            let parsed = url::Url::parse(raw_endpoint)
                .map_err(|e| bad(&format!("endpoint {raw_endpoint:?} is not a URL: {e}")))?;
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d == "localhost",
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => return Err(bad(&format!("endpoint {raw_endpoint:?} has no host"))),
            };
            match parsed.scheme() {
                "https" => {}
                "http" if loopback || allow_http => allow_http = true,
                "http" => {
                    return Err(bad(&format!(
                        "endpoint {raw_endpoint:?} is plain http: use https, or add allow_http=true"
                    )));
                }
                other => return Err(bad(&format!("endpoint scheme {other:?} is neither http nor https"))),
            }
            if parsed.path() != "/" || parsed.query().is_some() {
                return Err(bad(&format!("endpoint {raw_endpoint:?} must be just scheme, host and port")));
            }
        }
        let region = region.unwrap_or_else(|| "us-east-1".into());
        if region.is_empty() || !region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(bad(&format!("{region:?} is not a region")));
        }
        let endpoint = endpoint.map(|e| e.trim_end_matches('/').to_owned());
        Ok(Self { bucket, prefix, endpoint, region, allow_http })
    }
}

impl FromStr for S3Url {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        Self::parse(raw)
    }
}

/// Shown in logs and errors: where, never keys (the URL holds none).
impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}", self.bucket)?;
        if !self.prefix.is_empty() {
            write!(f, "/{}", self.prefix)?;
        }
        write!(f, "?region={}", self.region)?;
        if let Some(endpoint) = &self.endpoint {
            write!(f, "&endpoint={endpoint}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A store on an S3 bucket. Each `put` is one PUT request, which S3 applies whole or not
/// at all, so readers never see part of a photo.
pub struct S3Store {
    store: AmazonS3,
    prefix: Path,
}

impl S3Store {
    /// A client for `url` with the keys of the environment. Nothing is sent yet (the
    /// start-up sweep is the first request, and says if the bucket cannot be reached).
    pub fn open(url: &S3Url) -> io::Result<Self> {
        // reqwest is built without a bundled TLS provider (no aws-lc-rs): use ring's.
        // Already installed (a second store, tests) is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let key = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let (Some(key_id), Some(secret)) = (key("AWS_ACCESS_KEY_ID"), key("AWS_SECRET_ACCESS_KEY")) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an s3:// media URL needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment",
            ));
        };
        // A store that does not answer fails a request within seconds (the default retries
        // for three minutes, past any page's time-out).
        let retry =
            RetryConfig { max_retries: 3, retry_timeout: Duration::from_secs(10), ..Default::default() };
        let mut builder = AmazonS3Builder::new()
            .with_retry(retry)
            .with_bucket_name(&url.bucket)
            .with_region(&url.region)
            .with_access_key_id(key_id)
            .with_secret_access_key(secret)
            .with_allow_http(url.allow_http);
        if let Some(token) = key("AWS_SESSION_TOKEN") {
            builder = builder.with_token(token);
        }
        if let Some(endpoint) = &url.endpoint {
            // Path-style requests (`<endpoint>/<bucket>/<key>`): what self-hosted stores
            // (SeaweedFS, MinIO, Garage) answer without wildcard DNS.
            builder = builder.with_endpoint(endpoint).with_virtual_hosted_style_request(false);
        }
        let store = builder.build().map_err(io::Error::other)?;
        Ok(Self { store, prefix: Path::from(url.prefix.as_str()) })
    }

    fn location(&self, name: &str) -> io::Result<Path> {
        if parse_name(name).is_some() {
            Ok(self.prefix.clone().join(name))
        } else {
            Err(io::Error::new(io::ErrorKind::InvalidInput, "invalid media name"))
        }
    }
}

fn is_not_found(e: &object_store::Error) -> bool {
    matches!(e, object_store::Error::NotFound { .. })
}

#[async_trait::async_trait]
impl MediaStore for S3Store {
    async fn put(&self, name: &str, bytes: Vec<u8>) -> io::Result<()> {
        let location = self.location(name)?;
        self.store.put(&location, PutPayload::from(bytes)).await.map_err(io::Error::from)?;
        Ok(())
    }

    async fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        let Ok(location) = self.location(name) else {
            return Ok(None);
        };
        let found = match self.store.get(&location).await {
            Ok(found) => found,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        match found.bytes().await {
            Ok(bytes) => Ok(Some(bytes.into())),
            // Deleted between the answer's head and its body.
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, name: &str) -> io::Result<()> {
        match self.store.delete(&self.location(name)?).await {
            Err(e) if !is_not_found(&e) => Err(e.into()),
            _ => Ok(()),
        }
    }

    fn names(&self) -> BoxStream<'static, io::Result<Listed>> {
        let prefix = self.prefix.clone();
        self.store
            .list(Some(&self.prefix))
            .filter_map(move |meta| {
                let listed = match meta {
                    // Only names directly under the prefix that the store would accept:
                    // anything else in a shared bucket is none of Shutter's business.
                    Ok(meta) => {
                        let name = meta.location.prefix_match(&prefix).and_then(|mut rest| {
                            let name = rest.next()?;
                            rest.next().is_none().then(|| name.as_ref().to_owned())
                        });
                        name.filter(|n| parse_name(n).is_some()).map(|name| {
                            let modified = meta.last_modified;
                            let since_epoch = Duration::new(
                                u64::try_from(modified.timestamp()).unwrap_or(0),
                                modified.timestamp_subsec_nanos(),
                            );
                            Ok(Listed { name, modified: SystemTime::UNIX_EPOCH + since_epoch })
                        })
                    }
                    Err(e) => Some(Err(io::Error::from(e))),
                };
                std::future::ready(listed)
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_urls_are_parsed() {
        let url = S3Url::parse("s3://photos?endpoint=http://127.0.0.1:8333&region=eu-west-1").unwrap();
        assert_eq!(url.bucket, "photos");
        assert_eq!(url.prefix, "");
        assert_eq!(url.endpoint.as_deref(), Some("http://127.0.0.1:8333"));
        assert_eq!(url.region, "eu-west-1");
        assert!(url.allow_http, "plain http to a loopback endpoint");

        let url = S3Url::parse("s3://photos/site-a/media").unwrap();
        assert_eq!(
            (url.prefix.as_str(), url.endpoint, url.region.as_str()),
            ("site-a/media", None, "us-east-1")
        );
        assert!(!url.allow_http);

        let url = S3Url::parse("s3://photos?endpoint=https%3A%2F%2Fs3.example.org%2F").unwrap();
        assert_eq!(url.endpoint.as_deref(), Some("https://s3.example.org"), "percent-encoded works too");
        let url = S3Url::parse("s3://photos?endpoint=http://minio:9000&allow_http=true").unwrap();
        assert!(url.allow_http);
        assert_eq!(url.to_string(), "s3://photos?region=us-east-1&endpoint=http://minio:9000");
    }

    #[test]
    fn malformed_media_urls_say_what_is_wrong() {
        for (bad, why) in [
            ("photos", "not a URL"),
            ("file:///srv/media", "unsupported media store \"file\""),
            ("s3://", "is not a bucket name"),
            ("s3://Photos", "is not a bucket name"),
            ("s3://a_b", "is not a bucket name"),
            ("s3://key:secret@photos", "not in the URL"),
            ("s3://photos/caf%C3%A9", "is not a key prefix"),
            ("s3://photos/a//b", "is not a key prefix"),
            ("s3://photos?endpont=https://x", "unknown setting \"endpont\""),
            ("s3://photos?endpoint=s3.example.org", "is not a URL"),
            ("s3://photos?endpoint=ftp://s3.example.org", "neither http nor https"),
            ("s3://photos?endpoint=http://s3.example.org", "use https, or add allow_http=true"),
            ("s3://photos?endpoint=https://s3.example.org/base", "just scheme, host and port"),
            ("s3://photos?allow_http=yes", "allow_http is true or false"),
            ("s3://photos?region=", "is not a region"),
        ] {
            let message = S3Url::parse(bad).expect_err(bad);
            assert!(message.contains(why), "{bad}: {message}");
            assert!(message.contains("expected s3://<bucket>"), "{bad}: {message}");
        }
    }
}
