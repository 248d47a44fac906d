use crate::api::prelude::*;
use crate::rate_limit::Limit;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUpRequest {
    /// 3 to 30 characters: a-z, 0-9 and _. Shared with community names.
    name: String,
    email: String,
    /// At least 10 characters.
    password: String,
    /// Needed when the instance signs up by invitation.
    invite_code: Option<String>,
    /// Why you want to join; read by admins when accounts need approval.
    application: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignUpResponse {
    member: MemberView,
    /// False while the account waits for an administrator's approval.
    approved: bool,
    /// False while the e-mail address waits to be confirmed by the link sent to it
    /// (only on instances that send e-mail); the account cannot sign in until then.
    email_verified: bool,
}

/// Signs up under the instance's sign-up mode and e-mail domain rules.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = SignUpRequest,
    responses((status = 201, body = SignUpResponse),
        (status = 403, body = ErrorBody, description = "Sign-up closed or e-mail domain not allowed"),
        (status = 409, body = ErrorBody, description = "Name or e-mail taken"),
        (status = 429, body = ErrorBody, description = "Too many sign-ups from this address")))]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<SignUpRequest>,
) -> AppResult<(StatusCode, Json<SignUpResponse>)> {
    state.limiter.check(Limit::SignUp, ip)?;
    let input = services::accounts::SignUp {
        name: req.name,
        email: req.email,
        password: req.password,
        invite_code: req.invite_code,
        application: req.application,
    };
    let account = services::accounts::sign_up(&state, input).await?;
    let body = SignUpResponse {
        member: account.person.into(),
        approved: account.approved,
        email_verified: account.email_verified,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

use serde::Serialize;
