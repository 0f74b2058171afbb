//! Pages of lists. A list reads one row more than its page shows: that row tells whether
//! another page follows, so the last page says so itself instead of leaving the reader
//! one empty request to find out. The next page's cursor is the last row's key (keyset
//! paging: never OFFSET, so a page costs the same deep in a list and new rows do not
//! shift it).

use crate::error::AppError;

/// How many rows a page holds: fixed by the server for the pages of the site, asked for
/// (and capped) by REST clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(i64);

impl PageSize {
    /// The largest page a client may ask for.
    pub const MAX: i64 = 100;

    /// A size the server chose; must be 0 to `MAX` (checked at compile time for constants).
    pub const fn fixed(size: i64) -> Self {
        assert!(size >= 0 && size <= Self::MAX, "a page size is 0 to PageSize::MAX");
        Self(size)
    }

    /// A size a client asked for: 0 to `MAX`, else 400 (never a silent clamp, which
    /// would make a client that pages by "fewer than size came back" stop early).
    pub fn requested(size: i64) -> Result<Self, AppError> {
        if (0..=Self::MAX).contains(&size) {
            Ok(Self(size))
        } else {
            Err(AppError::BadRequest(format!("size must be 0 to {} (got {size}).", Self::MAX)))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// The rows to ask the database for: one more than the page shows.
    pub fn fetch_limit(self) -> i64 {
        self.0 + 1
    }

    /// The page among `rows`, read with `fetch_limit()`.
    pub fn page<T>(self, mut rows: Vec<T>) -> Page<T> {
        let size = usize::try_from(self.0).unwrap_or(0);
        let more = rows.len() > size;
        rows.truncate(size);
        Page { items: rows, more }
    }
}

/// One page of rows, and whether another follows.
#[derive(Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    more: bool,
}

impl<T> Page<T> {
    /// The next page's cursor, `key` of the last row; `None` on the last page.
    pub fn next<K>(&self, key: impl FnOnce(&T) -> K) -> Option<K> {
        self.items.last().filter(|_| self.more).map(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREE: PageSize = PageSize::fixed(3);

    #[test]
    fn a_page_reads_one_row_more_than_it_shows() {
        assert_eq!(THREE.fetch_limit(), 4);
        let page = THREE.page(vec![9, 8, 7, 6]);
        assert_eq!(page.items, vec![9, 8, 7]);
        assert_eq!(page.next(|id| *id), Some(7), "the cursor is the last row shown");
    }

    #[test]
    fn the_last_page_has_no_cursor_even_when_full() {
        assert_eq!(THREE.page(vec![3, 2, 1]).next(|id| *id), None, "exactly a page: no empty page after it");
        assert_eq!(THREE.page(vec![2, 1]).next(|id| *id), None);
        assert_eq!(THREE.page(Vec::<i64>::new()).next(|id| *id), None);
        assert_eq!(PageSize::fixed(0).page(vec![1]).items, Vec::<i64>::new());
    }

    #[test]
    fn the_cursor_can_be_any_key() {
        let page = PageSize::fixed(1).page(vec!["ada", "bob"]);
        assert_eq!(page.next(|name| name.to_string()), Some("ada".to_string()));
    }

    #[test]
    fn asked_sizes_are_capped() {
        assert_eq!(PageSize::requested(0), Ok(PageSize(0)));
        assert_eq!(PageSize::requested(PageSize::MAX), Ok(PageSize(PageSize::MAX)));
        for refused in [-1, PageSize::MAX + 1, i64::MAX, i64::MIN] {
            assert_eq!(PageSize::requested(refused).map_err(|e| e.status_code()), Err(400), "{refused}");
        }
    }
}
