use crate::api::prelude::*;

/// Marks one notification read.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path, description = "Notification id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    services::notifications::mark_read(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
