//! `NextPath`: where to go after signing in. Only same-site paths are accepted, so a link
//! like `/accounts/login/?next=https://evil.example` cannot bounce a visitor off-site.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextPath(String);
checked_text!(NextPath);

impl NextPath {
    /// Falls back to `/` for anything that is not a plain same-site path.
    pub fn parse_or_home(raw: Option<&str>) -> Self {
        raw.map(str::trim)
            .filter(|p| Self::is_same_site_path(p))
            .map(|p| Self(p.to_owned()))
            .unwrap_or_else(|| Self("/".to_owned()))
    }

    fn is_same_site_path(p: &str) -> bool {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.starts_with("/\\")
            && p.len() <= 2048
            && !p.chars().any(|c| c.is_control() || c == '\\')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keeps_local_paths_only() {
        assert_eq!(NextPath::parse_or_home(Some("/accounts/edit/?a=1")).as_str(), "/accounts/edit/?a=1");
        for bad in
            ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", "/\tx"]
        {
            assert_eq!(NextPath::parse_or_home(Some(bad)).as_str(), "/", "{bad:?}");
        }
        assert_eq!(NextPath::parse_or_home(None).as_str(), "/");
    }

    proptest! {
        #[test]
        fn result_is_always_a_local_path(raw in "\\PC{0,60}") {
            let p = NextPath::parse_or_home(Some(&raw));
            prop_assert!(p.as_str().starts_with('/') && !p.as_str().starts_with("//"));
        }
    }
}
