use crate::api::prelude::*;

/// Every community on this instance, oldest first. Private communities are listed so
/// people can ask to join; their content stays private.
#[utoipa::path(get, path = "/communities", tag = "communities", params(PageParams),
    responses((status = 200, body = Page<CommunityView>), (status = 400, body = ErrorBody)))]
pub async fn list_communities(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<Page<CommunityView>>> {
    Ok(Json(
        services::communities::list(&state, params)
            .await?
            .map(Into::into),
    ))
}
