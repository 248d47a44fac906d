use crate::api::prelude::*;

/// Who answered an event: every answer for facilitators; for others, who is going, in
/// public communities only.
#[utoipa::path(get, path = "/events/{id}/attendees", tag = "events",
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = Vec<AttendeeView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_attendees(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<AttendeeView>>> {
    let people = services::events::attendees(&state, viewer.as_ref(), id).await?;
    Ok(Json(
        people
            .into_iter()
            .map(|(person, status)| AttendeeView {
                member: person.into(),
                status: status.as_str().to_owned(),
            })
            .collect(),
    ))
}
