use crate::api::extract::{ApiMultipart, read_upload};
use crate::api::prelude::*;

/// Uploads a new version of a document: it becomes the current one, and the earlier
/// versions stay. The member who shared it, or a facilitator, may.
#[utoipa::path(post, path = "/documents/{id}/versions", tag = "library",
    request_body(content = super::UploadVersionForm, content_type = "multipart/form-data"),
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 201, body = DocumentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn upload_version(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    multipart: ApiMultipart,
) -> AppResult<(StatusCode, Json<DocumentView>)> {
    let mut form = read_upload(multipart, &state).await?;
    let file = form.take_file()?;
    let document = services::library::add_version(&state, &auth, id, file).await?;
    Ok((StatusCode::CREATED, Json(document.into())))
}
