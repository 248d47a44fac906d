use crate::api::prelude::*;

/// Removes a peer's allow or block entry, so the configured policy alone decides about
/// it again. Admins only.
#[utoipa::path(delete, path = "/admin/federation/peers/{domain}", tag = "admin",
    params(("domain" = String, Path, description = "The domain as it was allowed or blocked")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_peer(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(domain): ApiPath<String>,
) -> AppResult<StatusCode> {
    services::policy::remove_peer(&state, Some(&auth), &domain).await?;
    Ok(StatusCode::NO_CONTENT)
}
