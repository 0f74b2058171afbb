//! `MediaStore`: where processed photos live, and the one place that spells their file
//! names and addresses (`Variant`). The local data folder is the default; the trait keeps
//! the rest of Shutter free of paths so another backend can slot in. Stems are 128 random
//! bits in hex, never derived from anything a user sent.

use super::{Processed, pipeline, pipeline::Encoded};
use futures_util::{StreamExt, stream::BoxStream};
use std::{
    fs, io,
    io::Write,
    path::{Path, PathBuf},
    time::SystemTime,
};

/// The sizes kept of every photo and avatar, each in its own file `<stem><suffix>`.
/// Every photo and avatar has `Full` and `Thumbnail`; photos uploaded since the middle
/// sizes exist (or given them by `server backfill-photos`) also have `Medium` and `Large`
/// where smaller than `Full` (`pipeline::middle_sizes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Longest side at most 1,440 px: the post page and the feed on large screens.
    Full,
    /// Longest side at most 1,080 px (`<stem>_1080.jpg`).
    Large,
    /// Longest side at most 640 px (`<stem>_640.jpg`).
    Medium,
    /// Longest side at most 320 px: grids, avatars, notifications.
    Thumbnail,
}

impl Variant {
    pub const ALL: [Variant; 4] = [Variant::Full, Variant::Large, Variant::Medium, Variant::Thumbnail];
    /// The sizes between the thumbnail and the full size, smallest first.
    pub const MIDDLE: [Variant; 2] = [Variant::Medium, Variant::Large];

