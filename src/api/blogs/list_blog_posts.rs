use crate::api::prelude::*;

/// A member's blog posts, newest first.
#[utoipa::path(get, path = "/members/{name}/blog", tag = "blogs",
    params(("name" = String, Path, description = "Member name"), PageParams),
    responses((status = 200, body = Page<BlogPostView>), (status = 404, body = ErrorBody)))]
pub async fn list_blog_posts(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<Page<BlogPostView>>> {
    let (author, page) = services::blogs::list(&state, &name, params).await?;
    Ok(Json(
        page.map(|post| BlogPostView::new(post, author.clone())),
    ))
}
