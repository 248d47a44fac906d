//! Starting a thread in a community.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::compose::ThreadForm;
use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer};
use super::views::{CommunityView, Errors, FieldError};
use crate::services;
use crate::state::AppState;

/// `GET /c/{name}/new`
pub async fn new_thread_form(
    State(state): State<AppState>,
    Path(name): Path<String>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let d = services::communities::get(&state, Some(viewer.member()?), &name).await?;
    let layout = Layout::new(&state, &viewer, "Start a thread").in_section("communities");
    let community = CommunityView::new(&d.community);
    let action = format!("{}/new", community.href);
    let form = ThreadForm::default();
    let poll = form.poll_fields();
    let mut page = form.into_page(layout, community, action, "Post thread", Errors::default());
    page.poll = Some(poll);
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

/// `POST /c/{name}/new`: posts the thread, or shows a preview of it.
pub async fn submit_new_thread(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<ThreadForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let result = if form.wants_preview() {
        Ok(None)
    } else {
        match form.input() {
            Ok(input) => services::posts::create(&state, actor, &name, input)
                .await
                .map(Some),
            Err(e) => Err(e),
        }
    };
    let (status, errors) = match result {
        Ok(Some(d)) => return Ok(see_other(&format!("/post/{}", d.post.id))),
        Ok(None) => (StatusCode::OK, Errors::default()),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            (e.status(), Errors::one(FieldError::from_app(&e, "title")))
        }
        Err(e) => return Err(e.into()),
    };
    let d = services::communities::get(&state, Some(actor), &name).await?;
    let layout = Layout::new(&state, &viewer, "Start a thread").in_section("communities");
    let community = CommunityView::new(&d.community);
    let action = format!("{}/new", community.href);
    let poll = form.poll_fields();
    let mut page = form.into_page(layout, community, action, "Post thread", errors);
    page.poll = Some(poll);
    Ok(render(&state, &viewer, status, &page))
}
