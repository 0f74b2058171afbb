//! `MediaStore`: where processed photos live, and the one place that spells their file
//! names and addresses (`Variant`). The local data folder is the default; the trait keeps
//! the rest of Shutter free of paths so another backend can slot in. Stems are 128 random
//! bits in hex, never derived from anything a user sent.

use super::Processed;
use std::{
    fs, io,
    io::Write,
    path::{Path, PathBuf},
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

pub trait MediaStore: Send + Sync + 'static {
    /// Stores `bytes` under `name`, atomically: readers see the whole file or nothing.
    fn put(&self, name: &str, bytes: &[u8]) -> io::Result<()>;
    /// The bytes stored under `name`, or `None`.
    fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>>;
    /// Removes `name`; removing a missing name is not an error.
    fn delete(&self, name: &str) -> io::Result<()>;
    /// Every stored name, read as the caller goes (a large store is never held in memory).
    fn names(&self) -> io::Result<Box<dyn Iterator<Item = io::Result<String>> + Send>>;

    /// Stores every variant of a processed photo under `stem`.
    fn put_variants(&self, stem: &str, photo: &Processed) -> io::Result<()> {
        self.put(&Variant::Full.file_name(stem), &photo.full.jpeg)?;
        self.put(&Variant::Thumbnail.file_name(stem), &photo.thumb.jpeg)
    }

    /// Removes every variant of `stem`, trying them all; answers the last failure.
    fn delete_variants(&self, stem: &str) -> io::Result<()> {
        let mut result = Ok(());
        for variant in Variant::ALL {
            if let Err(e) = self.delete(&variant.file_name(stem)) {
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

impl MediaStore for LocalStore {
    fn put(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(name)?;
        let tmp = self.dir.join(format!(".tmp-{name}"));
        let result = (|| {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            fs::rename(&tmp, &path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        let Ok(path) = self.path(name) else {
            return Ok(None);
        };
        match fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn delete(&self, name: &str) -> io::Result<()> {
        match fs::remove_file(self.path(name)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn names(&self) -> io::Result<Box<dyn Iterator<Item = io::Result<String>> + Send>> {
        let entries = fs::read_dir(&self.dir)?;
        Ok(Box::new(entries.filter_map(|entry| match entry {
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy().into_owned();
                parse_name(&name).is_some().then_some(Ok(name))
            }
            Err(e) => Some(Err(e)),
        })))
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

    #[test]
    fn put_get_delete_round_trip() {
        let dir = std::env::temp_dir().join(format!("shutter-store-{}", new_stem().unwrap()));
        let store = LocalStore::open(&dir).unwrap();
        let name = format!("{}.jpg", new_stem().unwrap());
        store.put(&name, b"jpeg bytes").unwrap();
        assert_eq!(store.get(&name).unwrap().as_deref(), Some(&b"jpeg bytes"[..]));
        store.delete(&name).unwrap();
        store.delete(&name).unwrap();
        assert_eq!(store.get(&name).unwrap(), None);
        assert!(fs::read_dir(&dir).unwrap().next().is_none(), "no temporary file left");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_photo_is_stored_and_removed_as_all_its_variants() {
        let dir = std::env::temp_dir().join(format!("shutter-store-{}", new_stem().unwrap()));
        let store = LocalStore::open(&dir).unwrap();
        let encoded = |jpeg: &[u8]| crate::server::media::pipeline::Encoded {
            jpeg: jpeg.to_vec(),
            width: 1,
            height: 1,
        };
        let photo = Processed { full: encoded(b"full"), thumb: encoded(b"thumb") };
        let stem = new_stem().unwrap();
        store.put_variants(&stem, &photo).unwrap();
        let mut names: Vec<String> = store.names().unwrap().map(Result::unwrap).collect();
        names.sort();
        assert_eq!(names, [Variant::Full.file_name(&stem), Variant::Thumbnail.file_name(&stem)]);
        assert_eq!(store.get(&Variant::Thumbnail.file_name(&stem)).unwrap().as_deref(), Some(&b"thumb"[..]));
        store.delete_variants(&stem).unwrap();
        assert_eq!(store.names().unwrap().count(), 0);
        fs::remove_dir_all(dir).unwrap();
    }
}
