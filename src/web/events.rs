//! A community's events page and an event's own page, with its answer forms.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::Viewer;
use super::views::{CommunityView, Errors, PersonView, Time, query};
use crate::pagination::PageParams;
use crate::services;
use crate::services::events::{EventDetail, Rsvp, When};
use crate::state::AppState;

/// An event as the pages show it: times in its own zone, and in the reader's (a
/// `<time>` that `local-time.js` rewrites).
pub struct EventView {
    pub id: i64,
    pub title: String,
    pub description_html: String,
    pub community: CommunityView,
    pub organiser: PersonView,
    /// The start and end as people at the event read them, zone named.
    pub when_local: String,
    pub starts: Time,
    pub ends: Time,
    pub address: Option<String>,
    pub online: bool,
    pub online_link: Option<String>,
    pub capacity: Option<i32>,
    pub remaining: Option<i32>,
    pub going: i32,
    pub maybe: i32,
    pub cancelled: bool,
    pub ended: bool,
    pub my_rsvp: &'static str,
    pub can_answer: bool,
    pub can_edit: bool,
    pub sessions: Vec<SessionView>,
}

pub struct SessionView {
    pub thread_href: String,
    pub title: String,
    pub speaker: Option<String>,
    pub when_local: String,
    pub starts: Time,
}

/// "Tuesday 15 January 2099, 18:30 to 20:00 (Europe/London)", or with both dates when
/// it runs over several days.
fn span(d: &EventDetail, from: chrono::NaiveDateTime, to: chrono::NaiveDateTime) -> String {
    let tz = d.zone();
    let (from, to) = (
        services::events::local_time(from, tz),
        services::events::local_time(to, tz),
    );
    let end = if from.date_naive() == to.date_naive() {
        to.format("%H:%M").to_string()
    } else {
        to.format("%A %-d %B %Y, %H:%M").to_string()
    };
    format!(
        "{} to {end} ({})",
        from.format("%A %-d %B %Y, %H:%M"),
        tz.name()
    )
}

impl EventView {
    pub fn new(d: &EventDetail) -> EventView {
        EventView {
            id: d.post.id,
            title: d.post.title.clone(),
            // Sanitised when stored.
            description_html: d.post.body_html.clone(),
            community: CommunityView::new(&d.community),
            organiser: PersonView::new(&d.organiser),
            when_local: span(d, d.event.starts_at, d.event.ends_at),
            starts: Time::new(d.event.starts_at),
            ends: Time::new(d.event.ends_at),
            address: d.event.address.clone(),
            online: d.event.online_link.is_some(),
            online_link: d.visible_link().map(str::to_owned),
            capacity: d.event.capacity,
            remaining: d.remaining(),
            going: d.event.going_count,
            maybe: d.event.maybe_count,
            cancelled: d.event.cancelled,
            ended: d.ended(),
            my_rsvp: d.my_rsvp.map_or("", Rsvp::as_str),
            can_answer: d.can_answer(),
            can_edit: d.facilitator && d.post.ap_id.is_none(),
            sessions: d
                .sessions
                .iter()
                .map(|s| SessionView {
                    thread_href: format!("/post/{}", s.post_id),
                    title: s.title.clone(),
                    speaker: s.speaker.clone(),
                    when_local: span(d, s.starts_at, s.ends_at),
                    starts: Time::new(s.starts_at),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    layout: Layout,
    community: CommunityView,
    past: bool,
    events: Vec<EventView>,
    next: Option<String>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
struct EventsQuery {
    when: Option<String>,
    cursor: Option<String>,
}

/// `GET /c/{name}/events`: upcoming events, or `?when=past`.
pub async fn show_events(
    State(state): State<AppState>,
    Path(name): Path<String>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let q: EventsQuery = query(&uri);
    let past = q.when.as_deref() == Some("past");
    let actor = viewer.actor.as_ref();
    let d = services::communities::get(&state, actor, &name).await?;
    let when = if past { When::Past } else { When::Upcoming };
    let params = PageParams {
        cursor: q.cursor,
        limit: None,
    };
    let page = services::events::list(&state, actor, &name, when, params).await?;
    let community = CommunityView::new(&d.community);
    let title = if past {
        format!("Past events: {}", d.community.title)
    } else {
        format!("Events: {}", d.community.title)
    };
    let layout = Layout::new(&state, &viewer, title).in_section("communities");
    let next = page.next_cursor.map(|c| {
        format!(
            "{}/events?{}cursor={c}",
            community.href,
            if past { "when=past&" } else { "" }
        )
    });
    let page = EventsPage {
        layout,
        can_create: d.community.domain.is_none() && d.is_moderator,
        events: page.items.iter().map(EventView::new).collect(),
        community,
        past,
        next,
    };
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "event.html")]
pub struct EventPage {
    pub layout: Layout,
    pub errors: Errors,
    pub event: EventView,
    /// Who answered, for facilitators.
    pub attendees: Vec<(PersonView, &'static str)>,
}

/// Builds an event's page for a viewer, with `errors` beside the answer forms.
pub async fn event_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    errors: Errors,
) -> Result<EventPage, WebError> {
    let actor = viewer.actor.as_ref();
    let d = services::events::get(state, actor, id).await?;
    let attendees = if d.facilitator {
        services::events::attendees(state, actor, id)
            .await?
            .iter()
            .map(|(p, s)| (PersonView::new(p), s.as_str()))
            .collect()
    } else {
        Vec::new()
    };
    let layout = Layout::new(state, viewer, d.post.title.clone()).in_section("communities");
    Ok(EventPage {
        layout,
        errors,
        event: EventView::new(&d),
        attendees,
    })
}

/// `GET /events/{id}`
pub async fn show_event(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let page = event_page(&state, &viewer, id, Errors::default()).await?;
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}
