use super::EventRequest;
use crate::api::prelude::*;

/// Creates an event in a community (facilitators only). The event is also a thread.
#[utoipa::path(post, path = "/communities/{name}/events", tag = "events", request_body = EventRequest,
    params(("name" = String, Path, description = "Community name")),
    responses((status = 201, body = EventView),
        (status = 400, body = ErrorBody, description = "`invalid_time`, `invalid_timezone`, `missing_place`, `invalid_url`, `invalid_capacity` or `invalid_join_mode`"),
        (status = 403, body = ErrorBody, description = "`not_moderator`")))]
pub async fn create_event(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<EventRequest>,
) -> AppResult<(StatusCode, Json<EventView>)> {
    let event = services::events::create(&state, &auth, &name, req.into()).await?;
    Ok((StatusCode::CREATED, Json(event.into())))
}
