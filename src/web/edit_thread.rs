//! Editing one's own thread.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::compose::ThreadForm;
use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer};
use super::views::{CommunityView, Errors, FieldError};
use crate::services;
use crate::state::AppState;

/// `GET /post/{id}/edit`
pub async fn edit_thread_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let d = services::posts::get(&state, Some(viewer.member()?), id).await?;
    let form = ThreadForm {
        title: d.post.title.clone(),
        body: d.post.body.clone(),
        link: d.post.url.clone().unwrap_or_default(),
        content_warning: d.post.content_warning.clone().unwrap_or_default(),
        ..ThreadForm::default()
    };
    let layout = Layout::new(&state, &viewer, "Edit your thread").in_section("communities");
    let page = form.into_page(
        layout,
        CommunityView::new(&d.community),
        format!("/post/{id}/edit"),
        "Save changes",
        Errors::default(),
    );
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

/// `POST /post/{id}/edit`: saves the thread, or shows a preview of the changes.
pub async fn submit_edit_thread(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<ThreadForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let result = if form.wants_preview() {
        Ok(None)
    } else {
        services::posts::edit(&state, actor, id, form.input()?)
            .await
            .map(Some)
    };
    let (status, errors) = match result {
        Ok(Some(_)) => return Ok(see_other(&format!("/post/{id}"))),
        Ok(None) => (StatusCode::OK, Errors::default()),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            (e.status(), Errors::one(FieldError::from_app(&e, "title")))
        }
        Err(e) => return Err(e.into()),
    };
    let d = services::posts::get(&state, Some(actor), id).await?;
    let layout = Layout::new(&state, &viewer, "Edit your thread").in_section("communities");
    let page = form.into_page(
        layout,
        CommunityView::new(&d.community),
        format!("/post/{id}/edit"),
        "Save changes",
        errors,
    );
    Ok(render(&state, &viewer, status, &page))
}
