use crate::api::prelude::*;

/// Approves an account that is waiting, so its owner can sign in. Admins only.
#[utoipa::path(post, path = "/admin/accounts/{name}/approve", tag = "admin",
    params(("name" = String, Path, description = "Member name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve_account(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
) -> AppResult<StatusCode> {
    services::accounts::approve_account(&state, Some(&auth), &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
