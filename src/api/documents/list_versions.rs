use crate::api::prelude::*;

/// Every version of a document, newest first.
#[utoipa::path(get, path = "/documents/{id}/versions", tag = "library",
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, body = Vec<VersionView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_versions(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<VersionView>>> {
    let (_, versions) = services::library::versions(&state, viewer.as_ref(), id).await?;
    Ok(Json(versions.into_iter().map(Into::into).collect()))
}
