//! Full-text search over threads, comments, communities and blog posts, with each backend's own
//! index: SQLite's FTS5 table `search_index` (kept by triggers) and PostgreSQL's GIN
//! indexes over `to_tsvector('english', …)`. Both rank with the database's own function
//! and leave out what the viewer may not read.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Text, Timestamp};

use super::DbConn;
use crate::error::AppResult;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    Thread,
    Comment,
    Community,
    BlogPost,
}

/// One hit: what it is and its id, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub kind: HitKind,
    pub id: i64,
}

impl Hit {
    /// Entries are keyed `id * 4` (blog post), `id * 4 + 1` (thread), `+ 2` (comment)
    /// or `+ 3` (community).
    fn from_key(key: i64) -> Option<Hit> {
        let kind = match key % 4 {
            0 if key > 0 => HitKind::BlogPost,
            1 => HitKind::Thread,
            2 => HitKind::Comment,
            3 => HitKind::Community,
            _ => return None,
        };
        Some(Hit { kind, id: key / 4 })
    }
}

/// Who is searching: private communities' content is found only by their members and
/// facilitators, and by instance staff.
#[derive(Debug, Clone, Copy)]
pub struct Searcher {
    /// The searcher's person id; `None` for a visitor.
    pub person_id: Option<i64>,
    /// Admins and instance moderators read every community.
    pub reads_everything: bool,
}

/// The words of a query: letters and digits only, so nothing in it is an operator.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_lowercase)
        .collect()
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    key: i64,
    #[allow(dead_code)]
    #[diesel(sql_type = Double)]
    rank: f64,
}

/// The condition that community `c` is readable by the searcher (binds: `$2` person id
/// or -1, `$3` reads everything, `$4` now).
const READABLE: &str = "(NOT c.deleted AND (c.visibility <> 'private' OR $3 \
    OR c.id IN (SELECT m.community_id FROM community_members m \
        WHERE m.person_id = $2 AND m.state = 'accepted' AND NOT EXISTS (\
            SELECT 1 FROM community_bans b WHERE b.community_id = m.community_id \
            AND b.person_id = m.person_id AND (b.expires_at IS NULL OR b.expires_at > $4))) \
    OR c.id IN (SELECT f.community_id FROM community_moderators f WHERE f.person_id = $2)))";

/// Hits for every word of `terms` (the last one also as a prefix), best first, skipping
/// `offset` and returning at most `limit`.
pub fn search(
    conn: &mut DbConn,
    terms: &[String],
    searcher: Searcher,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> AppResult<Vec<Hit>> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let last = terms.len() - 1;
    let (sql, query) = match conn {
        DbConn::Sqlite(_) => {
            // `"word"` is a phrase of one word, `"word"*` a prefix: no operator can slip in.
            let query = terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if i == last {
                        format!("\"{t}\"*")
                    } else {
                        format!("\"{t}\"")
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
            let sql = format!(
                "SELECT search_index.rowid AS key, bm25(search_index, 4.0, 1.0) AS rank \
                 FROM search_index WHERE search_index MATCH $1 AND (\
                 (search_index.rowid % 4 = 1 AND EXISTS (SELECT 1 FROM posts p \
                    JOIN communities c ON c.id = p.community_id \
                    WHERE p.id = search_index.rowid / 4 AND {READABLE})) \
                 OR (search_index.rowid % 4 = 2 AND EXISTS (SELECT 1 FROM comments k \
                    JOIN posts p ON p.id = k.post_id JOIN communities c ON c.id = p.community_id \
                    WHERE k.id = search_index.rowid / 4 AND NOT p.deleted AND NOT p.removed \
                    AND {READABLE})) \
                 OR (search_index.rowid % 4 = 3 AND EXISTS (SELECT 1 FROM communities c \
                    WHERE c.id = search_index.rowid / 4 AND NOT c.deleted)) \
                 OR (search_index.rowid % 4 = 0 AND EXISTS (SELECT 1 FROM blog_posts b \
                    WHERE b.id = search_index.rowid / 4 AND NOT b.deleted))) \
                 ORDER BY rank, key DESC LIMIT $5 OFFSET $6"
            );
            // SQLite numbers `$name` parameters by first appearance; `?N` is the N-th bind.
            (sql.replace('$', "?"), query)
        }
        DbConn::Postgres(_) => {
            let query = terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if i == last {
                        format!("'{t}':*")
                    } else {
                        format!("'{t}'")
                    }
                })
                .collect::<Vec<_>>()
                .join(" & ");
            let sql = format!(
                "WITH q AS (SELECT to_tsquery('english', $1) AS q) \
                 SELECT key, rank FROM (\
                   SELECT p.id * 4 + 1 AS key, \
                     ts_rank(to_tsvector('english', p.title || ' ' || p.body), q.q)::float8 * 2 AS rank \
                   FROM q, posts p JOIN communities c ON c.id = p.community_id \
                   WHERE to_tsvector('english', p.title || ' ' || p.body) @@ q.q \
                   AND NOT p.deleted AND NOT p.removed AND {READABLE} \
                 UNION ALL \
                   SELECT k.id * 4 + 2, ts_rank(to_tsvector('english', k.body), q.q)::float8 \
                   FROM q, comments k JOIN posts p ON p.id = k.post_id \
                   JOIN communities c ON c.id = p.community_id \
                   WHERE to_tsvector('english', k.body) @@ q.q AND NOT k.deleted AND NOT k.removed \
                   AND NOT p.deleted AND NOT p.removed AND {READABLE} \
                 UNION ALL \
                   SELECT c.id * 4 + 3, ts_rank(to_tsvector('english', \
                     c.title || ' ' || c.name || ' ' || c.description), q.q)::float8 * 3 \
                   FROM q, communities c \
                   WHERE to_tsvector('english', c.title || ' ' || c.name || ' ' || c.description) @@ q.q \
                   AND NOT c.deleted \
                 UNION ALL \
                   SELECT b.id * 4, \
                     ts_rank(to_tsvector('english', b.title || ' ' || b.body), q.q)::float8 * 2 \
                   FROM q, blog_posts b \
                   WHERE to_tsvector('english', b.title || ' ' || b.body) @@ q.q AND NOT b.deleted\
                 ) hits ORDER BY rank DESC, key DESC LIMIT $5 OFFSET $6"
            );
            (sql, query)
        }
    };
    let rows: Vec<Row> = diesel::sql_query(sql)
        .bind::<Text, _>(query)
        .bind::<BigInt, _>(searcher.person_id.unwrap_or(-1))
        .bind::<Bool, _>(searcher.reads_everything)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Hit::from_key(r.key))
        .collect())
}
