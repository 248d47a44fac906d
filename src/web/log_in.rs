//! Signing in: opens the same session the JSON API uses, in an `HttpOnly` cookie.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer, set_cookie};
use super::views::{Errors, FieldError};
use crate::api::extract::{ClientIp, SESSION_COOKIE};
use crate::rate_limit::Limit;
use crate::services;
use crate::state::AppState;

/// How long the session cookie lasts, as the session itself: 30 days.
const SESSION_SECONDS: i64 = 30 * 24 * 3600;

#[derive(Template)]
#[template(path = "log_in.html")]
struct LogInPage {
    layout: Layout,
    errors: Errors,
    login: String,
}

#[derive(Deserialize)]
pub struct LogInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

/// `GET /login`
pub async fn log_in_form(State(state): State<AppState>, viewer: Viewer) -> Response {
    if viewer.actor.is_some() {
        return see_other("/");
    }
    let page = LogInPage {
        layout: Layout::new(&state, &viewer, "Sign in").in_section("account"),
        errors: Errors::default(),
        login: String::new(),
    };
    render(&state, &viewer, StatusCode::OK, &page)
}

/// `POST /login`: a wrong name and a wrong password get the same message.
pub async fn submit_log_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CheckedForm(viewer, form): CheckedForm<LogInForm>,
) -> Result<Response, WebError> {
    state.limiter.check(Limit::Login, ip)?;
    match services::accounts::log_in(&state, &form.login, &form.password).await {
        Ok((token, _)) => {
            let mut response = see_other("/");
            set_cookie(
                &state,
                &mut response,
                SESSION_COOKIE,
                &token,
                Some(SESSION_SECONDS),
            );
            Ok(response)
        }
        Err(e) if e.status().is_client_error() => {
            let page = LogInPage {
                layout: Layout::new(&state, &viewer, "Sign in").in_section("account"),
                errors: Errors::one(FieldError::from_app(&e, "login")),
                login: form.login,
            };
            Ok(render(&state, &viewer, e.status(), &page))
        }
        Err(e) => Err(e.into()),
    }
}
