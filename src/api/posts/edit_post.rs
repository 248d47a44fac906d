use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditPostRequest {
    title: Option<String>,
    body: Option<String>,
    /// An empty string removes the link.
    url: Option<String>,
    /// An empty string removes the content warning.
    content_warning: Option<String>,
}

/// Edits a thread. Its author only.
#[utoipa::path(patch, path = "/posts/{id}", tag = "posts", request_body = EditPostRequest, params(("id" = i64, Path, description = "Thread id")),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn edit_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EditPostRequest>,
) -> AppResult<Json<PostView>> {
    let input = services::posts::PostInput {
        title: req.title,
        body: req.body,
        url: req.url.map(Some),
        content_warning: req.content_warning.map(Some),
        poll: None,
    };
    Ok(Json(
        services::posts::edit(&state, &auth, id, input)
            .await?
            .into(),
    ))
}
