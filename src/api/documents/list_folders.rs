use crate::api::prelude::*;

/// A community library's folders, by name.
#[utoipa::path(get, path = "/communities/{name}/folders", tag = "library",
    params(("name" = String, Path, description = "Community name")),
    responses((status = 200, body = Vec<FolderView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_folders(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(name): ApiPath<String>,
) -> AppResult<Json<Vec<FolderView>>> {
    let folders = services::library::folders(&state, viewer.as_ref(), &name).await?;
    Ok(Json(folders.into_iter().map(Into::into).collect()))
}
