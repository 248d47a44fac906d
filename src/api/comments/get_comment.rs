use crate::api::prelude::*;

/// One comment.
#[utoipa::path(get, path = "/comments/{id}", tag = "comments", params(("id" = i64, Path, description = "Comment id")),
    responses((status = 200, body = CommentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_comment(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<CommentView>> {
    Ok(Json(
        services::comments::get(&state, viewer.as_ref(), id)
            .await?
            .into(),
    ))
}
