use super::VoteRequest;
use crate::api::prelude::*;

/// Votes on a thread.
#[utoipa::path(post, path = "/posts/{id}/vote", tag = "posts", request_body = VoteRequest, params(("id" = i64, Path, description = "Thread id")),
    responses((status = 200, body = PostView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn vote_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<VoteRequest>,
) -> AppResult<Json<PostView>> {
    Ok(Json(
        services::posts::vote(&state, &auth, id, req.score)
            .await?
            .into(),
    ))
}
