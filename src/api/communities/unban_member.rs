use crate::api::prelude::*;

/// Lifts a ban. Facilitators only.
#[utoipa::path(delete, path = "/communities/{name}/bans/{member}", tag = "communities",
    params(("name" = String, Path, description = "Community name"), ("member" = String, Path, description = "Member name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unban_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((name, member)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    services::communities::unban(&state, &auth, &name, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}
