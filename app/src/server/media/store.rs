//! `MediaStore`: where processed photos live. The local data folder is the default; the
//! trait keeps the rest of Shutter free of paths so another backend can slot in.
//! Names are 128 random bits in hex, never derived from anything a user sent.

use std::{
    fs, io,
    io::Write,
    path::{Path, PathBuf},
};

pub trait MediaStore: Send + Sync + 'static {
    /// Stores `bytes` under `name`, atomically: readers see the whole file or nothing.
    fn put(&self, name: &str, bytes: &[u8]) -> io::Result<()>;
    /// The bytes stored under `name`, or `None`.
    fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>>;
    /// Removes `name`; removing a missing name is not an error.
    fn delete(&self, name: &str) -> io::Result<()>;
    /// Every stored name, read as the caller goes (a large store is never held in memory).
    fn names(&self) -> io::Result<Box<dyn Iterator<Item = io::Result<String>> + Send>>;
}

/// A fresh unguessable file stem: 128 random bits as 32 hex characters.
pub fn new_stem() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(io::Error::other)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A stored name is a stem plus an extension: `[0-9a-f]{32}(_t)?.jpg`. Anything else
/// (`..`, slashes, other names) is refused before touching the file system.
pub fn is_valid_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".jpg") else {
        return false;
    };
    let stem = stem.strip_suffix("_t").unwrap_or(stem);
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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
        if is_valid_name(name) {
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
                is_valid_name(&name).then_some(Ok(name))
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
        assert!(is_valid_name(&format!("{a}.jpg")) && is_valid_name(&format!("{a}_t.jpg")));
    }

    #[test]
    fn traversal_and_foreign_names_are_refused() {
        for bad in ["../shutter.db", "shutter.db", "a.jpg", "/etc/passwd", &format!("{}.png", "a".repeat(32))]
        {
            assert!(!is_valid_name(bad), "{bad}");
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
}
