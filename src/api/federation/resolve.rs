use activitypub_federation::config::Data;

use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// `!name@host`, `name@host`, or the community's URL.
    query: String,
}

/// Finds a community on another server, fetching it if it is new here. Join it with
/// `POST /communities/{name@host}/join`.
#[utoipa::path(post, path = "/resolve", tag = "federation", request_body = ResolveRequest,
    responses((status = 200, body = CommunityView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    data: Data<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> AppResult<Json<CommunityView>> {
    let community = services::federation::resolve_community(&data, &req.query).await?;
    let handle = match &community.domain {
        Some(domain) => format!("{}@{domain}", community.name),
        None => community.name.clone(),
    };
    Ok(Json(
        services::communities::get(&state, Some(&auth), &handle)
            .await?
            .into(),
    ))
}
