//! Search: `@name` looks for people only, `#tag` for tags only, anything else for both.

use crate::{
    domain::caption::tag_key,
    dto::{SearchResults, TagCount},
    error::AppError,
    server::{db, state::AppState},
};

/// What a query asks for, normalised.
#[derive(Debug, PartialEq, Eq)]
pub struct Query {
    /// The text for people (None when the query is a `#tag`).
    pub people: Option<String>,
    /// The text for tags, normalised (None when the query is an `@name`).
    pub tags: Option<String>,
}

impl Query {
    /// `None` for an empty query (nothing to look for).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (people, tags) = if let Some(name) = raw.strip_prefix('@') {
            (Some(name), None)
        } else if let Some(tag) = raw.strip_prefix('#') {
            (None, Some(tag))
        } else {
            (Some(raw), Some(raw))
        };
        // No name is longer than 60 characters (full names), no tag longer than 100.
        let people = people.map(|p| p.chars().take(60).collect::<String>()).filter(|p| !p.is_empty());
        let tags = tags
            .filter(|t| t.chars().all(|c| c.is_alphanumeric() || c == '_'))
            .map(|t| tag_key(&t.chars().take(100).collect::<String>()))
            .filter(|t| !t.is_empty());
        (people.is_some() || tags.is_some()).then_some(Self { people, tags })
    }
}

/// How many of each kind a search returns.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub people: i64,
    pub tags: i64,
}

/// For the suggestions under the search box.
pub const SUGGESTIONS: Limits = Limits { people: 6, tags: 4 };
/// For the search page.
pub const PAGE: Limits = Limits { people: 30, tags: 20 };

pub async fn search(state: &AppState, raw: &str, limits: Limits) -> Result<SearchResults, AppError> {
    let Some(query) = Query::parse(raw) else { return Ok(SearchResults::default()) };
    let mut results = SearchResults::default();
    if let Some(text) = &query.people {
        results.people = db::search::people(&state.db, text, limits.people)
            .await?
            .into_iter()
            .map(|p| super::profiles::author(p.username, p.full_name, p.avatar.as_deref()))
            .collect();
    }
    if let Some(tag) = &query.tags {
        results.tags = db::search::tags(&state.db, tag, limits.tags)
            .await?
            .into_iter()
            .map(|t| TagCount { tag: t.tag, posts: t.posts })
            .collect();
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::Query;

    fn q(people: Option<&str>, tags: Option<&str>) -> Option<Query> {
        Some(Query { people: people.map(Into::into), tags: tags.map(Into::into) })
    }

    #[test]
    fn markers_choose_what_to_search() {
        assert_eq!(Query::parse(" Ada "), q(Some("Ada"), Some("ada")));
        assert_eq!(Query::parse("@ada"), q(Some("ada"), None));
        assert_eq!(Query::parse("#Sunset"), q(None, Some("sunset")));
    }

    #[test]
    fn nothing_to_look_for() {
        assert_eq!(Query::parse("   "), None);
        assert_eq!(Query::parse("@"), None);
        assert_eq!(Query::parse("#"), None);
        assert_eq!(Query::parse("#not a tag"), None);
    }

    #[test]
    fn text_that_cannot_be_a_tag_searches_people_only() {
        assert_eq!(Query::parse("Ada Lovelace"), q(Some("Ada Lovelace"), None));
    }
}
