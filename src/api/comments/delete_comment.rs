use crate::api::prelude::*;

/// Deletes a comment. Its author only; replies to it stay.
#[utoipa::path(delete, path = "/comments/{id}", tag = "comments", params(("id" = i64, Path, description = "Comment id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn delete_comment(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    services::comments::delete(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
