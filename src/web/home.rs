//! The home page: an introduction for visitors, the latest threads for members.

use askama::Template;
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use super::render::{Layout, WebError, render};
use super::session::Viewer;
use super::views::{PostView, query};
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    posts: Vec<PostView>,
    next: Option<String>,
}

/// `GET /` for browsers; federation clients get the instance actor at the same address.
pub async fn show_home(state: &AppState, viewer: Viewer, uri: &Uri) -> Result<Response, WebError> {
    let (posts, next) = match &viewer.actor {
        Some(actor) => {
            let params: PageParams = query(uri);
            let page = services::posts::feed(state, actor, params).await?;
            let posts = page
                .items
                .iter()
                .map(|d| PostView::new(d, Some(actor)))
                .collect();
            (posts, page.next_cursor)
        }
        None => (Vec::new(), None),
    };
    let title = if viewer.actor.is_some() {
        "Home"
    } else {
        "Welcome"
    };
    let page = HomePage {
        layout: Layout::new(state, &viewer, title).in_section("home"),
        posts,
        next,
    };
    Ok(render(state, &viewer, StatusCode::OK, &page))
}
