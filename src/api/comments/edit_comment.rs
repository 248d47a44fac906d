use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditCommentRequest {
    body: String,
}

/// Edits a comment. Its author only.
#[utoipa::path(patch, path = "/comments/{id}", tag = "comments", request_body = EditCommentRequest, params(("id" = i64, Path, description = "Comment id")),
    responses((status = 200, body = CommentView), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn edit_comment(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EditCommentRequest>,
) -> AppResult<Json<CommentView>> {
    Ok(Json(
        services::comments::edit(&state, &auth, id, &req.body)
            .await?
            .into(),
    ))
}
