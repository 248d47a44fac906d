use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmailRequest {
    /// The token from the link in the e-mail.
    token: String,
}

/// Confirms an e-mail address with the token sent at sign-up.
#[utoipa::path(post, path = "/accounts/verify", tag = "accounts", request_body = VerifyEmailRequest,
    responses((status = 204), (status = 400, body = ErrorBody, description = "Unknown or expired token")))]
pub async fn verify_email(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<VerifyEmailRequest>,
) -> AppResult<StatusCode> {
    services::accounts::verify_email(&state, &req.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
