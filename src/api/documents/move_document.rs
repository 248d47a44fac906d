use crate::api::prelude::*;

/// Files a document in another folder, or (`null`) at the top of the library.
#[utoipa::path(patch, path = "/documents/{id}", tag = "library", request_body = super::MoveDocumentRequest,
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, body = DocumentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn move_document(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<super::MoveDocumentRequest>,
) -> AppResult<Json<DocumentView>> {
    let document = services::library::move_to(&state, &auth, id, req.folder_id).await?;
    Ok(Json(document.into()))
}
