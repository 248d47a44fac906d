use crate::api::prelude::*;

/// Takes a document out of the library with its thread: the member who shared it
/// deletes it; a facilitator removes it (recorded in the moderation log).
#[utoipa::path(delete, path = "/documents/{id}", tag = "library", params(("id" = i64, Path, description = "Document id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn delete_document(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    services::library::delete(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
