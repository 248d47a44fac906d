//! The event page's forms: answering, cancelling, and adding a session.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::events::event_page;
use super::render::{WebError, render, see_other};
use super::session::CheckedForm;
use super::views::{Errors, FieldError};
use crate::services;
use crate::services::events::{Rsvp, SessionInput};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct AnswerForm {
    /// `going`, `maybe`, `declined` or `withdraw`.
    status: String,
}

/// `POST /events/{id}/rsvp`. A refused answer (full, ended) shows the page again with
/// the reason.
pub async fn answer_event(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<AnswerForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let result = match form.status.as_str() {
        "withdraw" => services::events::withdraw(&state, actor, id).await,
        status => match Rsvp::parse(status) {
            Ok(answer) => services::events::rsvp(&state, actor, id, answer).await,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/events/{id}#answer-title"))),
        Err(e) if matches!(e.status(), StatusCode::CONFLICT | StatusCode::BAD_REQUEST) => {
            let status = e.status();
            let errors = Errors::one(FieldError {
                field: "answer",
                message: super::render::upper_first(&e.to_string()),
            });
            let page = event_page(&state, &viewer, id, errors).await?;
            Ok(render(&state, &viewer, status, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    /// `yes` to cancel, `no` to take it back.
    cancelled: String,
}

/// `POST /events/{id}/cancel`
pub async fn cancel_event(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<CancelForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    services::events::cancel(&state, actor, id, form.cancelled == "yes").await?;
    Ok(see_other(&format!("/events/{id}")))
}

#[derive(Deserialize, Default)]
pub struct SessionForm {
    #[serde(default)]
    session_title: String,
    #[serde(default)]
    session_speaker: String,
    #[serde(default)]
    session_starts_at: String,
    #[serde(default)]
    session_ends_at: String,
    #[serde(default)]
    session_description: String,
}

/// `POST /events/{id}/sessions`
pub async fn add_session(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<SessionForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let input = SessionInput {
        title: form.session_title,
        description: form.session_description,
        speaker: Some(form.session_speaker),
        starts_at: form.session_starts_at,
        ends_at: form.session_ends_at,
    };
    match services::events::add_session(&state, actor, id, input).await {
        Ok(_) => Ok(see_other(&format!("/events/{id}#programme-title"))),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let field = match e.code() {
                "invalid_time" => "session_starts_at",
                _ => "session_title",
            };
            let errors = Errors::one(FieldError {
                field,
                message: super::render::upper_first(&e.to_string()),
            });
            let page = event_page(&state, &viewer, id, errors).await?;
            Ok(render(&state, &viewer, StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(e.into()),
    }
}