    fn suffix(self) -> &'static str {
        match self {
            Variant::Full => ".jpg",
            Variant::Large => "_1080.jpg",
            Variant::Medium => "_640.jpg",
            Variant::Thumbnail => "_t.jpg",
        }
    }

    /// The longest side of this variant of a photo, at most (never enlarged).
    pub fn longest_side(self) -> u32 {
        match self {
            Variant::Full => pipeline::FULL_SIZE,
            Variant::Large => pipeline::LARGE_SIZE,
            Variant::Medium => pipeline::MEDIUM_SIZE,
            Variant::Thumbnail => pipeline::THUMB_SIZE,
        }
    }

    /// The variant that stores the middle size of longest side `side` (one of
    /// `pipeline::MIDDLE_SIZES`).
    pub fn of_middle_size(side: u32) -> Option<Variant> {
        Variant::MIDDLE.into_iter().find(|v| v.longest_side() == side)
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

/// A stored photo as `srcset` offers it: every variant it has, by real pixel width,
/// computed from the dimensions its row keeps (`full`, the thumbnail's width, and whether
/// it has the middle sizes), never by asking the store. A photo without the middle sizes
/// offers the thumbnail and the full size only, so no candidate is missing.
pub fn srcset(stem: &str, full: (u32, u32), thumb_width: u32, middle_sizes: bool) -> String {
    let mut candidates = vec![(Variant::Thumbnail, thumb_width)];
    if middle_sizes {
        candidates.extend(
            pipeline::middle_sizes(full)
                .into_iter()
                .filter_map(|(side, (width, _))| Some((Variant::of_middle_size(side)?, width))),
        );
    }
    candidates.push((Variant::Full, full.0));
    // A small photo's thumbnail is as wide as its full size, a very narrow one's sizes
    // may share a width: one candidate per width, the smallest file.
    candidates.retain(|(v, width)| *v == Variant::Full || *width < full.0);
    candidates.dedup_by_key(|(_, width)| *width);
    candidates.iter().map(|(v, width)| format!("{} {width}w", v.url(stem))).collect::<Vec<_>>().join(", ")
}

/// A stored name split into its stem and variant. Anything but `[0-9a-f]{32}` followed by
/// a variant's suffix (`..`, slashes, other names) is `None`, refused before touching the
/// file system.
pub fn parse_name(name: &str) -> Option<(&str, Variant)> {
    let is_stem = |stem: &str| {
        stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    // Every suffix ends in ".jpg": the one whose remainder is a stem is the variant.
    Variant::ALL.iter().find_map(|v| name.strip_suffix(v.suffix()).filter(|s| is_stem(s)).map(|s| (s, *v)))
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
        self.put_middle_sizes(stem, photo.middle).await?;
        self.put(&Variant::Full.file_name(stem), photo.full.jpeg).await?;
        self.put(&Variant::Thumbnail.file_name(stem), photo.thumb.jpeg).await
    }

    /// Stores the middle sizes of the photo `stem` (`Processed::middle`, or made later
    /// from its full size by `backfill`).
    async fn put_middle_sizes(&self, stem: &str, middle: Vec<(u32, Encoded)>) -> io::Result<()> {
        for (side, encoded) in middle {
            let variant = Variant::of_middle_size(side)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no variant of that size"))?;
            self.put(&variant.file_name(stem), encoded.jpeg).await?;
        }
        Ok(())
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
    fn every_variant_has_its_own_name_parsed_back_and_etag() {
        let stem = new_stem().unwrap();
        let names: Vec<String> = Variant::ALL.iter().map(|v| v.file_name(&stem)).collect();
        assert_eq!(
            names,
            [".jpg", "_1080.jpg", "_640.jpg", "_t.jpg"].map(|suffix| format!("{stem}{suffix}")),
        );
        for variant in Variant::ALL {
            let name = variant.file_name(&stem);
            assert_eq!(parse_name(&name), Some((stem.as_str(), variant)), "{name}");
            assert_eq!(variant.url(&stem), format!("/uploads/{name}"));
        }
        let etags: std::collections::HashSet<String> = names.iter().map(|n| etag(n).unwrap()).collect();
        assert_eq!(etags.len(), 4, "one ETag per variant: {etags:?}");
        assert_eq!(etag(&Variant::Medium.file_name(&stem)), Some(format!("\"{stem}_640\"")));
    }

    #[test]
    fn every_middle_size_the_pipeline_makes_has_its_own_variant() {
        let variants: Vec<Option<Variant>> =
            pipeline::MIDDLE_SIZES.into_iter().map(Variant::of_middle_size).collect();
        assert_eq!(variants, [Some(Variant::Medium), Some(Variant::Large)]);
        assert_eq!(Variant::of_middle_size(pipeline::FULL_SIZE), None, "the full size is not a middle one");
    }

    #[test]
    fn srcset_offers_every_width_the_photo_has() {
        let s = "0123456789abcdef0123456789abcdef";
        let url = |suffix: &str| format!("/uploads/{s}{suffix}");
        // Uploaded before the middle sizes existed: the thumbnail and the full size only.
        assert_eq!(
            srcset(s, (1440, 1080), 320, false),
            format!("{} 320w, {} 1440w", url("_t.jpg"), url(".jpg"))
        );
        assert_eq!(
            srcset(s, (1440, 1080), 320, true),
            format!(
                "{} 320w, {} 640w, {} 1080w, {} 1440w",
                url("_t.jpg"),
                url("_640.jpg"),
                url("_1080.jpg"),
                url(".jpg")
            )
        );
        // A portrait photo: widths, not longest sides.
        assert_eq!(
            srcset(s, (1080, 1350), 256, true),
            format!(
                "{} 256w, {} 512w, {} 864w, {} 1080w",
                url("_t.jpg"),
                url("_640.jpg"),
                url("_1080.jpg"),
                url(".jpg")
            )
        );
        // 1080 px is its own full size: no 1080 file.
        assert_eq!(
            srcset(s, (1080, 1080), 320, true),
            format!("{} 320w, {} 640w, {} 1080w", url("_t.jpg"), url("_640.jpg"), url(".jpg"))
        );
        // A small photo: its thumbnail is its full size, offered once.
        assert_eq!(srcset(s, (200, 100), 200, true), format!("{} 200w", url(".jpg")));
        // A very narrow one: sizes of the same width are offered once, the smallest file.
        assert_eq!(srcset(s, (2, 1440), 1, true), format!("{} 1w, {} 2w", url("_t.jpg"), url(".jpg")));
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
            &format!("{}_640.jpg", "a".repeat(31)),
            &format!("{}_320.jpg", "a".repeat(32)),
            &format!("{}_1080_t.jpg", "a".repeat(32)),
            &format!("{}_640.jpg", "A".repeat(32)),
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
            let photo = Processed {
                full: encoded(b"full"),
                thumb: encoded(b"thumb"),
                middle: vec![(640, encoded(b"640")), (1080, encoded(b"1080"))],
            };
            let stem = new_stem().unwrap();
            store.put_variants(&stem, photo).await.unwrap();
            let mut listed: Vec<Listed> = store.names().map(Result::unwrap).collect().await;
            listed.sort_by(|a, b| a.name.cmp(&b.name));
            let names: Vec<&str> = listed.iter().map(|l| l.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    Variant::Full.file_name(&stem),
                    Variant::Large.file_name(&stem),
                    Variant::Medium.file_name(&stem),
                    Variant::Thumbnail.file_name(&stem)
                ],
                "{label}: listed, so the orphan sweep sees them"
            );
            let medium = store.get(&Variant::Medium.file_name(&stem)).await.unwrap();
            assert_eq!(medium.as_deref(), Some(&b"640"[..]), "{label}");
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
