use crate::api::prelude::*;

/// Withdraws the viewer's vote from a thread's poll while it is open.
#[utoipa::path(delete, path = "/posts/{id}/poll", tag = "posts", params(("id" = i64, Path, description = "Thread id")),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`poll_closed` or `vote_final`")))]
pub async fn withdraw_poll_vote(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PostView>> {
    let post = services::polls::withdraw(&state, &auth, id).await?;
    Ok(Json(post.into()))
}
