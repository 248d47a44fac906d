//! Reporting a thread or a reply to the community's facilitators.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::{CheckedForm, Viewer};
use super::views::{Errors, FieldError, PersonView};
use crate::services;
use crate::services::moderation::ReportTarget;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    errors: Errors,
    what: &'static str,
    author: String,
    action: String,
    back: String,
    reason: String,
    done: bool,
}

/// What the page says about the target, and where its form and back link go.
async fn describe(
    state: &AppState,
    viewer: &Viewer,
    target: ReportTarget,
) -> Result<(&'static str, String, String, String), WebError> {
    let actor = viewer.member()?;
    Ok(match target {
        ReportTarget::Post(id) => {
            let d = services::posts::get(state, Some(actor), id).await?;
            let author = PersonView::new(&d.author).handle;
            (
                "a thread",
                author,
                format!("/post/{id}/report"),
                format!("/post/{id}"),
            )
        }
        ReportTarget::Comment(id) => {
            let d = services::comments::get(state, Some(actor), id).await?;
            let author = PersonView::new(&d.author).handle;
            let back = format!("/post/{}#comment-{id}", d.comment.post_id);
            ("a reply", author, format!("/comment/{id}/report"), back)
        }
    })
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    target: ReportTarget,
    errors: Errors,
    reason: String,
    done: bool,
) -> Result<Response, WebError> {
    let (what, author, action, back) = describe(state, viewer, target).await?;
    let title = if what == "a thread" {
        "Report a thread"
    } else {
        "Report a reply"
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = ReportPage {
        layout: Layout::new(state, viewer, title).in_section("communities"),
        errors,
        what,
        author,
        action,
        back,
        reason,
        done,
    };
    Ok(render(state, viewer, status, &page))
}

/// `GET /post/{id}/report`
pub async fn report_post_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    page(
        &state,
        &viewer,
        ReportTarget::Post(id),
        Errors::default(),
        String::new(),
        false,
    )
    .await
}

/// `GET /comment/{id}/report`
pub async fn report_comment_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    page(
        &state,
        &viewer,
        ReportTarget::Comment(id),
        Errors::default(),
        String::new(),
        false,
    )
    .await
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reason: String,
}

async fn submit(
    state: &AppState,
    viewer: &Viewer,
    target: ReportTarget,
    reason: String,
) -> Result<Response, WebError> {
    match services::moderation::report(state, viewer.member()?, target, &reason).await {
        Ok(_) => {
            page(
                state,
                viewer,
                target,
                Errors::default(),
                String::new(),
                true,
            )
            .await
        }
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let errors = Errors::one(FieldError::from_app(&e, "reason"));
            page(state, viewer, target, errors, reason, false).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /post/{id}/report`
pub async fn submit_post_report(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<ReportForm>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, ReportTarget::Post(id), form.reason).await
}

/// `POST /comment/{id}/report`
pub async fn submit_comment_report(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<ReportForm>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, ReportTarget::Comment(id), form.reason).await
}
