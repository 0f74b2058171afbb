//! The names of the built site's JS, WASM and CSS. With `hash-files` (Cargo.toml),
//! cargo-leptos names them after their content (`shutter.<hash>.wasm`) and writes the
//! hashes to `hash.txt` at the top of the site folder (`hash-file-name`); `make watch`
//! keeps the plain names (`shutter.wasm`) and writes no hash file.
//!
//! The site folder decides, not the build: pages name the hashed files when the site the
//! server serves (`--site-root`) has a hash file, the plain ones otherwise. So a copy of
//! the site deployed anywhere carries its own names, and a binary built by plain cargo
//! serves a hashed site correctly. Leptos's `HydrationScripts` and `HashedStylesheet`
//! read the file named by `LeptosOptions::hash_file` on each render; an absolute path
//! there is taken as it is.

use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};

/// The hash file, at the top of the site folder (Cargo.toml's `hash-file-name`, which
/// cargo-leptos takes relative to the server binary's folder, target/release/).
pub const HASH_FILE: &str = "hash.txt";

/// Points `options` at the hash file of its site folder if there is one, and turns
/// hashed names off if there is none.
pub fn use_site_hash_file(options: &mut LeptosOptions) {
    match site_hash_file(Path::new(&*options.site_root)) {
        Some(path) => {
            options.hash_files = true;
            options.hash_file = path.to_string_lossy().as_ref().into();
        }
        None => options.hash_files = false,
    }
}

fn site_hash_file(site_root: &Path) -> Option<PathBuf> {
    let path = std::path::absolute(site_root.join(HASH_FILE)).ok()?;
    path.is_file().then_some(path)
}

/// The address of the site's stylesheet, as pages link it: `/pkg/shutter.<hash>.css`,
/// or `/pkg/shutter.css` without a hash file (read now: the refusal page is rare).
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let hash = options
        .hash_files
        .then(|| std::fs::read_to_string(&*options.hash_file).ok())
        .flatten()
        .and_then(|hashes| hash_of(&hashes, "css"));
    let name = match hash {
        Some(hash) => format!("{}.{hash}.css", options.output_name),
        None => format!("{}.css", options.output_name),
    };
    format!("/{}/{name}", options.site_pkg_dir)
}

/// The hash of `kind` (`js`, `wasm`, `css`) in a hash file's text (`css: <hash>` lines).
fn hash_of(hashes: &str, kind: &str) -> Option<String> {
    hashes.lines().find_map(|line| {
        let (k, hash) = line.trim().split_once(':')?;
        (k.trim() == kind && !hash.trim().is_empty()).then(|| hash.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(site_root: &Path) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("shutter")
            .site_pkg_dir("pkg")
            .site_root(site_root.to_string_lossy().as_ref())
            .build()
    }

    #[test]
    fn a_site_with_a_hash_file_gets_hashed_names() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("hash.txt"), "js: J\nwasm: W\ncss: Cs-_9\n").unwrap();
        let mut options = options(site.path());
        use_site_hash_file(&mut options);
        assert!(options.hash_files);
        assert!(Path::new(&*options.hash_file).is_absolute());
        assert_eq!(stylesheet_href(&options), "/pkg/shutter.Cs-_9.css");
    }

    #[test]
    fn a_site_without_one_gets_plain_names_whatever_the_build_said() {
        let site = tempfile::tempdir().unwrap();
        let mut options = options(site.path());
        options.hash_files = true;
        use_site_hash_file(&mut options);
        assert!(!options.hash_files);
        assert_eq!(stylesheet_href(&options), "/pkg/shutter.css");
    }

    #[test]
    fn a_hash_file_without_a_css_line_gives_the_plain_stylesheet() {
        assert_eq!(hash_of("js: a\nwasm: b\n", "css"), None);
        assert_eq!(hash_of(" css :  h \n", "css"), Some("h".into()));
        assert_eq!(hash_of("manifest: m\ncss: c\n", "css"), Some("c".into()));
    }
}
