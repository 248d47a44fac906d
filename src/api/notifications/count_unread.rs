use serde::Serialize;

use crate::api::prelude::*;

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    unread: i64,
}

/// How many of the signed-in member's notifications are unread.
#[utoipa::path(get, path = "/notifications/unread_count", tag = "notifications",
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody)))]
pub async fn count_unread(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<UnreadCount>> {
    let unread = services::notifications::unread_count(&state, &auth).await?;
    Ok(Json(UnreadCount { unread }))
}
