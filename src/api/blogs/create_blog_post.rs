use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlogPostRequest {
    title: String,
    /// Markdown.
    body: String,
}

/// Publishes a blog post on the signed-in member's profile; it federates as an `Article`.
#[utoipa::path(post, path = "/blog", tag = "blogs", request_body = BlogPostRequest,
    responses((status = 201, body = BlogPostView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn create_blog_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<BlogPostRequest>,
) -> AppResult<(StatusCode, Json<BlogPostView>)> {
    let post = services::blogs::create(&state, &auth, &req.title, &req.body).await?;
    Ok((StatusCode::CREATED, Json(post.into())))
}
