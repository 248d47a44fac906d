use crate::api::prelude::*;

/// A blog post's comments, oldest first.
#[utoipa::path(get, path = "/blog/{id}/comments", tag = "blogs",
    params(("id" = i64, Path, description = "Blog post id"), PageParams),
    responses((status = 200, body = Page<BlogCommentView>), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn list_blog_comments(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<Page<BlogCommentView>>> {
    Ok(Json(
        services::blogs::comments(&state, id, params)
            .await?
            .map(Into::into),
    ))
}
