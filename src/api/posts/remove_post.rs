use super::ToggleRequest;
use crate::api::prelude::*;
use crate::services::posts::ModAction;

/// Removes a thread as a facilitator, or restores it. Facilitators only.
#[utoipa::path(post, path = "/posts/{id}/remove", tag = "moderation", request_body = ToggleRequest, params(("id" = i64, Path, description = "Thread id")),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn remove_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ToggleRequest>,
) -> AppResult<Json<PostView>> {
    let post =
        services::posts::moderate(&state, &auth, id, ModAction::Remove(req.on), req.reason).await?;
    Ok(Json(post.into()))
}
