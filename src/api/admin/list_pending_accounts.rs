use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::api::prelude::*;

#[derive(Serialize, ToSchema)]
pub struct PendingAccountView {
    name: String,
    email: String,
    application: Option<String>,
    created_at: DateTime<Utc>,
}

/// Accounts waiting for approval, oldest first. Admins only.
#[utoipa::path(get, path = "/admin/accounts/pending", tag = "admin", params(PageParams),
    responses((status = 200, body = Page<PendingAccountView>), (status = 403, body = ErrorBody)))]
pub async fn list_pending_accounts(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<Page<PendingAccountView>>> {
    let page = services::accounts::pending_accounts(&state, &auth, params).await?;
    Ok(Json(page.map(|(user, person)| PendingAccountView {
        name: person.name,
        email: user.email,
        application: user.application,
        created_at: user.created_at.and_utc(),
    })))
}
