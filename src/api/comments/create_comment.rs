use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommentRequest {
    /// Markdown.
    body: String,
    /// The comment this replies to; absent to reply to the thread.
    parent_id: Option<i64>,
}

/// Replies to a thread or to a comment in it.
#[utoipa::path(post, path = "/posts/{id}/comments", tag = "comments", request_body = CreateCommentRequest,
    params(("id" = i64, Path, description = "Thread id")),
    responses((status = 201, body = CommentView), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn create_comment(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CreateCommentRequest>,
) -> AppResult<(StatusCode, Json<CommentView>)> {
    let comment = services::comments::create(&state, &auth, id, req.parent_id, &req.body).await?;
    Ok((StatusCode::CREATED, Json(comment.into())))
}
