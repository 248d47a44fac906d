use crate::api::prelude::*;

/// Rejects a request to join. Facilitators only.
#[utoipa::path(post, path = "/communities/{name}/members/{member}/reject", tag = "communities",
    params(("name" = String, Path, description = "Community name"), ("member" = String, Path, description = "Member name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reject_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((name, member)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    services::communities::decide_request(&state, &auth, &name, &member, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
