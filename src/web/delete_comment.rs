//! Deleting one's own reply.

use axum::extract::{Path, State};
use axum::response::Response;

use super::log_out::NoFields;
use super::render::{WebError, see_other};
use super::session::CheckedForm;
use crate::services;
use crate::state::AppState;

/// `POST /comment/{id}/delete`: back to its place in the thread.
pub async fn delete_comment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let c = services::comments::get(&state, Some(actor), id).await?;
    services::comments::delete(&state, actor, id).await?;
    Ok(see_other(&format!(
        "/post/{}#comment-{id}",
        c.comment.post_id
    )))
}
