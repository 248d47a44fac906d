use crate::api::prelude::*;

/// People banned from the community. Facilitators only.
#[utoipa::path(get, path = "/communities/{name}/bans", tag = "communities",
    params(("name" = String, Path, description = "Community name"), PageParams),
    responses((status = 200, body = Page<BanView>), (status = 403, body = ErrorBody)))]
pub async fn list_bans(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<Page<BanView>>> {
    Ok(Json(
        services::communities::bans(&state, &auth, &name, params)
            .await?
            .map(Into::into),
    ))
}
