//! A thread's page: the thread, its threaded replies, and the forms to take part.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::render::{Layout, WebError, render};
use super::session::Viewer;
use super::views::{CommentView, Errors, PostView, comment_tree};
use crate::pagination::{MAX_LIMIT, PageParams};
use crate::services;
use crate::state::AppState;

/// The most replies one page shows; longer threads show their first ones.
const MAX_COMMENTS: usize = 1000;

#[derive(Template)]
#[template(path = "thread.html")]
pub struct ThreadPage {
    pub layout: Layout,
    pub post: PostView,
    pub comments: Vec<CommentView>,
    pub open_at_end: usize,
    pub errors: Errors,
    pub reply: String,
    /// The viewer facilitates the thread's community: the page shows their buttons.
    pub facilitator: bool,
    /// Why a vote in the thread's poll was refused.
    pub poll_errors: Errors,
}

/// Builds the thread page, with `errors` and the draft `reply` when a reply failed.
pub async fn thread_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    errors: Errors,
    reply: String,
) -> Result<ThreadPage, WebError> {
    let actor = viewer.actor.as_ref();
    let d = services::posts::get(state, actor, id).await?;
    let mut comments = Vec::new();
    let mut params = PageParams {
        cursor: None,
        limit: Some(MAX_LIMIT),
    };
    loop {
        let page = services::comments::list(state, actor, id, params).await?;
        comments.extend(page.items);
        match page.next_cursor {
            Some(next) if comments.len() < MAX_COMMENTS => {
                params = PageParams {
                    cursor: Some(next),
                    limit: Some(MAX_LIMIT),
                }
            }
            _ => break,
        }
    }
    let (comments, open_at_end) = comment_tree(&comments, actor);
    let facilitator = match actor {
        Some(actor) => {
            let community = super::views::CommunityView::new(&d.community);
            services::communities::moderates(state, actor, &community.handle).await?
        }
        None => false,
    };
    Ok(ThreadPage {
        layout: Layout::new(state, viewer, d.post.title.clone()).in_section("communities"),
        post: PostView::new(&d, actor),
        comments,
        open_at_end,
        errors,
        reply,
        facilitator,
        poll_errors: Errors::default(),
    })
}

/// `GET /post/{id}` for browsers.
pub async fn show_thread(state: &AppState, viewer: Viewer, id: i64) -> Result<Response, WebError> {
    let page = thread_page(state, &viewer, id, Errors::default(), String::new()).await?;
    Ok(render(state, &viewer, StatusCode::OK, &page))
}

/// `GET /comment/{id}` for browsers: a reply's page is its place in its thread.
pub async fn show_comment(state: &AppState, viewer: Viewer, id: i64) -> Result<Response, WebError> {
    let c = services::comments::get(state, viewer.actor.as_ref(), id).await?;
    Ok(super::render::see_other(&format!(
        "/post/{}#comment-{id}",
        c.comment.post_id
    )))
}
