use crate::api::posts::VoteRequest;
use crate::api::prelude::*;

/// Votes on a comment.
#[utoipa::path(post, path = "/comments/{id}/vote", tag = "comments", request_body = VoteRequest, params(("id" = i64, Path, description = "Comment id")),
    responses((status = 200, body = CommentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn vote_comment(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<VoteRequest>,
) -> AppResult<Json<CommentView>> {
    Ok(Json(
        services::comments::vote(&state, &auth, id, req.score)
            .await?
            .into(),
    ))
}
