use crate::api::prelude::*;

/// Leaves a community, or withdraws a request to join.
#[utoipa::path(post, path = "/communities/{name}/leave", tag = "communities",
    params(("name" = String, Path, description = "Community name")),
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn leave_community(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
) -> AppResult<StatusCode> {
    services::communities::leave(&state, &auth, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
