//! Creating an account, under the instance's sign-up mode and e-mail domain rules.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::{CheckedForm, Viewer};
use super::views::{Errors, FieldError};
use crate::api::extract::ClientIp;
use crate::rate_limit::Limit;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpPage {
    layout: Layout,
    errors: Errors,
    mode: &'static str,
    domains: String,
    name: String,
    email: String,
    invite_code: String,
    application: String,
    done: Option<Done>,
}

struct Done {
    heading: &'static str,
    message: &'static str,
    ready: bool,
}

#[derive(Deserialize, Default)]
pub struct SignUpForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    invite_code: Option<String>,
    application: Option<String>,
}

fn page(
    state: &AppState,
    viewer: &Viewer,
    form: SignUpForm,
    errors: Errors,
    done: Option<Done>,
) -> SignUpPage {
    let rules = state.settings.current();
    SignUpPage {
        layout: Layout::new(state, viewer, "Create an account").in_section("account"),
        errors,
        mode: rules.signup_mode.as_str(),
        domains: rules.allowed_email_domains.join(", "),
        name: form.name,
        email: form.email,
        invite_code: form.invite_code.unwrap_or_default(),
        application: form.application.unwrap_or_default(),
        done,
    }
}

/// `GET /signup`
pub async fn sign_up_form(State(state): State<AppState>, viewer: Viewer) -> Response {
    let page = page(
        &state,
        &viewer,
        SignUpForm::default(),
        Errors::default(),
        None,
    );
    render(&state, &viewer, StatusCode::OK, &page)
}

/// `POST /signup`
pub async fn submit_sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CheckedForm(viewer, form): CheckedForm<SignUpForm>,
) -> Result<Response, WebError> {
    state.limiter.check(Limit::SignUp, ip)?;
    let input = services::accounts::SignUp {
        name: form.name.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        invite_code: form.invite_code.clone(),
        application: form.application.clone(),
    };
    match services::accounts::sign_up(&state, input).await {
        Ok(account) => {
            let done = if !account.email_verified {
                Done {
                    heading: "Check your e-mail",
                    message: "We have sent you a link to confirm your e-mail address. Follow it, then sign in. The link works for 48 hours.",
                    ready: false,
                }
            } else if account.approved {
                Done {
                    heading: "Your account is ready",
                    message: "You can now sign in.",
                    ready: true,
                }
            } else {
                Done {
                    heading: "Application received",
                    message: "An administrator will look at your application. You can sign in once they approve it.",
                    ready: false,
                }
            };
            let page = page(
                &state,
                &viewer,
                SignUpForm::default(),
                Errors::default(),
                Some(done),
            );
            Ok(render(&state, &viewer, StatusCode::CREATED, &page))
        }
        Err(e) if e.status().is_client_error() => {
            let errors = Errors::one(FieldError::from_app(&e, "name"));
            let page = page(&state, &viewer, form, errors, None);
            Ok(render(&state, &viewer, e.status(), &page))
        }
        Err(e) => Err(e.into()),
    }
}
