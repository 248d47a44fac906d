//! Joining a community, or asking to.

use axum::extract::{Path, State};
use axum::response::Response;

use super::log_out::NoFields;
use super::render::{WebError, see_other};
use super::session::CheckedForm;
use crate::services;
use crate::state::AppState;

/// `POST /c/{name}/join`
pub async fn join_community(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    services::communities::join(&state, viewer.member()?, &name).await?;
    Ok(see_other(&format!("/c/{name}")))
}
