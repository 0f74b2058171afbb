//! `MediaStore`: where processed photos live, and the one place that spells their file
//! names and addresses (`Variant`). The local data folder is the default; the trait keeps
//! the rest of Shutter free of paths so another backend can slot in. Stems are 128 random
//! bits in hex, never derived from anything a user sent.

use super::Processed;
use futures_util::{StreamExt, stream::BoxStream};
use std::{
    fs, io,
    io::Write,
    path::{Path, PathBuf},
    time::SystemTime,
};

/// The sizes kept of every photo and avatar, each in its own file `<stem><suffix>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Longest side at most 1,440 px: the post page and the feed.
    Full,
    /// Longest side at most 320 px: grids, avatars, notifications.
    Thumbnail,
}

impl Variant {
    pub const ALL: [Variant; 2] = [Variant::Full, Variant::Thumbnail];

    fn suffix(self) -> &'static str {
        match self {
            Variant::Full => ".jpg",
            Variant::Thumbnail => "_t.jpg",
        }
    }

    /// The name this variant of `stem` is stored under.
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}{}", self.suffix())
    }

    /// Where browsers fetch this variant of `stem` (`GET /uploads/<name>`).
    pub fn url(self, stem: &str) -> String {
        format!("/uploads/{}", self.file_name(stem))
    }
}

/// An avatar is shown as its thumbnail.
pub fn avatar_url(stem: Option<&str>) -> Option<String> {
    stem.map(|stem| Variant::Thumbnail.url(stem))
}

/// A stored name split into its stem and variant. Anything but `[0-9a-f]{32}(_t)?.jpg`
/// (`..`, slashes, other names) is `None`, refused before touching the file system.
pub fn parse_name(name: &str) -> Option<(&str, Variant)> {
    let (stem, variant) =
        Variant::ALL.iter().rev().find_map(|v| Some((name.strip_suffix(v.suffix())?, *v)))?;
    let hex = stem.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (stem.len() == 32 && hex).then_some((stem, variant))
}

/// The ETag of a stored file (names are random and content never changes): the name
/// without its extension. `None` for a name the store would refuse.
pub fn etag(name: &str) -> Option<String> {
    parse_name(name).map(|_| format!("\"{}\"", name.trim_end_matches(".jpg")))
}

/// A stored name and when it was last written (the orphan sweep spares recent ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub modified: SystemTime,
}

/// Async because an object store answers over the network; the local folder does its
/// file work on the blocking pool.
#[async_trait::async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Stores `bytes` under `name`, atomically: readers see the whole file or nothing.
    async fn put(&self, name: &str, bytes: Vec<u8>) -> io::Result<()>;
    /// The bytes stored under `name`, or `None` (also for a name the store would refuse).
    async fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>>;
    /// Removes `name`; removing a missing name is not an error.
    async fn delete(&self, name: &str) -> io::Result<()>;
    /// Every stored name with its modification time, read as the caller goes (a large
    /// store is never held in memory).
    fn names(&self) -> BoxStream<'static, io::Result<Listed>>;

    /// Stores every variant of a processed photo under `stem`.
    async fn put_variants(&self, stem: &str, photo: Processed) -> io::Result<()> {
        self.put(&Variant::Full.file_name(stem), photo.full.jpeg).await?;
        self.put(&Variant::Thumbnail.file_name(stem), photo.thumb.jpeg).await
    }

    /// Removes every variant of `stem`, trying them all; answers the last failure.
    async fn delete_variants(&self, stem: &str) -> io::Result<()> {
        let mut result = Ok(());
        for variant in Variant::ALL {
            if let Err(e) = self.delete(&variant.file_name(stem)).await {
                result = Err(e);
            }
        }
        result
    }
}

/// A fresh unguessable file stem: 128 random bits as 32 hex characters.
pub fn new_stem() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(io::Error::other)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Files in `<data dir>/media/`, written to a temporary name, synced, then renamed.
pub struct LocalStore {
    dir: PathBuf,
}

