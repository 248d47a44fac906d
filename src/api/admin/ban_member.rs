use chrono::{DateTime, Utc};

use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceBanRequest {
    /// A local name, or `name@host` for someone from another server.
    member: String,
    reason: String,
    /// When the ban ends; absent for a permanent ban.
    expires_at: Option<DateTime<Utc>>,
}

/// Bans a person from the whole instance: they take part in no community here. A local
/// member is signed out and cannot sign in, and the servers that hold their content hear
/// of the ban. Admins only.
#[utoipa::path(post, path = "/admin/bans", tag = "admin", request_body = InstanceBanRequest,
    responses((status = 201, body = BanView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ban_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<InstanceBanRequest>,
) -> AppResult<(StatusCode, Json<BanView>)> {
    let expires = req.expires_at.map(|t| t.naive_utc());
    let ban =
        services::moderation::ban_from_instance(&state, &auth, &req.member, &req.reason, expires)
            .await?;
    Ok((StatusCode::CREATED, Json(ban.into())))
}
