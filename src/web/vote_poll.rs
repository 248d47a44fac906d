//! Voting in a thread's poll from its form, and withdrawing the vote.

use axum::extract::{Path, State};
use axum::response::Response;

use super::render::{WebError, render, see_other};
use super::session::CheckedForm;
use super::thread::thread_page;
use super::views::{Errors, FieldError};
use crate::services;
use crate::state::AppState;

/// `POST /post/{id}/poll`: the chosen options (`choice`, repeated for check boxes), and
/// `action=withdraw` to take the vote back. A refused vote shows the thread again with
/// the reason beside the poll.
pub async fn vote_poll(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, fields): CheckedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let withdraw = fields.iter().any(|(k, v)| k == "action" && v == "withdraw");
    let result = if withdraw {
        services::polls::withdraw(&state, actor, id).await
    } else {
        let choices = fields
            .iter()
            .filter(|(k, _)| k == "choice")
            .filter_map(|(_, v)| v.parse().ok())
            .collect();
        services::polls::vote(&state, actor, id, choices).await
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/post/{id}#poll-title"))),
        Err(e) if matches!(e.code(), "invalid_choice" | "poll_closed" | "vote_final") => {
            let status = e.status();
            let mut page =
                thread_page(&state, &viewer, id, Errors::default(), String::new()).await?;
            page.poll_errors = Errors::one(FieldError::from_app(&e, "choice-0"));
            Ok(render(&state, &viewer, status, &page))
        }
        Err(e) => Err(e.into()),
    }
}
