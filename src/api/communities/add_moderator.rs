use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddModeratorRequest {
    /// The member to make a facilitator.
    member: String,
}

/// Makes a member a facilitator. Facilitators only.
#[utoipa::path(post, path = "/communities/{name}/moderators", tag = "communities", request_body = AddModeratorRequest,
    params(("name" = String, Path, description = "Community name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_moderator(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<AddModeratorRequest>,
) -> AppResult<StatusCode> {
    services::communities::add_moderator(&state, &auth, &name, &req.member).await?;
    Ok(StatusCode::NO_CONTENT)
}
