//! iCalendar feeds of events: a community's (`/c/{name}/events.ics`) and the events a
//! member answered going or maybe (`/u/{name}/events.ics`). They follow the signed-in
//! session, with no token in the address: a private community's feed is for its members'
//! own browsers, and public feeds never carry an online link.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::render::WebError;
use super::session::Viewer;
use crate::federation::urls::Urls;
use crate::ical::{CalendarEvent, calendar};
use crate::services;
use crate::services::events::EventDetail;
use crate::state::AppState;

fn entry(urls: &Urls, d: &EventDetail) -> Result<CalendarEvent, WebError> {
    let page = urls.instance()?.join(&format!("events/{}", d.post.id));
    let url = page.map(|u| u.to_string()).unwrap_or_default();
    let uid = match &d.post.ap_id {
        Some(id) => id.clone(),
        None => urls.post(d.post.id)?.to_string(),
    };
    Ok(CalendarEvent {
        uid,
        summary: d.post.title.clone(),
        description: d.post.body.clone(),
        location: d.event.address.clone(),
        url,
        online_link: d.visible_link().map(str::to_owned),
        starts_at: d.event.starts_at,
        ends_at: d.event.ends_at,
        stamp: d.post.updated_at.unwrap_or(d.post.created_at),
        cancelled: d.event.cancelled,
    })
}

fn ics(name: &str, urls: &Urls, events: &[EventDetail]) -> Result<Response, WebError> {
    let entries = events
        .iter()
        .map(|d| entry(urls, d))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        )],
        calendar(name, &entries),
    )
        .into_response())
}

/// `GET /c/{name}/events.ics`: a community's upcoming and recent events, for whoever may
/// read the community.
pub async fn community_calendar(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let events = services::events::community_calendar(&state, viewer.actor.as_ref(), &name).await?;
    let urls = Urls::new(&state.config);
    let title = events
        .first()
        .map_or_else(|| name.clone(), |d| d.community.title.clone());
    ics(&title, &urls, &events)
}

/// `GET /u/{name}/events.ics`: the events a member is going to or may go to. Others see
/// only those in public communities.
pub async fn member_calendar(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let events = services::events::member_calendar(&state, viewer.actor.as_ref(), &name).await?;
    let urls = Urls::new(&state.config);
    ics(&format!("Events for {name}"), &urls, &events)
}
