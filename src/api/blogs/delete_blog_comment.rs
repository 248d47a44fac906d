use crate::api::prelude::*;

/// Deletes a comment on a blog post: its author or the blog post's author may.
#[utoipa::path(delete, path = "/blog-comments/{id}", tag = "blogs",
    params(("id" = i64, Path, description = "Blog comment id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_blog_comment(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    services::blogs::delete_comment(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
