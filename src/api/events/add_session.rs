use super::SessionRequest;
use crate::api::prelude::*;

/// Adds a session to an online conference (facilitators only); it becomes a thread.
#[utoipa::path(post, path = "/events/{id}/sessions", tag = "events", request_body = SessionRequest,
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 201, body = EventView), (status = 400, body = ErrorBody, description = "`invalid_time`: outside the event, or ends before it starts"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_session(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SessionRequest>,
) -> AppResult<(StatusCode, Json<EventView>)> {
    let event = services::events::add_session(&state, &auth, id, req.into()).await?;
    Ok((StatusCode::CREATED, Json(event.into())))
}
