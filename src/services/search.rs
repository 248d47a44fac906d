//! Search across threads, comments, communities and blog posts with the database's full-text index,
//! ranked by it and paged by position. Private communities' threads and comments are
//! found only by those who may read them.

use chrono::NaiveDateTime;

use super::Actor;
use crate::db;
use crate::db::models::{DbCommunity, DbPerson};
use crate::db::search::{Hit, HitKind, Searcher};
use crate::error::{AppError, AppResult};
use crate::federation::content::plain_text;
use crate::pagination::{Page, PageParams, page};
use crate::state::AppState;

/// How much of a body a hit shows.
const EXCERPT_CHARS: usize = 240;

/// One search result, ready to show.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub kind: HitKind,
    /// The thread's, comment's, community's or blog post's id.
    pub id: i64,
    /// For a comment, the thread it is in.
    pub post_id: Option<i64>,
    /// The thread's title (a comment's thread), the community's or the blog post's.
    pub title: String,
    /// The start of the text, without markup.
    pub excerpt: String,
    /// Where it was said; `None` for a blog post, which belongs to its author.
    pub community: Option<DbCommunity>,
    /// Who wrote it; `None` for a community.
    pub author: Option<DbPerson>,
    pub created_at: NaiveDateTime,
}

fn excerpt(html: &str) -> String {
    let text = plain_text(html);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= EXCERPT_CHARS {
        return text;
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

fn details(conn: &mut db::DbConn, hit: Hit) -> AppResult<Option<SearchHit>> {
    Ok(match hit.kind {
        HitKind::Thread => {
            let Some(post) = db::content::post(conn, hit.id)? else {
                return Ok(None);
            };
            Some(SearchHit {
                kind: hit.kind,
                id: post.id,
                post_id: None,
                excerpt: excerpt(&post.body_html),
                community: Some(db::communities::by_id(conn, post.community_id)?),
                author: Some(db::persons::person(conn, post.author_id)?),
                created_at: post.created_at,
                title: post.title,
            })
        }
        HitKind::Comment => {
            let Some(comment) = db::content::comment(conn, hit.id)? else {
                return Ok(None);
            };
            let Some(post) = db::content::post(conn, comment.post_id)? else {
                return Ok(None);
            };
            Some(SearchHit {
                kind: hit.kind,
                id: comment.id,
                post_id: Some(post.id),
                title: post.title,
                excerpt: excerpt(&comment.body_html),
                community: Some(db::communities::by_id(conn, post.community_id)?),
                author: Some(db::persons::person(conn, comment.author_id)?),
                created_at: comment.created_at,
            })
        }
        HitKind::Community => {
            let community = db::communities::by_id(conn, hit.id)?;
            Some(SearchHit {
                kind: hit.kind,
                id: community.id,
                post_id: None,
                title: community.title.clone(),
                excerpt: excerpt(&community.description_html),
                author: None,
                created_at: community.created_at,
                community: Some(community),
            })
        }
        HitKind::BlogPost => {
            let Some(post) = db::blogs::post(conn, hit.id)? else {
                return Ok(None);
            };
            Some(SearchHit {
                kind: hit.kind,
                id: post.id,
                post_id: None,
                excerpt: excerpt(&post.body_html),
                community: None,
                author: Some(db::persons::person(conn, post.author_id)?),
                created_at: post.created_at,
                title: post.title,
            })
        }
    })
}

/// The best matches for `query`, a page at a time.
pub async fn search(
    state: &AppState,
    viewer: Option<&Actor>,
    query: &str,
    params: PageParams,
) -> AppResult<Page<SearchHit>> {
    let limit = params.limit()?;
    let offset = params.key::<1>()?.map_or(0, |[offset]| offset.max(0));
    if query.chars().count() > 200 {
        return Err(AppError::bad_request(
            "invalid_query",
            "search must be at most 200 characters long",
        ));
    }
    let terms = db::search::terms(query);
    if terms.is_empty() {
        return Err(AppError::bad_request(
            "invalid_query",
            "search needs at least one word",
        ));
    }
    let searcher = Searcher {
        person_id: viewer.map(|a| a.person_id),
        reads_everything: viewer.is_some_and(Actor::moderates_everywhere),
    };
    let rows = state
        .db
        .read(move |conn| {
            let hits = db::search::search(conn, &terms, searcher, db::now(), limit + 1, offset)?;
            let mut rows = Vec::with_capacity(hits.len());
            for (position, hit) in (offset + 1..).zip(hits) {
                if let Some(found) = details(conn, hit)? {
                    rows.push((position, found));
                }
            }
            Ok(rows)
        })
        .await?;
    Ok(page(rows, limit, |(position, _)| [*position]).map(|(_, hit)| hit))
}
