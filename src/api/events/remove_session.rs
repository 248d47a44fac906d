use crate::api::prelude::*;

/// Takes a session off a conference's programme (facilitators only); its thread stays.
#[utoipa::path(delete, path = "/events/{id}/sessions/{session_id}", tag = "events",
    params(("id" = i64, Path, description = "Event id"), ("session_id" = i64, Path, description = "Session id")),
    responses((status = 200, body = EventView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_session(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, session_id)): ApiPath<(i64, i64)>,
) -> AppResult<Json<EventView>> {
    let event = services::events::remove_session(&state, &auth, id, session_id).await?;
    Ok(Json(event.into()))
}
