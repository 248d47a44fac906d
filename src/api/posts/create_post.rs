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
    /// A poll to ask with the thread.
    poll: Option<PollRequest>,
}

/// A poll: 2 to 10 options, one choice or several, and an optional closing time.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PollRequest {
    /// The options' texts, in order (each up to 100 characters, all different).
    options: Vec<String>,
    /// Whether voters may choose several options.
    #[serde(default)]
    multiple: bool,
    /// When voting ends (RFC 3339); open until the thread goes if absent.
    closes_at: Option<chrono::DateTime<chrono::Utc>>,
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
        poll: req.poll.map(|p| services::polls::PollInput {
            options: p.options,
            multiple: p.multiple,
            closes_at: p.closes_at,
        }),
    };
    let post = services::posts::create(&state, &auth, &name, input).await?;
    Ok((StatusCode::CREATED, Json(post.into())))
}
