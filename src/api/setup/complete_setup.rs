use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// The token from the one-time link the server logged at start-up.
    token: String,
    name: String,
    email: String,
    password: String,
}

/// Creates the first administrator with the one-time set-up token.
#[utoipa::path(post, path = "/setup", tag = "setup", request_body = SetupRequest,
    responses((status = 204, description = "The admin account exists; sign in"),
        (status = 403, body = ErrorBody, description = "The token is wrong or used")))]
pub async fn complete_setup(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SetupRequest>,
) -> AppResult<StatusCode> {
    services::setup::complete(&state, &req.token, &req.name, &req.email, &req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
