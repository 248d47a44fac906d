use crate::api::prelude::*;

/// Everyone banned from the instance, including members of other servers whose own
/// server banned them. Admins only.
#[utoipa::path(get, path = "/admin/bans", tag = "admin",
    params(PageParams),
    responses((status = 200, body = Page<BanView>), (status = 403, body = ErrorBody)))]
pub async fn list_bans(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<Page<BanView>>> {
    Ok(Json(
        services::moderation::instance_bans(&state, &auth, params)
            .await?
            .map(Into::into),
    ))
}
