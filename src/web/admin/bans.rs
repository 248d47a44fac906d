//! `/admin/bans`: people banned from the whole instance.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::super::render::{Layout, WebError, render, see_other};
use super::super::session::{CheckedForm, Viewer};
use super::super::views::{BanView, Errors, FieldError};
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/bans.html")]
struct BansPage {
    layout: Layout,
    errors: Errors,
    bans: Vec<BanView>,
    member: String,
    reason: String,
}

#[derive(Deserialize)]
pub struct BanForm {
    #[serde(default)]
    member: String,
    #[serde(default)]
    reason: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    errors: Errors,
    form: BanForm,
) -> Result<Response, WebError> {
    let actor = super::admin(viewer)?;
    let params = PageParams {
        cursor: None,
        limit: Some(100),
    };
    let bans = services::moderation::instance_bans(state, actor, params).await?;
    let page = BansPage {
        layout: Layout::new(state, viewer, "Instance bans").in_section("admin"),
        errors,
        bans: bans
            .items
            .into_iter()
            .map(|(ban, person)| BanView::new(&person, ban.reason, ban.created_at, ban.expires_at))
            .collect(),
        member: form.member,
        reason: form.reason,
    };
    Ok(render(state, viewer, status, &page))
}

/// `GET /admin/bans`
pub async fn show_bans(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let empty = BanForm {
        member: String::new(),
        reason: String::new(),
    };
    page(&state, &viewer, StatusCode::OK, Errors::default(), empty).await
}

/// `POST /admin/bans`: a refusal (unknown member, no reason) shows on the form.
pub async fn ban_member(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<BanForm>,
) -> Result<Response, WebError> {
    let actor = super::admin(&viewer)?;
    let member = form.member.trim();
    match services::moderation::ban_from_instance(&state, actor, member, &form.reason, None).await {
        Ok(_) => Ok(see_other("/admin/bans")),
        Err(e) if e.status().is_client_error() => {
            let errors = Errors::one(FieldError::from_app(&e, "member"));
            page(&state, &viewer, e.status(), errors, form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/bans/remove`
pub async fn unban_member(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<BanForm>,
) -> Result<Response, WebError> {
    let actor = super::admin(&viewer)?;
    services::moderation::unban_from_instance(&state, actor, &form.member).await?;
    Ok(see_other("/admin/bans"))
}
