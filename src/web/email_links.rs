//! The pages e-mail links open: confirming an address, asking for a new confirmation
//! link, and turning the digest off.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::{CheckedForm, Viewer};
use super::views::{Errors, query};
use crate::api::extract::ClientIp;
use crate::rate_limit::Limit;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "email_link.html")]
struct EmailLinkPage {
    layout: Layout,
    errors: Errors,
    heading: &'static str,
    message: String,
    /// Offer the form that sends a new confirmation link.
    resend: bool,
    /// Offer the button that turns the digest off, carrying this token.
    unsubscribe: Option<String>,
    sign_in: bool,
}

fn page(
    state: &AppState,
    viewer: &Viewer,
    heading: &'static str,
    message: String,
) -> EmailLinkPage {
    EmailLinkPage {
        layout: Layout::new(state, viewer, heading).in_section("account"),
        errors: Errors::default(),
        heading,
        message,
        resend: false,
        unsubscribe: None,
        sign_in: false,
    }
}

#[derive(Deserialize, Default)]
struct TokenQuery {
    token: Option<String>,
}

/// `GET /verify-email?token=…`: confirms the address the link was sent to.
pub async fn verify_email(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let TokenQuery { token } = query(&uri);
    match services::accounts::verify_email(&state, token.as_deref().unwrap_or("")).await {
        Ok(()) => {
            let mut p = page(
                &state,
                &viewer,
                "Your e-mail address is confirmed",
                "Thank you. You can now sign in.".into(),
            );
            p.sign_in = true;
            Ok(render(&state, &viewer, StatusCode::OK, &p))
        }
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let mut p = page(&state, &viewer, "That link has not worked", e.to_string());
            p.resend = true;
            Ok(render(&state, &viewer, StatusCode::BAD_REQUEST, &p))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ResendForm {
    #[serde(default)]
    login: String,
}

/// `POST /verify-email/resend`
pub async fn resend_verification(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CheckedForm(viewer, form): CheckedForm<ResendForm>,
) -> Result<Response, WebError> {
    state.limiter.check(Limit::SignUp, ip)?;
    services::accounts::resend_verification(&state, &form.login).await?;
    let p = page(
        &state,
        &viewer,
        "Check your e-mail",
        "If an account with that name or address is waiting for confirmation, we have sent it a new link.".into(),
    );
    Ok(render(&state, &viewer, StatusCode::OK, &p))
}

/// `GET /digest/unsubscribe?token=…`: asks before turning the digest off, so that mail
/// scanners following links change nothing.
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let TokenQuery { token } = query(&uri);
    let mut p = page(
        &state,
        &viewer,
        "Stop the e-mail digest",
        "You will get no more digest e-mails. You can turn them on again in your settings.".into(),
    );
    p.unsubscribe = Some(token.unwrap_or_default());
    Ok(render(&state, &viewer, StatusCode::OK, &p))
}

#[derive(Deserialize)]
pub struct UnsubscribeForm {
    #[serde(default)]
    token: String,
}

/// `POST /digest/unsubscribe`
pub async fn unsubscribe(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<UnsubscribeForm>,
) -> Result<Response, WebError> {
    services::digest::unsubscribe(&state, &form.token).await?;
    let p = page(
        &state,
        &viewer,
        "You will get no more digests",
        "The e-mail digest is off. You can turn it on again in your settings.".into(),
    );
    Ok(render(&state, &viewer, StatusCode::OK, &p))
}
