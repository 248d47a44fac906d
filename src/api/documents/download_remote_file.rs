use axum::response::Response;

use crate::api::prelude::*;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoteFileParams {
    /// The file's address on the community's own server, as its thread links it:
    /// `https://host/c/{name}/files/{id}/v/{version}`.
    url: String,
}

/// Downloads a file from the library of a private community on another server, which
/// gives its files to its members only. You must be an accepted member; the request goes
/// to the community's server signed as you, and that server decides. Threads of such
/// communities link their files here (`/remote-file?url=…` on the web).
#[utoipa::path(get, path = "/remote-file", tag = "library",
    params(RemoteFileParams),
    responses((status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn download_remote_file(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<RemoteFileParams>,
) -> AppResult<Response> {
    let response = services::remote_files::fetch(&state, &auth, &params.url).await?;
    Ok(super::remote_file_response(response))
}
