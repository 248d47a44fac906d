use crate::api::prelude::*;

/// Deletes a thread. Its author only.
#[utoipa::path(delete, path = "/posts/{id}", tag = "posts", params(("id" = i64, Path, description = "Thread id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn delete_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    services::posts::delete(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
