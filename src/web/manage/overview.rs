//! `/c/{name}/manage`: where a community's facilitators start, with what is waiting for
//! them and the community's settings.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::super::render::{Layout, WebError, render, see_other};
use super::super::session::{CheckedForm, Viewer};
use super::super::views::{CommunityView, Errors, FieldError};
use crate::pagination::PageParams;
use crate::services;
use crate::services::communities::CommunityEdit;
use crate::state::AppState;
use crate::types::{MembershipState, Visibility};

/// A visibility as the form offers it.
struct VisibilityChoice {
    value: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "manage/overview.html")]
struct OverviewPage {
    layout: Layout,
    community: CommunityView,
    current: &'static str,
    errors: Errors,
    saved: bool,
    /// Join requests and open reports waiting, up to a page of each.
    pending: usize,
    reports: usize,
    title: String,
    description: String,
    visibilities: Vec<VisibilityChoice>,
    posting_restricted: bool,
    microblog_comments: bool,
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    visibility: String,
    /// Checkboxes: present when ticked.
    posting_restricted: Option<String>,
    microblog_comments: Option<String>,
}

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

fn visibilities(current: &str) -> Vec<VisibilityChoice> {
    [
        (
            "public",
            "Public",
            "Anyone can read it; members join at once.",
        ),
        (
            "restricted",
            "Restricted",
            "Anyone can read it; a facilitator approves each member.",
        ),
        (
            "private",
            "Private",
            "Only approved members can read it; a facilitator approves each member.",
        ),
    ]
    .into_iter()
    .map(|(value, label, hint)| VisibilityChoice {
        value,
        label,
        hint,
        checked: value == current,
    })
    .collect()
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    status: StatusCode,
    errors: Errors,
    form: Option<SettingsForm>,
    saved: bool,
) -> Result<Response, WebError> {
    let (actor, d) = super::facilitator(state, viewer, name).await?;
    let first = || PageParams {
        cursor: None,
        limit: Some(100),
    };
    let pending =
        services::communities::members(state, Some(actor), name, MembershipState::Pending, first())
            .await?;
    let reports = services::moderation::reports(state, actor, name, false, first()).await?;
    let c = &d.community;
    let form = form.unwrap_or_else(|| SettingsForm {
        title: c.title.clone(),
        description: c.description.clone(),
        visibility: c.visibility.clone(),
        posting_restricted: c.posting_restricted.then(String::new),
        microblog_comments: c.microblog_comments.then(String::new),
    });
    let page = OverviewPage {
        layout: Layout::new(state, viewer, format!("Manage {}", c.title)).in_section("communities"),
        community: CommunityView::new(c),
        current: "overview",
        errors,
        saved,
        pending: pending.items.len(),
        reports: reports.items.len(),
        visibilities: visibilities(&form.visibility),
        title: form.title,
        description: form.description,
        posting_restricted: form.posting_restricted.is_some(),
        microblog_comments: form.microblog_comments.is_some(),
    };
    Ok(render(state, viewer, status, &page))
}

/// `GET /c/{name}/manage`
pub async fn show_manage(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<Saved>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let saved = query.saved.is_some();
    page(
        &state,
        &viewer,
        &name,
        StatusCode::OK,
        Errors::default(),
        None,
        saved,
    )
    .await
}

/// `POST /c/{name}/manage`: saves the settings; a refusal shows on the form.
pub async fn save_community(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<SettingsForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let visibility = match form.visibility.as_str() {
        "public" => Some(Visibility::Public),
        "restricted" => Some(Visibility::Restricted),
        "private" => Some(Visibility::Private),
        _ => None,
    };
    let Some(visibility) = visibility else {
        let error = FieldError {
            field: "visibility-public",
            message: "Choose who can see the community".to_owned(),
        };
        let status = StatusCode::BAD_REQUEST;
        return page(
            &state,
            &viewer,
            &name,
            status,
            Errors::one(error),
            Some(form),
            false,
        )
        .await;
    };
    let edit = CommunityEdit {
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        visibility: Some(visibility),
        posting_restricted: Some(form.posting_restricted.is_some()),
        microblog_comments: Some(form.microblog_comments.is_some()),
    };
    match services::communities::update(&state, actor, &name, edit).await {
        Ok(_) => Ok(see_other(&format!("{}?saved=1", super::home(&name)))),
        Err(e) if e.status().is_client_error() && e.status() != StatusCode::FORBIDDEN => {
            let errors = Errors::one(FieldError::from_app(&e, "title"));
            page(
                &state,
                &viewer,
                &name,
                e.status(),
                errors,
                Some(form),
                false,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
