use crate::api::prelude::*;

/// A library document and its current version.
#[utoipa::path(get, path = "/documents/{id}", tag = "library", params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, body = DocumentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn get_document(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<DocumentView>> {
    Ok(Json(
        services::library::get(&state, viewer.as_ref(), id)
            .await?
            .into(),
    ))
}
