//! `/c/{name}/manage/bans`: people banned from a community, banning and unbanning.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::super::render::{Layout, WebError, render, see_other};
use super::super::session::{CheckedForm, Viewer};
use super::super::views::{BanView, CommunityView, Errors, FieldError};
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "manage/bans.html")]
struct BansPage {
    layout: Layout,
    community: CommunityView,
    current: &'static str,
    errors: Errors,
    bans: Vec<BanView>,
    member: String,
    reason: String,
    expires: String,
}

#[derive(Deserialize, Default)]
pub struct BanForm {
    #[serde(default)]
    member: String,
    #[serde(default)]
    reason: String,
    /// The day the ban ends, `YYYY-MM-DD`; empty for a ban without end.
    #[serde(default)]
    expires: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    status: StatusCode,
    errors: Errors,
    form: BanForm,
) -> Result<Response, WebError> {
    let (actor, d) = super::facilitator(state, viewer, name).await?;
    let params = PageParams {
        cursor: None,
        limit: Some(100),
    };
    let bans = services::communities::bans(state, actor, name, params).await?;
    let page = BansPage {
        layout: Layout::new(state, viewer, format!("Bans in {}", d.community.title))
            .in_section("communities"),
        community: CommunityView::new(&d.community),
        current: "bans",
        errors,
        bans: bans
            .items
            .into_iter()
            .map(|(ban, person)| BanView::new(&person, ban.reason, ban.created_at, ban.expires_at))
            .collect(),
        member: form.member,
        reason: form.reason,
        expires: form.expires,
    };
    Ok(render(state, viewer, status, &page))
}

/// `GET /c/{name}/manage/bans`
pub async fn show_bans(
    State(state): State<AppState>,
    Path(name): Path<String>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let form = BanForm::default();
    page(
        &state,
        &viewer,
        &name,
        StatusCode::OK,
        Errors::default(),
        form,
    )
    .await
}

/// The start (UTC) of the day a ban ends, from the form's `YYYY-MM-DD`.
fn expiry(text: &str) -> Result<Option<NaiveDateTime>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(Some)
        .ok_or(FieldError {
            field: "expires",
            message: "Enter the end date as year-month-day, for example 2030-12-31".to_owned(),
        })
}

/// `POST /c/{name}/manage/bans`: a refusal (unknown member, no reason, a past date)
/// shows on the form.
pub async fn ban_member(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<BanForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let status = StatusCode::BAD_REQUEST;
    let expires = match expiry(&form.expires) {
        Ok(expires) => expires,
        Err(e) => return page(&state, &viewer, &name, status, Errors::one(e), form).await,
    };
    let member = form.member.trim();
    match services::communities::ban(&state, actor, &name, member, &form.reason, expires).await {
        Ok(()) => Ok(see_other(&format!("{}/bans", super::home(&name)))),
        Err(e) if e.status().is_client_error() && e.code() != "not_moderator" => {
            let error = if e.to_string().starts_with("expires_at") {
                FieldError {
                    field: "expires",
                    message: "The end date must be in the future".to_owned(),
                }
            } else {
                FieldError::from_app(&e, "member")
            };
            page(&state, &viewer, &name, e.status(), Errors::one(error), form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /c/{name}/manage/bans/remove`
pub async fn unban_member(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<BanForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    services::communities::unban(&state, actor, &name, &form.member).await?;
    Ok(see_other(&format!("{}/bans", super::home(&name))))
}
