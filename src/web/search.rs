//! `/search`: one box that finds threads, comments and communities, best match first.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::Viewer;
use super::views::{self, CommunityView, Errors, FieldError, PersonView, Time, query};
use crate::db::search::HitKind;
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

/// A hit as the page lists it.
struct HitView {
    /// `Thread`, `Reply`, `Community` or `Blog post`.
    kind: &'static str,
    title: String,
    href: String,
    excerpt: String,
    /// `None` for a blog post.
    community: Option<CommunityView>,
    author: Option<PersonView>,
    at: Time,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    errors: Errors,
    q: String,
    hits: Vec<HitView>,
    /// The next page's link, when there is one.
    more: Option<String>,
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    q: Option<String>,
    cursor: Option<String>,
}

/// `GET /search?q=…`
pub async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let SearchQuery { q, cursor } = query(&uri);
    let q = q.unwrap_or_default();
    let mut page = SearchPage {
        layout: Layout::new(&state, &viewer, "Search").in_section("search"),
        errors: Errors::default(),
        q: q.clone(),
        hits: Vec::new(),
        more: None,
    };
    if q.trim().is_empty() {
        return Ok(render(&state, &viewer, StatusCode::OK, &page));
    }
    let params = PageParams {
        cursor,
        limit: None,
    };
    let actor = viewer.actor.as_ref();
    match services::search::search(&state, actor, &q, params).await {
        Ok(found) => {
            page.more = views::next_page_link("/search", &q, found.next_cursor);
            page.hits = found
                .items
                .into_iter()
                .map(|hit| {
                    let community = hit.community.as_ref().map(CommunityView::new);
                    let (kind, href) = match (hit.kind, &community) {
                        (HitKind::Thread, _) => ("Thread", format!("/post/{}", hit.id)),
                        (HitKind::Comment, _) => ("Reply", format!("/comment/{}", hit.id)),
                        (HitKind::Community, Some(c)) => ("Community", c.href.clone()),
                        (HitKind::Community, None) => ("Community", "/communities".into()),
                        (HitKind::BlogPost, _) => ("Blog post", format!("/blog/{}", hit.id)),
                    };
                    HitView {
                        kind,
                        title: hit.title,
                        href,
                        excerpt: hit.excerpt,
                        author: hit.author.as_ref().map(PersonView::new),
                        community,
                        at: Time::new(hit.created_at),
                    }
                })
                .collect();
            Ok(render(&state, &viewer, StatusCode::OK, &page))
        }
        Err(e) if e.status().is_client_error() => {
            let mut error = FieldError::from_app(&e, "q");
            error.field = "q";
            page.errors = Errors::one(error);
            Ok(render(&state, &viewer, e.status(), &page))
        }
        Err(e) => Err(e.into()),
    }
}
