use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBlogPostRequest {
    title: Option<String>,
    /// Markdown.
    body: Option<String>,
}

/// Edits a blog post; only its author may.
#[utoipa::path(patch, path = "/blog/{id}", tag = "blogs", request_body = EditBlogPostRequest,
    params(("id" = i64, Path, description = "Blog post id")),
    responses((status = 200, body = BlogPostView), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn edit_blog_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EditBlogPostRequest>,
) -> AppResult<Json<BlogPostView>> {
    let post =
        services::blogs::edit(&state, &auth, id, req.title.as_deref(), req.body.as_deref()).await?;
    Ok(Json(post.into()))
}
