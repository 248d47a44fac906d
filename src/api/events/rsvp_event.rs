use super::RsvpRequest;
use crate::api::prelude::*;

/// Answers an event going, maybe or declined, replacing an earlier answer.
#[utoipa::path(put, path = "/events/{id}/rsvp", tag = "events", request_body = RsvpRequest,
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 400, body = ErrorBody, description = "`invalid_rsvp`"),
        (status = 403, body = ErrorBody, description = "`members_only`, `invite_only` or `banned`"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`event_full`, `event_cancelled` or `event_ended`")))]
pub async fn rsvp_event(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RsvpRequest>,
) -> AppResult<Json<EventView>> {
    let answer = services::events::Rsvp::parse(&req.status)?;
    let event = services::events::rsvp(&state, &auth, id, answer).await?;
    Ok(Json(event.into()))
}
