//! Cursor pagination: every list returns `items` and an opaque `next_cursor`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// The `cursor` and `limit` query parameters of a list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, AppError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(AppError::bad_request(
                "invalid_limit",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    /// The sort key the previous page ended at, as `N` integers.
    pub fn key<const N: usize>(&self) -> Result<Option<[i64; N]>, AppError> {
        let Some(cursor) = &self.cursor else {
            return Ok(None);
        };
        let invalid = || AppError::bad_request("invalid_cursor", "the cursor is not valid");
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let values: Vec<i64> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        values.try_into().map(Some).map_err(|_| invalid())
    }
}

/// Builds a page from up to `limit + 1` rows: the extra row only says another page exists.
pub fn page<T, const N: usize>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> [i64; N],
) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|last| encode(&key(last)))
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

fn encode(values: &[i64]) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(values).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips() {
        let p = page(vec![1i64, 2, 3], 2, |v| [*v, 7]);
        assert_eq!(p.items, vec![1, 2]);
        let params = PageParams {
            cursor: p.next_cursor,
            limit: None,
        };
        assert_eq!(params.key::<2>().unwrap(), Some([2, 7]));
        let bad = PageParams {
            cursor: Some("!!".into()),
            limit: Some(0),
        };
        assert!(bad.key::<2>().is_err());
        assert!(bad.limit().is_err());
    }
}
