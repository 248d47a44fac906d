use crate::api::prelude::*;

/// Adds a folder to a community's library, at the top or inside another folder.
#[utoipa::path(post, path = "/communities/{name}/folders", tag = "library", request_body = super::CreateFolderRequest,
    params(("name" = String, Path, description = "Community name")),
    responses((status = 201, body = FolderView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_folder(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<super::CreateFolderRequest>,
) -> AppResult<(StatusCode, Json<FolderView>)> {
    let folder =
        services::library::create_folder(&state, &auth, &name, &req.name, req.parent_id).await?;
    Ok((StatusCode::CREATED, Json(folder.into())))
}
