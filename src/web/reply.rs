//! Replying to a thread, or to one of its replies.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer};
use super::thread::thread_page;
use super::views::{Errors, FieldError, PersonView, query};
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "reply.html")]
struct ReplyPage {
    layout: Layout,
    errors: Errors,
    post_id: i64,
    thread_title: String,
    parent_id: i64,
    parent_author: String,
    parent_html: String,
    body: String,
}

#[derive(Deserialize, Default)]
struct ReplyQuery {
    to: Option<i64>,
}

async fn reply_page(
    state: &AppState,
    viewer: &Viewer,
    post_id: i64,
    parent_id: i64,
    errors: Errors,
    body: String,
) -> Result<ReplyPage, WebError> {
    let actor = viewer.member()?;
    let post = services::posts::get(state, Some(actor), post_id).await?;
    let parent = services::comments::get(state, Some(actor), parent_id).await?;
    if parent.comment.post_id != post_id {
        return Err(WebError::NotFound);
    }
    Ok(ReplyPage {
        layout: Layout::new(state, viewer, "Reply").in_section("communities"),
        errors,
        post_id,
        thread_title: post.post.title,
        parent_id,
        parent_author: PersonView::new(&parent.author).handle,
        // Sanitised when stored.
        parent_html: parent.comment.body_html,
        body,
    })
}

/// `GET /post/{id}/reply?to={comment}`: the form for replying to one reply.
pub async fn reply_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let ReplyQuery { to } = query(&uri);
    let parent = to.ok_or(WebError::NotFound)?;
    let page = reply_page(
        &state,
        &viewer,
        id,
        parent,
        Errors::default(),
        String::new(),
    )
    .await?;
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
    parent: Option<i64>,
}

/// `POST /post/{id}/reply`
pub async fn submit_reply(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<ReplyForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    match services::comments::create(&state, actor, id, form.parent, &form.body).await {
        Ok(c) => Ok(see_other(&format!("/post/{id}#comment-{}", c.comment.id))),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let errors = Errors::one(FieldError::from_app(&e, "body"));
            let response = match form.parent {
                Some(parent) => {
                    let page = reply_page(&state, &viewer, id, parent, errors, form.body).await?;
                    render(&state, &viewer, e.status(), &page)
                }
                None => {
                    let page = thread_page(&state, &viewer, id, errors, form.body).await?;
                    render(&state, &viewer, e.status(), &page)
                }
            };
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}
