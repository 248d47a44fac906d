use super::list_peers::PeerView;
use crate::api::prelude::*;
use crate::services::policy::PeerState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPeerRequest {
    state: PeerState,
}

/// Allows or blocks a peer server. A blocked peer is sent nothing and nothing from it is
/// accepted, whatever the policy; under `allowlist`, only allowed peers federate. Admins only.
#[utoipa::path(put, path = "/admin/federation/peers/{domain}", tag = "admin", request_body = SetPeerRequest,
    params(("domain" = String, Path, description = "Host name, with :port if any, or *.example.org")),
    responses((status = 200, body = PeerView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn set_peer(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(domain): ApiPath<String>,
    ApiJson(req): ApiJson<SetPeerRequest>,
) -> AppResult<Json<PeerView>> {
    let entry = services::policy::set_peer(&state, Some(&auth), &domain, req.state).await?;
    Ok(Json(entry.into()))
}
