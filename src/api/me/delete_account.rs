//! `DELETE /me`: a member deletes their own account.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::api::extract::SESSION_COOKIE;
use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountRequest {
    /// The account's current password, to confirm.
    password: String,
}

/// Deletes your account: your threads and comments are marked deleted, your profile is
/// blanked, your e-mail address is freed and your name stays reserved. The only
/// facilitator of a community with other members must hand it over first.
#[utoipa::path(delete, path = "/me", tag = "me", request_body = DeleteAccountRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete_account(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<DeleteAccountRequest>,
) -> AppResult<Response> {
    services::accounts::delete_account(&state, &auth, &req.password).await?;
    // A browser's session died with the account; stop it sending the cookie.
    let mut response = StatusCode::NO_CONTENT.into_response();
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}
