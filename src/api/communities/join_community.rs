use serde::Serialize;

use crate::api::prelude::*;
use crate::types::MembershipState;

#[derive(Serialize, ToSchema)]
pub struct MembershipResponse {
    /// `accepted`, or `pending` until a facilitator approves.
    state: MembershipState,
}

/// Joins a community: at once if it is public, otherwise as a request to its facilitators.
#[utoipa::path(post, path = "/communities/{name}/join", tag = "communities",
    params(("name" = String, Path, description = "Community name")),
    responses((status = 200, body = MembershipResponse), (status = 403, body = ErrorBody)))]
pub async fn join_community(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
) -> AppResult<Json<MembershipResponse>> {
    let state = services::communities::join(&state, &auth, &name).await?;
    Ok(Json(MembershipResponse { state }))
}
