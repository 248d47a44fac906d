//! The community directory, with a search that also finds communities on other servers.

use activitypub_federation::config::Data;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::Viewer;
use super::views::{self, CommunityView, Errors, FieldError, query};
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "communities.html")]
struct DirectoryPage {
    layout: Layout,
    errors: Errors,
    q: String,
    found: Option<CommunityView>,
    communities: Vec<CommunityView>,
    /// The next page's link, when there is one.
    more: Option<String>,
}

#[derive(Deserialize, Default)]
struct DirectoryQuery {
    q: Option<String>,
    cursor: Option<String>,
}

/// `!name@host`, `@name@host`, `name@host` or a web address: a community elsewhere.
fn is_remote_address(q: &str) -> bool {
    q.starts_with("http://") || q.starts_with("https://") || q.contains('@')
}

/// `GET /communities?q=…`
pub async fn list_communities(
    State(state): State<AppState>,
    data: Data<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let DirectoryQuery { q, cursor } = query(&uri);
    let q = q.unwrap_or_default().trim().to_owned();
    let params = PageParams {
        cursor,
        limit: None,
    };
    let mut errors = Errors::default();
    let mut found = None;
    let mut status = StatusCode::OK;
    if is_remote_address(&q) {
        let result = match &viewer.actor {
            Some(_) => services::federation::resolve_community(&data, &q).await,
            None => Err(crate::error::AppError::bad_request(
                "sign_in_to_search",
                "sign in to look up communities on other servers",
            )),
        };
        match result {
            Ok(c) => found = Some(CommunityView::new(&c)),
            Err(e) if e.status().is_client_error() => {
                status = e.status();
                let mut error = FieldError::from_app(&e, "q");
                error.field = "q";
                if e.status() == StatusCode::NOT_FOUND {
                    error.message = "No community was found at that address".into();
                }
                errors = Errors::one(error);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = if q.is_empty() || is_remote_address(&q) {
        services::communities::list(&state, params).await?
    } else {
        services::communities::search(&state, &q, params).await?
    };
    let page = DirectoryPage {
        layout: Layout::new(&state, &viewer, "Communities").in_section("communities"),
        errors,
        communities: page.items.iter().map(CommunityView::new).collect(),
        more: views::next_page_link("/communities", &q, page.next_cursor),
        found,
        q,
    };
    Ok(render(&state, &viewer, status, &page))
}
