use crate::api::prelude::*;

/// Stops a member facilitating; the last facilitator cannot be removed. Facilitators only.
#[utoipa::path(delete, path = "/communities/{name}/moderators/{member}", tag = "communities",
    params(("name" = String, Path, description = "Community name"), ("member" = String, Path, description = "Member name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_moderator(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((name, member)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    services::communities::remove_moderator(&state, &auth, &name, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}
