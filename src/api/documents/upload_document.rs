use crate::api::extract::{ApiMultipart, read_upload};
use crate::api::prelude::*;

/// Shares a document in a community's library; it starts a thread for discussing it.
#[utoipa::path(post, path = "/communities/{name}/documents", tag = "library",
    request_body(content = super::UploadDocumentForm, content_type = "multipart/form-data"),
    params(("name" = String, Path, description = "Community name")),
    responses((status = 201, body = DocumentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "Larger than `limits.upload_max_bytes` (`too_large`)", body = ErrorBody),
        (status = 415, description = "A type the library does not take (`unsupported_type`)", body = ErrorBody)))]
pub async fn upload_document(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    multipart: ApiMultipart,
) -> AppResult<(StatusCode, Json<DocumentView>)> {
    let mut form = read_upload(multipart, &state).await?;
    let file = form.take_file()?;
    let input = services::library::DocumentInput {
        title: form.text("title").unwrap_or_default().to_owned(),
        description: form.text("description").unwrap_or_default().to_owned(),
        folder_id: super::folder_field(form.text("folder_id"))?,
    };
    let document = services::library::create(&state, &auth, &name, input, file).await?;
    Ok((StatusCode::CREATED, Json(document.into())))
}
