use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    display_name: Option<String>,
    job_title: Option<String>,
    organisation: Option<String>,
    region: Option<String>,
    /// What the member works on, in their words; the member directory searches it.
    interests: Option<String>,
    /// Whether the member appears in the member directory (they do unless they say not).
    in_directory: Option<bool>,
    /// Markdown.
    bio: Option<String>,
}

/// Changes profile fields. Absent fields stay; an empty string clears a field.
#[utoipa::path(patch, path = "/me", tag = "me", request_body = ProfileRequest,
    responses((status = 200, body = MemberView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn update_profile(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<ProfileRequest>,
) -> AppResult<Json<MemberView>> {
    let edit = services::accounts::ProfileEdit {
        display_name: req.display_name,
        job_title: req.job_title,
        organisation: req.organisation,
        region: req.region,
        interests: req.interests,
        in_directory: req.in_directory,
        bio: req.bio,
    };
    let person = services::accounts::update_profile(&state, &auth, edit).await?;
    Ok(Json(MemberView::own(person)))
}
