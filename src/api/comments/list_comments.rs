use crate::api::prelude::*;

/// A thread's comments, oldest first; build the tree from `parent_id`.
#[utoipa::path(get, path = "/posts/{id}/comments", tag = "comments",
    params(("id" = i64, Path, description = "Thread id"), PageParams),
    responses((status = 200, body = Page<CommentView>), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn list_comments(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<Page<CommentView>>> {
    Ok(Json(
        services::comments::list(&state, viewer.as_ref(), id, params)
            .await?
            .map(Into::into),
    ))
}
