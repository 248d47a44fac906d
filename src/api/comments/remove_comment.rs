use crate::api::posts::ToggleRequest;
use crate::api::prelude::*;

/// Removes a comment as a facilitator, or restores it.
#[utoipa::path(post, path = "/comments/{id}/remove", tag = "moderation", request_body = ToggleRequest, params(("id" = i64, Path, description = "Comment id")),
    responses((status = 200, body = CommentView), (status = 403, body = ErrorBody)))]
pub async fn remove_comment(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ToggleRequest>,
) -> AppResult<Json<CommentView>> {
    Ok(Json(
        services::comments::remove(&state, &auth, id, req.on, req.reason)
            .await?
            .into(),
    ))
}
