use crate::api::prelude::*;

/// An event, with its online link only for people going and facilitators.
#[utoipa::path(get, path = "/events/{id}", tag = "events",
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_event(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<EventView>> {
    let event = services::events::get(&state, viewer.as_ref(), id).await?;
    Ok(Json(event.into()))
}
