use serde::Serialize;

use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// What the token is for, such as "reporting script".
    label: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Shown once. Send as `Authorization: Bearer TOKEN`.
    token: String,
}

/// Creates a long-lived API token for scripts and apps.
#[utoipa::path(post, path = "/auth/tokens", tag = "auth", request_body = CreateTokenRequest,
    responses((status = 201, body = TokenResponse), (status = 401, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<CreateTokenRequest>,
) -> AppResult<(StatusCode, Json<TokenResponse>)> {
    let token = services::accounts::create_api_token(&state, &auth, &req.label).await?;
    Ok((StatusCode::CREATED, Json(TokenResponse { token })))
}
