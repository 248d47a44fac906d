use crate::api::prelude::*;
use crate::rate_limit::Limit;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    /// The account's name or e-mail address.
    login: String,
}

/// Sends a new confirmation link to an account still waiting for one. The answer is
/// the same whether or not such an account exists.
#[utoipa::path(post, path = "/accounts/verify/resend", tag = "accounts", request_body = ResendRequest,
    responses((status = 202), (status = 429, body = ErrorBody)))]
pub async fn resend_verification(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<ResendRequest>,
) -> AppResult<StatusCode> {
    state.limiter.check(Limit::SignUp, ip)?;
    services::accounts::resend_verification(&state, &req.login).await?;
    Ok(StatusCode::ACCEPTED)
}
