use crate::api::prelude::*;

/// The community's moderation log, newest first, for whoever can read the community.
#[utoipa::path(get, path = "/communities/{name}/modlog", tag = "moderation",
    params(("name" = String, Path, description = "Community name"), PageParams),
    responses((status = 200, body = Page<ModActionView>), (status = 403, body = ErrorBody)))]
pub async fn get_mod_log(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(name): ApiPath<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<Page<ModActionView>>> {
    Ok(Json(
        services::moderation::log(&state, viewer.as_ref(), &name, params)
            .await?
            .map(Into::into),
    ))
}
