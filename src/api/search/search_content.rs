use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::api::prelude::*;
use crate::db::search::HitKind;
use crate::services::search::SearchHit;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find, up to 200 characters. Every word must match; the last also
    /// matches as the start of a word. Words are stemmed, so "plan" finds "planning".
    q: String,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// One search result.
#[derive(Serialize, ToSchema)]
pub struct SearchHitView {
    /// `thread`, `comment`, `community` or `blog_post`.
    kind: &'static str,
    /// The thread's, comment's, community's or blog post's id.
    id: i64,
    /// For a comment, the id of its thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    post_id: Option<i64>,
    /// The thread's title (for a comment, its thread's), the community's or the blog
    /// post's.
    title: String,
    /// The start of the text, without markup.
    excerpt: String,
    /// The community: `name` here, or `name@host`. Absent for a blog post.
    #[serde(skip_serializing_if = "Option::is_none")]
    community: Option<String>,
    /// Who wrote it: `name` here, or `name@host`. Absent for a community.
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    created_at: DateTime<Utc>,
}

fn handle(name: &str, domain: Option<&str>) -> String {
    match domain {
        None => name.to_owned(),
        Some(domain) => format!("{name}@{domain}"),
    }
}

impl From<SearchHit> for SearchHitView {
    fn from(hit: SearchHit) -> Self {
        SearchHitView {
            kind: match hit.kind {
                HitKind::Thread => "thread",
                HitKind::Comment => "comment",
                HitKind::Community => "community",
                HitKind::BlogPost => "blog_post",
            },
            id: hit.id,
            post_id: hit.post_id,
            title: hit.title,
            excerpt: hit.excerpt,
            community: hit.community.map(|c| handle(&c.name, c.domain.as_deref())),
            author: hit.author.map(|a| handle(&a.name, a.domain.as_deref())),
            created_at: hit.created_at.and_utc(),
        }
    }
}

/// Searches threads (documents and events among them), comments, communities and blog
/// posts, best match first. Visitors and members
/// find threads and comments only in communities they may read.
#[utoipa::path(get, path = "/search", tag = "search",
    params(SearchParams),
    responses((status = 200, body = Page<SearchHitView>), (status = 400, body = ErrorBody)))]
pub async fn search_content(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> AppResult<Json<Page<SearchHitView>>> {
    let page = PageParams {
        cursor: params.cursor,
        limit: params.limit,
    };
    let hits = services::search::search(&state, viewer.as_ref(), &params.q, page).await?;
    Ok(Json(hits.map(SearchHitView::from)))
}
