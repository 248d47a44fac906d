use crate::api::prelude::*;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Matches the name, display name, job title, organisation or region (any case).
    q: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// The member directory: this instance's members, in the order they joined. Signed-in
/// members only.
#[utoipa::path(get, path = "/members", tag = "members",
    params(DirectoryParams),
    responses((status = 200, body = Page<MemberView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_members(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<DirectoryParams>,
) -> AppResult<Json<Page<MemberView>>> {
    let page = PageParams {
        cursor: params.cursor,
        limit: params.limit,
    };
    Ok(Json(
        services::accounts::directory(&state, &auth, params.q.as_deref(), page)
            .await?
            .map(Into::into),
    ))
}
