//! Editing one's own reply, with a preview; the page also offers to delete it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer};
use super::views::{Errors, FieldError};
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "edit_comment.html")]
struct EditCommentPage {
    layout: Layout,
    errors: Errors,
    post_id: i64,
    comment_id: i64,
    body: String,
    /// Rendered and sanitised by the same Markdown code that stores replies.
    preview: Option<String>,
}

#[derive(Deserialize)]
pub struct EditCommentForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    action: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    body: Option<String>,
    errors: Errors,
    preview: bool,
) -> Result<Response, WebError> {
    let c = services::comments::get(state, Some(viewer.member()?), id).await?;
    let body = body.unwrap_or(c.comment.body);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = EditCommentPage {
        layout: Layout::new(state, viewer, "Edit your reply").in_section("communities"),
        errors,
        post_id: c.comment.post_id,
        comment_id: id,
        preview: preview.then(|| crate::markdown::render(&body)),
        body,
    };
    Ok(render(state, viewer, status, &page))
}

/// `GET /comment/{id}/edit`
pub async fn edit_comment_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    page(&state, &viewer, id, None, Errors::default(), false).await
}

/// `POST /comment/{id}/edit`: saves the reply, or shows a preview of it.
pub async fn submit_edit_comment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<EditCommentForm>,
) -> Result<Response, WebError> {
    if form.action == "preview" {
        return page(
            &state,
            &viewer,
            id,
            Some(form.body),
            Errors::default(),
            true,
        )
        .await;
    }
    match services::comments::edit(&state, viewer.member()?, id, &form.body).await {
        Ok(c) => Ok(see_other(&format!(
            "/post/{}#comment-{id}",
            c.comment.post_id
        ))),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let errors = Errors::one(FieldError::from_app(&e, "body"));
            page(&state, &viewer, id, Some(form.body), errors, false).await
        }
        Err(e) => Err(e.into()),
    }
}
