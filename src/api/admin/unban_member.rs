use crate::api::prelude::*;

/// Lifts an instance-wide ban. Admins only.
#[utoipa::path(delete, path = "/admin/bans/{member}", tag = "admin",
    params(("member" = String, Path, description = "A local name, or name@host")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unban_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(member): ApiPath<String>,
) -> AppResult<StatusCode> {
    services::moderation::unban_from_instance(&state, &auth, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}
