use activitypub_federation::config::Data;

use crate::api::prelude::*;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveMemberRequest {
    /// `@name@host`, `name@host`, or the member's URL.
    query: String,
}

/// Finds a member of another server, fetching their profile if it is new here.
#[utoipa::path(post, path = "/resolve/member", tag = "federation", request_body = ResolveMemberRequest,
    responses((status = 200, body = MemberView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn resolve_member(
    data: Data<AppState>,
    _auth: Auth,
    ApiJson(req): ApiJson<ResolveMemberRequest>,
) -> AppResult<Json<MemberView>> {
    let person = services::federation::resolve_person(&data, &req.query).await?;
    Ok(Json(person.into()))
}
