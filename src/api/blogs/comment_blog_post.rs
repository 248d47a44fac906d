use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlogCommentRequest {
    /// Markdown.
    body: String,
}

/// Comments on a blog post; its author is notified.
#[utoipa::path(post, path = "/blog/{id}/comments", tag = "blogs", request_body = BlogCommentRequest,
    params(("id" = i64, Path, description = "Blog post id")),
    responses((status = 201, body = BlogCommentView), (status = 401, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn comment_blog_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<BlogCommentRequest>,
) -> AppResult<(StatusCode, Json<BlogCommentView>)> {
    let comment = services::blogs::comment(&state, &auth, id, &req.body).await?;
    Ok((StatusCode::CREATED, Json(comment.into())))
}
