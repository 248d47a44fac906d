use super::ToggleRequest;
use crate::api::prelude::*;
use crate::services::posts::ModAction;

/// Pins a thread to the top of its community, or unpins it. Facilitators only.
#[utoipa::path(post, path = "/posts/{id}/pin", tag = "moderation", request_body = ToggleRequest, params(("id" = i64, Path, description = "Thread id")),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn pin_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ToggleRequest>,
) -> AppResult<Json<PostView>> {
    let post =
        services::posts::moderate(&state, &auth, id, ModAction::Pin(req.on), req.reason).await?;
    Ok(Json(post.into()))
}
