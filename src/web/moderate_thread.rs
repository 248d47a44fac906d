//! A facilitator's buttons on a thread's page: pin or unpin and lock or unlock a thread,
//! and restore a removed thread or reply.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::log_out::NoFields;
use super::render::{WebError, see_other};
use super::session::CheckedForm;
use crate::services;
use crate::services::posts::ModAction;
use crate::state::AppState;

/// Whether to switch the setting on (`true`) or off.
#[derive(Deserialize)]
pub struct Toggle {
    on: bool,
}

/// `POST /post/{id}/pin`
pub async fn pin_thread(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<Toggle>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    services::posts::moderate(&state, actor, id, ModAction::Pin(form.on), None).await?;
    Ok(see_other(&format!("/post/{id}")))
}

/// `POST /post/{id}/lock`
pub async fn lock_thread(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<Toggle>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    services::posts::moderate(&state, actor, id, ModAction::Lock(form.on), None).await?;
    Ok(see_other(&format!("/post/{id}")))
}

/// `POST /post/{id}/restore`: undoes a facilitator's removal.
pub async fn restore_thread(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    services::posts::moderate(&state, actor, id, ModAction::Remove(false), None).await?;
    Ok(see_other(&format!("/post/{id}")))
}

/// `POST /comment/{id}/restore`
pub async fn restore_comment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let c = services::comments::remove(&state, actor, id, false, None).await?;
    Ok(see_other(&format!(
        "/post/{}#comment-{id}",
        c.comment.post_id
    )))
}
