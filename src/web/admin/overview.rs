//! `/admin`: where the administrators' pages start, and the sign-up rules the
//! configuration file sets.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::super::render::{Layout, WebError, render};
use super::super::session::Viewer;
use crate::config::SignupMode;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    layout: Layout,
    signup_mode: &'static str,
    email_domains: Vec<String>,
}

/// How the sign-up mode reads on the page.
pub fn signup_mode_text(mode: SignupMode) -> &'static str {
    match mode {
        SignupMode::Open => "Open: anyone may sign up and use the account at once",
        SignupMode::Approval => "Approval: an administrator approves each new account",
        SignupMode::Invite => "Invite: sign-up needs an invite code",
        SignupMode::Closed => "Closed: nobody may sign up",
    }
}

/// `GET /admin`
pub async fn show_admin(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    super::admin(&viewer)?;
    let registration = &state.config.registration;
    let page = OverviewPage {
        layout: Layout::new(&state, &viewer, "Administration").in_section("admin"),
        signup_mode: signup_mode_text(registration.mode),
        email_domains: registration.allowed_email_domains.clone(),
    };
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}
