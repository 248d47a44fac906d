//! A community's page: what it is, its threads, and joining or leaving it. Serves local
//! communities at `/c/name` and known remote ones at `/c/name@host`.

use askama::Template;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::Viewer;
use super::views::{CommunityView, PostView, query};
use crate::db::content::PostSort;
use crate::error::AppError;
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "community.html")]
struct CommunityPage {
    layout: Layout,
    community: CommunityView,
    member_count: i64,
    /// `pending`, `accepted`, or empty for someone who has not joined.
    membership: &'static str,
    can_post: bool,
    sort: &'static str,
    posts: Vec<PostView>,
    next: Option<String>,
    /// Why the threads are not shown, for a private community's outsiders.
    hidden: Option<String>,
    /// The viewer facilitates this (local) community: the page links to its management.
    facilitator: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    sort: Option<String>,
    cursor: Option<String>,
}

/// `GET /c/{name}` for browsers.
pub async fn show_community(
    state: &AppState,
    viewer: Viewer,
    name: &str,
    uri: &Uri,
) -> Result<Response, WebError> {
    let q: ListQuery = query(uri);
    let (sort, sort_name) = match q.sort.as_deref() {
        Some("top") => (PostSort::Top, "top"),
        Some("active") => (PostSort::Active, "active"),
        _ => (PostSort::New, "new"),
    };
    let actor = viewer.actor.as_ref();
    let d = services::communities::get(state, actor, name).await?;
    let params = PageParams {
        cursor: q.cursor,
        limit: None,
    };
    let (posts, next, hidden) = match services::posts::list(state, actor, name, sort, params).await
    {
        Ok(page) => {
            let posts = page.items.iter().map(|p| PostView::new(p, actor)).collect();
            (posts, page.next_cursor, None)
        }
        Err(e @ (AppError::Denied { .. } | AppError::Forbidden(_))) => (
            Vec::new(),
            None,
            Some(super::render::upper_first(&e.to_string())),
        ),
        Err(e) => return Err(e.into()),
    };
    let accepted = d.membership == Some(crate::types::MembershipState::Accepted);
    let mut layout =
        Layout::new(state, &viewer, d.community.title.clone()).in_section("communities");
    if d.community.domain.is_none() && d.community.visibility == "public" {
        layout = layout.with_feed(format!("/c/{}/feed", d.community.name));
    }
    let page = CommunityPage {
        layout,
        community: CommunityView::new(&d.community),
        member_count: d.member_count,
        membership: d.membership.map_or("", |m| m.as_str()),
        can_post: accepted && (!d.community.posting_restricted || d.is_moderator),
        sort: sort_name,
        posts,
        next,
        hidden,
        facilitator: d.is_moderator && d.community.domain.is_none(),
    };
    Ok(render(state, &viewer, StatusCode::OK, &page))
}
