use crate::api::prelude::*;
use crate::types::Visibility;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommunityRequest {
    /// 3 to 30 characters: a-z, 0-9 and _. Shared with member names.
    name: String,
    /// Defaults to the name.
    title: Option<String>,
    /// Markdown.
    description: Option<String>,
    /// Defaults to `public`.
    visibility: Option<Visibility>,
    /// Only facilitators may start threads. Defaults to false.
    posting_restricted: Option<bool>,
}

/// Creates a community; the creator becomes its first facilitator.
#[utoipa::path(post, path = "/communities", tag = "communities", request_body = CreateCommunityRequest,
    responses((status = 201, body = CommunityView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_community(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<CreateCommunityRequest>,
) -> AppResult<(StatusCode, Json<CommunityView>)> {
    let input = services::communities::CommunityInput {
        name: req.name,
        title: req.title,
        description: req.description,
        visibility: req.visibility.unwrap_or(Visibility::Public),
        posting_restricted: req.posting_restricted.unwrap_or(false),
    };
    let community = services::communities::create(&state, &auth, input).await?;
    let detail = services::communities::get(&state, Some(&auth), &community.name).await?;
    Ok((StatusCode::CREATED, Json(detail.into())))
}
