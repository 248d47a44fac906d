use crate::api::prelude::*;

/// One blog post.
#[utoipa::path(get, path = "/blog/{id}", tag = "blogs",
    params(("id" = i64, Path, description = "Blog post id")),
    responses((status = 200, body = BlogPostView), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn get_blog_post(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<BlogPostView>> {
    Ok(Json(services::blogs::get(&state, id).await?.into()))
}
