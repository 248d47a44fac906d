use crate::api::prelude::*;

/// A member's public profile.
#[utoipa::path(get, path = "/members/{name}", tag = "members",
    params(("name" = String, Path, description = "Member name")),
    responses((status = 200, body = MemberView), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn get_member(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> AppResult<Json<MemberView>> {
    Ok(Json(
        services::accounts::profile(&state, &name).await?.into(),
    ))
}
