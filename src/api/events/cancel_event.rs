use super::CancelRequest;
use crate::api::prelude::*;

/// Cancels an event or takes the cancellation back (facilitators only).
#[utoipa::path(post, path = "/events/{id}/cancel", tag = "events", request_body = CancelRequest,
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn cancel_event(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CancelRequest>,
) -> AppResult<Json<EventView>> {
    let event = services::events::cancel(&state, &auth, id, req.cancelled).await?;
    Ok(Json(event.into()))
}
