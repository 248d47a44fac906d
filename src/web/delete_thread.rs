//! Deleting one's own thread.

use axum::extract::{Path, State};
use axum::response::Response;

use super::log_out::NoFields;
use super::render::{WebError, see_other};
use super::session::CheckedForm;
use crate::services;
use crate::state::AppState;

/// `POST /post/{id}/delete`: back to the community, where the thread no longer shows.
pub async fn delete_thread(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let d = services::posts::get(&state, Some(actor), id).await?;
    services::posts::delete(&state, actor, id).await?;
    Ok(see_other(
        &super::views::CommunityView::new(&d.community).href,
    ))
}
