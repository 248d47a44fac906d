//! Signing out: ends the session and clears its cookie.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::render::{WebError, see_other};
use super::session::{CheckedForm, cookie, set_cookie};
use crate::api::extract::SESSION_COOKIE;
use crate::services;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /logout`
pub async fn log_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm(_, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        services::accounts::log_out(&state, &token).await?;
    }
    let mut response = see_other("/");
    set_cookie(&state, &mut response, SESSION_COOKIE, "", Some(0));
    Ok(response)
}
