//! The first-run page where the first visitor with the one-time link creates the admin.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::{CheckedForm, Viewer};
use super::views::{Errors, FieldError};
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    errors: Errors,
    token: String,
    name: String,
    email: String,
    /// The administrator was created: say so instead of showing the form.
    done: bool,
}

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    #[serde(default)]
    token: Option<String>,
}

/// `GET /setup?token=…`
pub async fn setup_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: axum::http::Uri,
) -> Response {
    let token = super::views::query::<TokenQuery>(&uri)
        .token
        .unwrap_or_default();
    let page = SetupPage {
        layout: Layout::new(&state, &viewer, "Create the administrator").in_section("account"),
        errors: Errors::default(),
        token,
        name: String::new(),
        email: String::new(),
        done: false,
    };
    render(&state, &viewer, StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /setup`: the one-time token and the CSRF token both must hold.
pub async fn submit_setup(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<SetupForm>,
) -> Result<Response, WebError> {
    let outcome =
        services::setup::complete(&state, &form.token, &form.name, &form.email, &form.password)
            .await;
    let (status, errors, done) = match outcome {
        Ok(()) => (StatusCode::OK, Errors::default(), true),
        Err(e) if e.status().is_client_error() => {
            let field = if e.code() == "invalid_setup_token" {
                FieldError {
                    field: "token",
                    message: super::render::upper_first(&e.to_string()),
                }
            } else {
                FieldError::from_app(&e, "name")
            };
            (e.status(), Errors::one(field), false)
        }
        Err(e) => return Err(e.into()),
    };
    let title = if done {
        "Administrator created"
    } else {
        "Create the administrator"
    };
    let page = SetupPage {
        layout: Layout::new(&state, &viewer, title).in_section("account"),
        errors,
        token: form.token,
        name: form.name,
        email: form.email,
        done,
    };
    Ok(render(&state, &viewer, status, &page))
}
