use crate::api::prelude::*;

/// Approves a request to join. Facilitators only.
#[utoipa::path(post, path = "/communities/{name}/members/{member}/approve", tag = "communities",
    params(("name" = String, Path, description = "Community name"), ("member" = String, Path, description = "Member name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn approve_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((name, member)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    services::communities::decide_request(&state, &auth, &name, &member, true).await?;
    Ok(StatusCode::NO_CONTENT)
}
