use crate::api::prelude::*;

/// Rejects and deletes an account that is waiting for approval. Admins only.
#[utoipa::path(post, path = "/admin/accounts/{name}/reject", tag = "admin",
    params(("name" = String, Path, description = "Member name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reject_account(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
) -> AppResult<StatusCode> {
    services::accounts::reject_account(&state, &auth, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
