use crate::api::prelude::*;
use crate::db::documents::InFolder;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentsQuery {
    /// A folder's id for the documents in it, `top` for those in no folder; all when absent.
    folder: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// A community's library: its folders, and its documents, newest first.
#[utoipa::path(get, path = "/communities/{name}/documents", tag = "library",
    params(("name" = String, Path, description = "Community name"), DocumentsQuery),
    responses((status = 200, body = LibraryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_documents(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<DocumentsQuery>,
) -> AppResult<Json<LibraryView>> {
    let folder = match q.folder.as_deref() {
        None | Some("") => InFolder::Any,
        Some("top") => InFolder::Top,
        Some(id) => InFolder::Folder(super::folder_field(Some(id))?.unwrap_or_default()),
    };
    let params = PageParams {
        cursor: q.cursor,
        limit: q.limit,
    };
    let (folders, page) =
        services::library::list(&state, viewer.as_ref(), &name, folder, params).await?;
    Ok(Json(LibraryView {
        folders: folders.into_iter().map(Into::into).collect(),
        documents: page.map(Into::into),
    }))
}
