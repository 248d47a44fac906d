use serde::Deserialize;

use crate::api::prelude::*;
use crate::services::events::When;

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    Upcoming,
    Past,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// `upcoming` (the default: not yet ended, soonest first) or `past` (latest first).
    #[param(inline)]
    when: Option<Which>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// A community's events.
#[utoipa::path(get, path = "/communities/{name}/events", tag = "events",
    params(("name" = String, Path, description = "Community name"), EventsQuery),
    responses((status = 200, body = Page<EventView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_events(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> AppResult<Json<Page<EventView>>> {
    let when = match q.when.unwrap_or(Which::Upcoming) {
        Which::Upcoming => When::Upcoming,
        Which::Past => When::Past,
    };
    let params = PageParams {
        cursor: q.cursor,
        limit: q.limit,
    };
    let page = services::events::list(&state, viewer.as_ref(), &name, when, params).await?;
    Ok(Json(page.map(Into::into)))
}
