use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::extract::SESSION_COOKIE;
use crate::api::prelude::*;
use crate::rate_limit::Limit;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogInRequest {
    /// Member name or e-mail address.
    login: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LogInResponse {
    /// The session token; also set as an `HttpOnly` cookie. Send as `Authorization: Bearer`.
    token: String,
    name: String,
}

/// Signs in and starts a session (cookie and bearer token).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LogInRequest,
    responses((status = 200, body = LogInResponse),
        (status = 401, body = ErrorBody, description = "Wrong name or password"),
        (status = 403, body = ErrorBody, description = "Account awaiting approval"),
        (status = 429, body = ErrorBody, description = "Too many attempts from this address")))]
pub async fn log_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LogInRequest>,
) -> AppResult<Response> {
    state.limiter.check(Limit::Login, ip)?;
    let (token, actor) = services::accounts::log_in(&state, &req.login, &req.password).await?;
    let secure = if state.config.instance.https {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000{secure}"
    );
    let mut response = Json(LogInResponse {
        token,
        name: actor.name,
    })
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}
