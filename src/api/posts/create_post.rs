use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePostRequest {
    title: String,
    /// Markdown.
    body: Option<String>,
    /// An http or https link.
    url: Option<String>,
    /// A warning shown before the body (up to 200 characters).
    content_warning: Option<String>,
}

/// Starts a thread in a community.
#[utoipa::path(post, path = "/communities/{name}/posts", tag = "posts", request_body = CreatePostRequest,
    params(("name" = String, Path, description = "Community name")),
    responses((status = 201, body = PostView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<CreatePostRequest>,
) -> AppResult<(StatusCode, Json<PostView>)> {
    let input = services::posts::PostInput {
        title: Some(req.title),
        body: req.body,
        url: Some(req.url),
        content_warning: Some(req.content_warning),
    };
    let post = services::posts::create(&state, &auth, &name, input).await?;
    Ok((StatusCode::CREATED, Json(post.into())))
}
