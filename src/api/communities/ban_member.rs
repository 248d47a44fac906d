use chrono::{DateTime, Utc};

use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BanRequest {
    member: String,
    reason: String,
    /// When the ban ends; absent for a permanent ban.
    expires_at: Option<DateTime<Utc>>,
}

/// Bans a member from the community. Facilitators only.
#[utoipa::path(post, path = "/communities/{name}/bans", tag = "communities", request_body = BanRequest,
    params(("name" = String, Path, description = "Community name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ban_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<BanRequest>,
) -> AppResult<StatusCode> {
    let expires = req.expires_at.map(|t| t.naive_utc());
    services::communities::ban(&state, &auth, &name, &req.member, &req.reason, expires).await?;
    Ok(StatusCode::NO_CONTENT)
}
