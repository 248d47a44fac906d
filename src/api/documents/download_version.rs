use axum::http::HeaderMap;
use axum::response::Response;

use crate::api::prelude::*;

/// Downloads one version of a document, as an attachment of the type read from its
/// contents, with its SHA-256 as the `ETag`.
#[utoipa::path(get, path = "/documents/{id}/versions/{version}/file", tag = "library",
    params(("id" = i64, Path, description = "Document id"), ("version" = i32, Path, description = "Version number, from 1")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 304, description = "Unchanged since the `ETag` given"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn download_version(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath((id, version)): ApiPath<(i64, i32)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let reader = services::library::Reader::Member(viewer);
    let (found, body) = services::library::download(&state, reader, None, id, version).await?;
    Ok(super::file_response(&found, body, &headers))
}
