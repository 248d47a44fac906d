//! `/admin`: where the administrators' pages start, and the instance settings they may
//! change while it runs: its name, the sign-up mode and the allowed e-mail domains.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::super::render::{Layout, WebError, render, see_other};
use super::super::session::{CheckedForm, Viewer};
use super::super::views::{Errors, FieldError};
use crate::config::SignupMode;
use crate::services::settings::SettingsChange;
use crate::state::AppState;

/// A sign-up mode as the form offers it.
struct ModeChoice {
    value: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    layout: Layout,
    errors: Errors,
    name: String,
    modes: Vec<ModeChoice>,
    domains: String,
    saved: bool,
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    signup_mode: String,
    #[serde(default)]
    domains: String,
}

fn modes(current: SignupMode) -> Vec<ModeChoice> {
    [
        (
            SignupMode::Open,
            "Open",
            "Anyone may sign up and use the account at once.",
        ),
        (
            SignupMode::Approval,
            "Approval",
            "Anyone may apply; an administrator approves each new account.",
        ),
        (
            SignupMode::Invite,
            "Invite",
            "Sign-up needs an invite code from a member.",
        ),
        (
            SignupMode::Closed,
            "Closed",
            "Nobody may sign up; administrators create accounts.",
        ),
    ]
    .into_iter()
    .map(|(mode, label, hint)| ModeChoice {
        value: mode.as_str(),
        label,
        hint,
        checked: mode == current,
    })
    .collect()
}

fn page(
    state: &AppState,
    viewer: &Viewer,
    errors: Errors,
    form: SettingsForm,
    mode: SignupMode,
    saved: bool,
) -> OverviewPage {
    OverviewPage {
        layout: Layout::new(state, viewer, "Administration").in_section("admin"),
        errors,
        name: form.name,
        modes: modes(mode),
        domains: form.domains,
        saved,
    }
}

#[derive(Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /admin`
pub async fn show_admin(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Query(query): axum::extract::Query<Saved>,
) -> Result<Response, WebError> {
    super::admin(&viewer)?;
    let settings = state.settings.current();
    let form = SettingsForm {
        name: settings.name.clone(),
        signup_mode: settings.signup_mode.as_str().to_owned(),
        domains: settings.allowed_email_domains.join("\n"),
    };
    let page = page(
        &state,
        &viewer,
        Errors::default(),
        form,
        settings.signup_mode,
        query.saved.is_some(),
    );
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

/// `POST /admin/settings`: saves the settings; mistakes show on the form.
pub async fn save_settings(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<SettingsForm>,
) -> Result<Response, WebError> {
    let actor = super::admin(&viewer)?;
    let Some(mode) = SignupMode::parse(&form.signup_mode) else {
        let errors = Errors::one(FieldError {
            field: "signup_mode-open",
            message: "Choose how people may sign up".into(),
        });
        let current = state.settings.current().signup_mode;
        let page = page(&state, &viewer, errors, form, current, false);
        return Ok(render(&state, &viewer, StatusCode::BAD_REQUEST, &page));
    };
    let change = SettingsChange {
        name: form.name.clone(),
        signup_mode: mode,
        allowed_email_domains: form.domains.lines().map(str::to_owned).collect(),
    };
    match crate::services::settings::update(&state, actor, change).await {
        Ok(_) => Ok(see_other("/admin?saved=1")),
        Err(e) if e.status().is_client_error() => {
            let field = if e.code() == "invalid_email_domain" {
                "domains"
            } else {
                "name"
            };
            let errors = Errors::one(FieldError::from_app(&e, field));
            let page = page(&state, &viewer, errors, form, mode, false);
            Ok(render(&state, &viewer, e.status(), &page))
        }
        Err(e) => Err(e.into()),
    }
}
