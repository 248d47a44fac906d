use crate::api::prelude::*;
use crate::types::Visibility;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommunityRequest {
    title: Option<String>,
    description: Option<String>,
    visibility: Option<Visibility>,
    posting_restricted: Option<bool>,
    /// Send comments too, not only new threads, to followers on Mastodon-style servers.
    microblog_comments: Option<bool>,
}

/// Changes a community's settings. Facilitators only.
#[utoipa::path(patch, path = "/communities/{name}", tag = "communities", request_body = UpdateCommunityRequest,
    params(("name" = String, Path, description = "Community name")),
    responses((status = 200, body = CommunityView), (status = 403, body = ErrorBody)))]
pub async fn update_community(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<UpdateCommunityRequest>,
) -> AppResult<Json<CommunityView>> {
    let edit = services::communities::CommunityEdit {
        title: req.title,
        description: req.description,
        visibility: req.visibility,
        posting_restricted: req.posting_restricted,
        microblog_comments: req.microblog_comments,
    };
    Ok(Json(
        services::communities::update(&state, &auth, &name, edit)
            .await?
            .into(),
    ))
}
