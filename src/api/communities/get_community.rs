use crate::api::prelude::*;

/// A community with its member count, facilitators and the viewer's standing.
#[utoipa::path(get, path = "/communities/{name}", tag = "communities",
    params(("name" = String, Path, description = "Community name")),
    responses((status = 200, body = CommunityView), (status = 404, body = ErrorBody)))]
pub async fn get_community(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(name): ApiPath<String>,
) -> AppResult<Json<CommunityView>> {
    Ok(Json(
        services::communities::get(&state, viewer.as_ref(), &name)
            .await?
            .into(),
    ))
}
