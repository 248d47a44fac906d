//! `/admin/federation`: the configured federation policy, and the peers allowed or
//! blocked at run time.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::super::render::{Layout, WebError, render, see_other};
use super::super::session::{CheckedForm, Viewer};
use super::super::views::{Errors, FieldError, Time};
use crate::config::FederationPolicy;
use crate::services;
use crate::services::policy::PeerState;
use crate::state::AppState;

/// A run-time entry as the page lists it.
struct PeerView {
    domain: String,
    state: &'static str,
    added: Time,
    /// What the policy as a whole does with it, when it names one server.
    effect: &'static str,
}

/// How deliveries to one peer are going, as the page shows it.
struct DeliveryView {
    host: String,
    software: String,
    health: &'static str,
    failing_since: Option<Time>,
    last_success: Option<Time>,
    pending: i64,
    last_error: String,
}

#[derive(Template)]
#[template(path = "admin/federation.html")]
struct FederationPage {
    layout: Layout,
    errors: Errors,
    policy: &'static str,
    configured: Vec<String>,
    entries: Vec<PeerView>,
    deliveries: Vec<DeliveryView>,
    domain: String,
}

#[derive(Deserialize)]
pub struct PeerForm {
    #[serde(default)]
    domain: String,
    #[serde(default)]
    state: String,
}

fn policy_text(policy: FederationPolicy) -> &'static str {
    match policy {
        FederationPolicy::Open => "Open: every server except those blocked here",
        FederationPolicy::Blocklist => {
            "Block-list: every server except those listed below or blocked here"
        }
        FederationPolicy::Allowlist => "Allow-list: only servers listed below or allowed here",
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    errors: Errors,
    domain: String,
) -> Result<Response, WebError> {
    // Never `None` here: to the service that means the command line, which may do anything.
    let actor = super::admin(viewer)?;
    let list = services::policy::list_peers(state, Some(actor)).await?;
    let deliveries = services::delivery::peer_deliveries(state, actor).await?;
    let page = FederationPage {
        layout: Layout::new(state, viewer, "Federation").in_section("admin"),
        errors,
        policy: policy_text(list.policy),
        configured: list.configured,
        entries: list
            .entries
            .into_iter()
            .map(|e| PeerView {
                domain: e.domain,
                state: e.state.as_str(),
                added: Time::new(e.created_at),
                effect: match e.federates {
                    Some(true) => "federates",
                    Some(false) => "does not federate",
                    None => "pattern",
                },
            })
            .collect(),
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryView {
                host: d.host,
                software: d.software.unwrap_or_default(),
                health: d.health.as_str(),
                failing_since: d.failing_since.map(Time::new),
                last_success: d.last_success_at.map(Time::new),
                pending: d.pending,
                last_error: d.last_error.unwrap_or_default(),
            })
            .collect(),
        domain,
    };
    Ok(render(state, viewer, status, &page))
}

/// `GET /admin/federation`
pub async fn show_federation(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    super::admin(&viewer)?;
    page(
        &state,
        &viewer,
        StatusCode::OK,
        Errors::default(),
        String::new(),
    )
    .await
}

/// `POST /admin/federation`: allows or blocks a domain; a bad one shows on the form.
pub async fn set_peer(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<PeerForm>,
) -> Result<Response, WebError> {
    let actor = super::admin(&viewer)?;
    let peer_state = match form.state.as_str() {
        "allowed" => PeerState::Allowed,
        "blocked" => PeerState::Blocked,
        _ => return Err(WebError::BadForm),
    };
    match services::policy::set_peer(&state, Some(actor), form.domain.trim(), peer_state).await {
        Ok(_) => Ok(see_other("/admin/federation")),
        Err(e) if e.status().is_client_error() => {
            let errors = Errors::one(FieldError::from_app(&e, "domain"));
            page(&state, &viewer, e.status(), errors, form.domain).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/federation/remove`: the configured policy alone decides about it again.
pub async fn remove_peer(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<PeerForm>,
) -> Result<Response, WebError> {
    let actor = super::admin(&viewer)?;
    services::policy::remove_peer(&state, Some(actor), &form.domain).await?;
    Ok(see_other("/admin/federation"))
}
