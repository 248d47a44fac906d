use super::SessionRequest;
use crate::api::prelude::*;

/// Changes a conference session (facilitators only); its thread keeps its discussion.
#[utoipa::path(put, path = "/events/{id}/sessions/{session_id}", tag = "events", request_body = SessionRequest,
    params(("id" = i64, Path, description = "Event id"), ("session_id" = i64, Path, description = "Session id")),
    responses((status = 200, body = EventView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn edit_session(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, session_id)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<SessionRequest>,
) -> AppResult<Json<EventView>> {
    let event = services::events::edit_session(&state, &auth, id, session_id, req.into()).await?;
    Ok(Json(event.into()))
}
