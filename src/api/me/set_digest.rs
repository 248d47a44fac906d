use serde::Serialize;

use crate::api::prelude::*;
use crate::services::digest::Frequency;

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestSetting {
    /// `off`, `daily` or `weekly`. Sent only when the instance has e-mail set up.
    digest: Frequency,
}

/// How often the signed-in member gets the e-mail digest.
#[utoipa::path(get, path = "/me/digest", tag = "me",
    responses((status = 200, body = DigestSetting), (status = 401, body = ErrorBody)))]
pub async fn get_digest(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<DigestSetting>> {
    let digest = services::digest::frequency(&state, &auth).await?;
    Ok(Json(DigestSetting { digest }))
}

/// Sets how often the signed-in member gets the e-mail digest of their communities.
#[utoipa::path(put, path = "/me/digest", tag = "me", request_body = DigestSetting,
    responses((status = 200, body = DigestSetting), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn set_digest(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<DigestSetting>,
) -> AppResult<Json<DigestSetting>> {
    services::digest::set_frequency(&state, &auth, req.digest).await?;
    Ok(Json(req))
}