impl LocalStore {
    pub fn open(dir: impl Into<PathBuf>) -> io::Result<Self> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        // Temporary files of a crash mid-write are never referenced: sweep them.
        for entry in fs::read_dir(&dir)?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(Self { dir })
    }

    fn path(&self, name: &str) -> io::Result<PathBuf> {
        if parse_name(name).is_some() {
            Ok(self.dir.join(name))
        } else {
            Err(io::Error::new(io::ErrorKind::InvalidInput, "invalid media name"))
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Runs file work on the blocking pool.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> io::Result<T> + Send + 'static) -> io::Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(io::Error::other)?
}

#[async_trait::async_trait]
impl MediaStore for LocalStore {
    async fn put(&self, name: &str, bytes: Vec<u8>) -> io::Result<()> {
        let path = self.path(name)?;
        let tmp = self.dir.join(format!(".tmp-{name}"));
        blocking(move || {
            let result = (|| {
                let mut file = fs::File::create(&tmp)?;
                file.write_all(&bytes)?;
                file.sync_all()?;
                fs::rename(&tmp, &path)
            })();
            if result.is_err() {
                let _ = fs::remove_file(&tmp);
            }
            result
        })
        .await
    }

    async fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        let Ok(path) = self.path(name) else {
            return Ok(None);
        };
        blocking(move || match fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    async fn delete(&self, name: &str) -> io::Result<()> {
        let path = self.path(name)?;
        blocking(move || match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })
        .await
    }

    fn names(&self) -> BoxStream<'static, io::Result<Listed>> {
        // The folder is read on a blocking thread, a few entries ahead of the reader.
        let (sender, receiver) = tokio::sync::mpsc::channel(64);
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || {
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) => return drop(sender.blocking_send(Err(e))),
            };
            for entry in entries {
                let listed = entry.and_then(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if parse_name(&name).is_none() {
                        return Ok(None);
                    }
                    Ok(Some(Listed { name, modified: entry.metadata()?.modified()? }))
                });
                let item = match listed {
                    Ok(None) => continue,
                    Ok(Some(listed)) => Ok(listed),
                    // A file removed while listed is simply no longer there.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    Err(e) => Err(e),
                };
                if sender.blocking_send(item).is_err() {
                    return; // the reader stopped
                }
            }
        });
        futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|item| (item, receiver))
        })
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_random_hex() {
        let (a, b) = (new_stem().unwrap(), new_stem().unwrap());
        assert_ne!(a, b);
        assert_eq!(parse_name(&Variant::Full.file_name(&a)), Some((a.as_str(), Variant::Full)));
        assert_eq!(parse_name(&format!("{a}_t.jpg")), Some((a.as_str(), Variant::Thumbnail)));
        assert_eq!(Variant::Thumbnail.url(&a), format!("/uploads/{a}_t.jpg"));
        assert_eq!(etag(&format!("{a}_t.jpg")), Some(format!("\"{a}_t\"")));
    }

    #[test]
    fn traversal_and_foreign_names_are_refused() {
        for bad in [
            "../shutter.db",
            "shutter.db",
            "a.jpg",
            "/etc/passwd",
            &format!("{}.png", "a".repeat(32)),
            &format!("{}_t_t.jpg", "a".repeat(32)),
            &format!("../{}.jpg", "a".repeat(29)),
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
            assert_eq!(etag(bad), None, "{bad}");
        }
    }

    /// A store under test and what to clean up after it.
    struct TestStore {
        label: &'static str,
        store: std::sync::Arc<dyn MediaStore>,
        dir: Option<PathBuf>,
    }

    impl TestStore {
        async fn clean_up(self) {
            let store = &self.store;
            store
                .names()
                .for_each_concurrent(16, |listed| async move {
                    store.delete(&listed.unwrap().name).await.unwrap()
                })
                .await;
            if let Some(dir) = self.dir {
                fs::remove_dir_all(dir).unwrap();
            }
        }
    }

    /// The local folder, and the S3 store of SHUTTER_TEST_MEDIA_URL (a real one, started
    /// by .ci/seaweedfs.sh) under a fresh key prefix when that is set.
    fn stores() -> Vec<TestStore> {
        let dir = std::env::temp_dir().join(format!("shutter-store-{}", new_stem().unwrap()));
        let local = LocalStore::open(&dir).unwrap();
        let mut stores =
            vec![TestStore { label: "local", store: std::sync::Arc::new(local), dir: Some(dir) }];
        if let Ok(raw) = std::env::var("SHUTTER_TEST_MEDIA_URL") {
            let mut url = super::super::S3Url::parse(&raw).expect("SHUTTER_TEST_MEDIA_URL");
            url.prefix = format!("unit-{}", new_stem().unwrap());
            let s3 = super::super::S3Store::open(&url).expect("the S3 test store");
            stores.push(TestStore { label: "s3", store: std::sync::Arc::new(s3), dir: None });
        }
        stores
    }

    #[tokio::test]
    async fn put_get_delete_round_trip() {
        for test in stores() {
            let (label, store) = (test.label, &test.store);
            let name = Variant::Full.file_name(&new_stem().unwrap());
            store.put(&name, b"jpeg bytes".to_vec()).await.unwrap();
            assert_eq!(store.get(&name).await.unwrap().as_deref(), Some(&b"jpeg bytes"[..]), "{label}");
            store.put(&name, b"other bytes".to_vec()).await.unwrap();
            assert_eq!(store.get(&name).await.unwrap().as_deref(), Some(&b"other bytes"[..]), "{label}");
            store.delete(&name).await.unwrap();
            store.delete(&name).await.unwrap();
            assert_eq!(store.get(&name).await.unwrap(), None, "{label}: gone");
            assert_eq!(store.get("../shutter.db").await.unwrap(), None, "{label}: a foreign name is missing");
            let refused = store.put("../shutter.db", b"x".to_vec()).await.unwrap_err();
            assert_eq!(refused.kind(), io::ErrorKind::InvalidInput, "{label}");
            assert_eq!(store.names().count().await, 0, "{label}: nothing left");
            if let Some(dir) = &test.dir {
                assert!(fs::read_dir(dir).unwrap().next().is_none(), "no temporary file left");
            }
            test.clean_up().await;
        }
    }

    #[tokio::test]
    async fn a_photo_is_stored_listed_with_its_time_and_removed_as_all_its_variants() {
        for test in stores() {
            let (label, store) = (test.label, &test.store);
            let encoded = |jpeg: &[u8]| crate::server::media::pipeline::Encoded {
                jpeg: jpeg.to_vec(),
                width: 1,
                height: 1,
            };
            let photo = Processed { full: encoded(b"full"), thumb: encoded(b"thumb") };
            let stem = new_stem().unwrap();
            store.put_variants(&stem, photo).await.unwrap();
            let mut listed: Vec<Listed> = store.names().map(Result::unwrap).collect().await;
            listed.sort_by(|a, b| a.name.cmp(&b.name));
            let names: Vec<&str> = listed.iter().map(|l| l.name.as_str()).collect();
            assert_eq!(
                names,
                [Variant::Full.file_name(&stem), Variant::Thumbnail.file_name(&stem)],
                "{label}"
            );
            // The store's own clock, not the reader's: within a minute of this one.
            let minute = std::time::Duration::from_secs(60);
            for l in &listed {
                let now = SystemTime::now();
                assert!(l.modified > now - minute && l.modified < now + minute, "{label}: {l:?}");
            }
            let thumb = store.get(&Variant::Thumbnail.file_name(&stem)).await.unwrap();
            assert_eq!(thumb.as_deref(), Some(&b"thumb"[..]), "{label}");
            store.delete_variants(&stem).await.unwrap();
            assert_eq!(store.names().count().await, 0, "{label}");
            test.clean_up().await;
        }
    }

    /// The sweep reads the listing in batches: a listing longer than a page of S3's
    /// answers (1,000 keys) is read whole.
    #[tokio::test]
    async fn a_long_listing_is_read_whole() {
        for test in stores() {
            let (label, store) = (test.label, &test.store);
            let names: Vec<String> =
                (0..1001).map(|i| Variant::Full.file_name(&format!("{i:032x}"))).collect();
            futures_util::stream::iter(names.iter())
                .for_each_concurrent(16, |name| async move { store.put(name, b"x".to_vec()).await.unwrap() })
                .await;
            let mut listed: Vec<String> = store.names().map(|l| l.unwrap().name).collect().await;
            listed.sort();
            assert_eq!(listed, names, "{label}");
            test.clean_up().await;
        }
    }
}
