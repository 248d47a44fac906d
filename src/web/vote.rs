//! Voting on threads and replies from their buttons.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::render::{WebError, see_other};
use super::session::CheckedForm;
use crate::services;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct VoteForm {
    score: i32,
}

/// `POST /post/{id}/vote`
pub async fn vote_post(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<VoteForm>,
) -> Result<Response, WebError> {
    services::posts::vote(&state, viewer.member()?, id, form.score).await?;
    Ok(see_other(&format!("/post/{id}")))
}

/// `POST /comment/{id}/vote`
pub async fn vote_comment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<VoteForm>,
) -> Result<Response, WebError> {
    let c = services::comments::vote(&state, viewer.member()?, id, form.score).await?;
    Ok(see_other(&format!(
        "/post/{}#comment-{id}",
        c.comment.post_id
    )))
}
