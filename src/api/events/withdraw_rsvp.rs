use crate::api::prelude::*;

/// Withdraws the viewer's answer to an event.
#[utoipa::path(delete, path = "/events/{id}/rsvp", tag = "events",
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn withdraw_rsvp(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<EventView>> {
    let event = services::events::withdraw(&state, &auth, id).await?;
    Ok(Json(event.into()))
}
