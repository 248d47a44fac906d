//! Leaving a community, or withdrawing a request to join.

use axum::extract::{Path, State};
use axum::response::Response;

use super::log_out::NoFields;
use super::render::{WebError, see_other};
use super::session::CheckedForm;
use crate::services;
use crate::state::AppState;

/// `POST /c/{name}/leave`
pub async fn leave_community(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    services::communities::leave(&state, viewer.member()?, &name).await?;
    Ok(see_other(&format!("/c/{name}")))
}
