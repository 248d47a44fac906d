use crate::api::prelude::*;
use crate::types::MembershipState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// `accepted` (the default) or `pending` (facilitators only).
    state: Option<MembershipState>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// A community's members, or its pending join requests.
#[utoipa::path(get, path = "/communities/{name}/members", tag = "communities",
    params(("name" = String, Path, description = "Community name"), MembersQuery),
    responses((status = 200, body = Page<MembershipView>), (status = 403, body = ErrorBody)))]
pub async fn list_members(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> AppResult<Json<Page<MembershipView>>> {
    let params = PageParams {
        cursor: q.cursor,
        limit: q.limit,
    };
    let which = q.state.unwrap_or(MembershipState::Accepted);
    let page =
        services::communities::members(&state, viewer.as_ref(), &name, which, params).await?;
    Ok(Json(page.map(Into::into)))
}
