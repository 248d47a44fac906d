use super::EventRequest;
use crate::api::prelude::*;

/// Replaces an event's details (facilitators only); followers get the change.
#[utoipa::path(put, path = "/events/{id}", tag = "events", request_body = EventRequest,
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`below_attendance`: more are going than the new capacity")))]
pub async fn edit_event(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EventRequest>,
) -> AppResult<Json<EventView>> {
    let event = services::events::edit(&state, &auth, id, req.into()).await?;
    Ok(Json(event.into()))
}
