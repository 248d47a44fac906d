use serde::Serialize;

use crate::api::prelude::*;

#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    /// How many were unread.
    marked: usize,
}

/// Marks all the signed-in member's notifications read.
#[utoipa::path(post, path = "/notifications/read", tag = "notifications",
    responses((status = 200, body = MarkedRead), (status = 401, body = ErrorBody)))]
pub async fn mark_all_read(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<MarkedRead>> {
    let marked = services::notifications::mark_all_read(&state, &auth).await?;
    Ok(Json(MarkedRead { marked }))
}
