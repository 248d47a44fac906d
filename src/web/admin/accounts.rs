//! `/admin/accounts`: accounts waiting for approval, and invite codes.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::super::render::{Layout, WebError, render, see_other};
use super::super::session::{CheckedForm, Viewer};
use super::super::views::Time;
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

/// An account as the approvals list shows it.
struct Applicant {
    name: String,
    email: String,
    application: String,
    applied: Time,
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    layout: Layout,
    pending: Vec<Applicant>,
    invite: Option<String>,
}

/// A form with nothing in it but its CSRF token, which `CheckedForm` checks.
#[derive(Deserialize)]
pub struct EmptyForm {}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    invite: Option<String>,
) -> Result<Response, WebError> {
    let actor = super::admin(viewer)?;
    let params = PageParams {
        cursor: None,
        limit: Some(100),
    };
    let pending = services::accounts::pending_accounts(state, actor, params).await?;
    let page = AccountsPage {
        layout: Layout::new(state, viewer, "Accounts").in_section("admin"),
        pending: pending
            .items
            .into_iter()
            .map(|(user, person)| Applicant {
                name: person.name,
                email: user.email,
                application: user.application.unwrap_or_default(),
                applied: Time::new(user.created_at),
            })
            .collect(),
        invite,
    };
    Ok(render(state, viewer, StatusCode::OK, &page))
}

/// `GET /admin/accounts`
pub async fn show_accounts(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    page(&state, &viewer, None).await
}

/// `POST /admin/accounts/{name}/approve`
pub async fn approve_account(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, EmptyForm {}): CheckedForm<EmptyForm>,
) -> Result<Response, WebError> {
    let actor = super::admin(&viewer)?;
    services::accounts::approve_account(&state, Some(actor), &name).await?;
    Ok(see_other("/admin/accounts"))
}

/// `POST /admin/accounts/{name}/reject`
pub async fn reject_account(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, EmptyForm {}): CheckedForm<EmptyForm>,
) -> Result<Response, WebError> {
    let actor = super::admin(&viewer)?;
    services::accounts::reject_account(&state, actor, &name).await?;
    Ok(see_other("/admin/accounts"))
}

/// `POST /admin/invites`: shows the new code once, on the accounts page.
pub async fn create_invite(
    State(state): State<AppState>,
    CheckedForm(viewer, EmptyForm {}): CheckedForm<EmptyForm>,
) -> Result<Response, WebError> {
    let actor = super::admin(&viewer)?;
    let code = services::accounts::create_invite(&state, actor).await?;
    page(&state, &viewer, Some(code)).await
}
