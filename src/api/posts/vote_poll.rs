use super::PollVoteRequest;
use crate::api::prelude::*;

/// Votes in a thread's poll, replacing the viewer's earlier vote (final on polls from
/// other servers).
#[utoipa::path(post, path = "/posts/{id}/poll", tag = "posts", request_body = PollVoteRequest, params(("id" = i64, Path, description = "Thread id")),
    responses((status = 200, body = PostView), (status = 400, body = ErrorBody, description = "`invalid_choice`"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "`poll_closed` or `vote_final`")))]
pub async fn vote_poll(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PollVoteRequest>,
) -> AppResult<Json<PostView>> {
    let post = services::polls::vote(&state, &auth, id, req.choices).await?;
    Ok(Json(post.into()))
}
