//! Events and online conferences: what an event holds, who may create and answer one,
//! who sees its online link, remote answers, and the calendar feeds.
//!
//! An event is a thread with a time and a place (an `events` row beside the `posts`
//! row). That gives it a discussion, a federation id, search, moderation and the
//! community's visibility rules for free, and Lemmy-style peers read an `Event` as a
//! thread. The event's own server counts the answers; others show the count it
//! publishes. Going beyond the capacity is refused (there is no waiting list).

use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use url::Url;

use crate::db::content::PostChanges;
use crate::db::models::{
    DbCommunity, DbEvent, DbEventSession, DbPerson, DbPost, EventFields, NewPost,
};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::urls::Urls;
use crate::markdown;
use crate::pagination::{Page, PageParams, page};
use crate::services::communities::access;
use crate::services::federation::{Change, federate_post};
use crate::services::notifications::UpcomingEvent;
use crate::services::permissions::Access;
use crate::services::posts::{BODY_MAX, TITLE_MAX, load, require_visible};
use crate::services::{Actor, text_field};
use crate::state::AppState;
use crate::types::Visibility;

/// The longest an address may be, in characters.
pub const ADDRESS_MAX: usize = 500;
/// The longest an event may last.
pub const LONGEST: TimeDelta = TimeDelta::days(31);
/// The most people an event may take.
pub const CAPACITY_MAX: i32 = 1_000_000;

/// How people join an event, as Mobilizon names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinMode {
    /// Anyone who may take part in the community.
    Free,
    /// Approved members of the community only, even in a public community.
    Restricted,
    /// Facilitators add people; others cannot answer.
    Invite,
}

impl JoinMode {
    pub fn parse(value: &str) -> AppResult<JoinMode> {
        match value {
            "free" => Ok(JoinMode::Free),
            "restricted" => Ok(JoinMode::Restricted),
            "invite" => Ok(JoinMode::Invite),
            _ => Err(AppError::bad_request(
                "invalid_join_mode",
                "join mode must be free, restricted or invite",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JoinMode::Free => "free",
            JoinMode::Restricted => "restricted",
            JoinMode::Invite => "invite",
        }
    }
}

/// A member's answer to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rsvp {
    Going,
    Maybe,
    Declined,
}

impl Rsvp {
    pub fn parse(value: &str) -> AppResult<Rsvp> {
        match value {
            "going" => Ok(Rsvp::Going),
            "maybe" => Ok(Rsvp::Maybe),
            "declined" | "not_going" => Ok(Rsvp::Declined),
            _ => Err(AppError::bad_request(
                "invalid_rsvp",
                "the answer must be going, maybe or declined",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rsvp::Going => "going",
            Rsvp::Maybe => "maybe",
            Rsvp::Declined => "declined",
        }
    }
}

/// An event as a facilitator writes it. Times are RFC 3339 (with an offset), or a
/// local date and time (`2026-12-01T18:00`) read in `timezone`.
#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub title: String,
    /// Markdown.
    pub description: String,
    pub starts_at: String,
    pub ends_at: String,
    /// An IANA zone name, such as `Europe/London`.
    pub timezone: String,
    pub address: Option<String>,
    pub online_link: Option<String>,
    pub capacity: Option<i32>,
    pub join_mode: Option<String>,
}

/// An event input that passed the checks.
#[derive(Debug, Clone)]
pub(crate) struct CheckedEvent {
    title: String,
    body: String,
    fields: EventFields,
}

/// Reads an IANA zone name.
pub fn zone(name: &str) -> AppResult<Tz> {
    name.trim().parse::<Tz>().map_err(|_| {
        AppError::bad_request(
            "invalid_timezone",
            "the time zone must be an IANA name such as Europe/London",
        )
    })
}

/// Reads a time given with an offset, or as a local time in `tz`.
pub fn parse_time(field: &str, value: &str, tz: Tz) -> AppResult<NaiveDateTime> {
    let value = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.naive_utc());
    }
    let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
        .ok_or_else(|| {
            AppError::bad_request(
                "invalid_time",
                format!("{field} must be a date and time such as 2026-12-01T18:00"),
            )
        })?;
    // In the hour clocks go back, the first of the two; in the hour they skip, none.
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.naive_utc())
        .ok_or_else(|| {
            AppError::bad_request(
                "invalid_time",
                format!("{field} falls in the hour the clocks skip in that time zone"),
            )
        })
}

fn parse_link(value: &str) -> AppResult<String> {
    let value = value.trim();
    match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && value.len() <= 2000 => Ok(u.to_string()),
        _ => Err(AppError::bad_request(
            "invalid_url",
            "the online link must be an http or https address",
        )),
    }
}

fn optional(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl EventInput {
    pub(crate) fn check(self) -> AppResult<CheckedEvent> {
        let title = text_field("title", &self.title, 1, TITLE_MAX)?;
        let body = text_field("description", &self.description, 0, BODY_MAX)?;
        let tz = zone(&self.timezone)?;
        let starts_at = parse_time("starts_at", &self.starts_at, tz)?;
        let ends_at = parse_time("ends_at", &self.ends_at, tz)?;
        if ends_at <= starts_at {
            return Err(AppError::bad_request(
                "invalid_time",
                "the event must end after it starts",
            ));
        }
        if ends_at - starts_at > LONGEST {
            return Err(AppError::bad_request(
                "invalid_time",
                "an event may last at most 31 days",
            ));
        }
        let address = optional(self.address)
            .map(|a| text_field("address", &a, 1, ADDRESS_MAX))
            .transpose()?;
        let online_link = optional(self.online_link)
            .map(|l| parse_link(&l))
            .transpose()?;
        if address.is_none() && online_link.is_none() {
            return Err(AppError::bad_request(
                "missing_place",
                "give an address, an online link, or both",
            ));
        }
        if self
            .capacity
            .is_some_and(|c| !(1..=CAPACITY_MAX).contains(&c))
        {
            return Err(AppError::bad_request(
                "invalid_capacity",
                format!("the capacity must be between 1 and {CAPACITY_MAX}"),
            ));
        }
        let join_mode = JoinMode::parse(self.join_mode.as_deref().unwrap_or("free"))?;
        Ok(CheckedEvent {
            title,
            body,
            fields: EventFields {
                starts_at,
                ends_at,
                timezone: tz.name().to_owned(),
                address,
                online_link,
                capacity: self.capacity,
                join_mode: join_mode.as_str().to_owned(),
            },
        })
    }
}

/// A session of an online conference as a facilitator writes it.
#[derive(Debug, Clone, Default)]
pub struct SessionInput {
    pub title: String,
    /// Markdown; becomes the body of the session's thread.
    pub description: String,
    pub speaker: Option<String>,
    pub starts_at: String,
    pub ends_at: String,
}

/// An event as one viewer sees it.
#[derive(Debug, Clone)]
pub struct EventDetail {
    pub event: DbEvent,
    pub post: DbPost,
    pub organiser: DbPerson,
    pub community: DbCommunity,
    /// The viewer's answer, if they gave one.
    pub my_rsvp: Option<Rsvp>,
    /// A facilitator of the event's community.
    pub facilitator: bool,
    pub signed_in: bool,
    pub sessions: Vec<DbEventSession>,
}

impl EventDetail {
    /// The online link, for people going and facilitators only.
    pub fn visible_link(&self) -> Option<&str> {
        let allowed = self.facilitator || self.my_rsvp == Some(Rsvp::Going);
        self.event.online_link.as_deref().filter(|_| allowed)
    }

    pub fn ended(&self) -> bool {
        self.event.ends_at < db::now()
    }

    /// Whether the viewer may answer now.
    pub fn can_answer(&self) -> bool {
        self.signed_in && !self.ended() && !self.event.cancelled
    }

    /// Places left, when the event has a capacity.
    pub fn remaining(&self) -> Option<i32> {
        self.event
            .capacity
            .map(|c| (c - self.event.going_count).max(0))
    }

    pub fn zone(&self) -> Tz {
        self.event.timezone.parse().unwrap_or(Tz::UTC)
    }
}

fn rsvp_from_db(value: &str) -> Option<Rsvp> {
    Rsvp::parse(value).ok()
}

/// Loads an event for a viewer, who must be able to read its community.
pub(crate) fn detail(conn: &mut DbConn, id: i64, viewer: Option<&Actor>) -> AppResult<EventDetail> {
    let (post, access) = load(conn, id, viewer)?;
    require_visible(&post, &access)?;
    let event = db::events::event(conn, id)?.ok_or(AppError::NotFound("event"))?;
    let organiser = db::persons::person(conn, post.author_id)?;
    let my_rsvp = match viewer {
        Some(v) => db::events::rsvp_of(conn, id, v.person_id)?
            .as_deref()
            .and_then(rsvp_from_db),
        None => None,
    };
    let sessions = db::events::sessions(conn, id)?;
    Ok(EventDetail {
        event,
        post,
        organiser,
        facilitator: access.moderator,
        community: access.community,
        my_rsvp,
        signed_in: viewer.is_some(),
        sessions,
    })
}

pub async fn get(state: &AppState, viewer: Option<&Actor>, id: i64) -> AppResult<EventDetail> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| detail(conn, id, viewer.as_ref()))
        .await
}

/// The events among some threads, for the thread views and federation.
pub(crate) fn events_of(conn: &mut DbConn, post_ids: &[i64]) -> AppResult<Vec<DbEvent>> {
    db::events::events_of(conn, post_ids)
}

/// Creates an event in a community: facilitators only. The event is also a thread,
/// announced to the community's followers as an `Event`.
#[tracing::instrument(skip_all, fields(community = %community))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    community: &str,
    input: EventInput,
) -> AppResult<EventDetail> {
    let checked = input.check()?;
    let (community, actor) = (community.to_owned(), actor.clone());
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &community, Some(&actor))?;
            access.require_read()?;
            access.require_moderator()?;
            if access.community.domain.is_some() {
                return Err(AppError::denied(
                    "remote_community",
                    "events are created on their community's own server",
                ));
            }
            let id = insert_thread(conn, &access, &actor, &checked.title, &checked.body)?;
            db::events::insert(conn, id, access.community.id, &checked.fields)?;
            federate_post(conn, &urls, id, Change::Create)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

fn insert_thread(
    conn: &mut DbConn,
    access: &Access,
    actor: &Actor,
    title: &str,
    body: &str,
) -> AppResult<i64> {
    db::content::insert_post(
        conn,
        &NewPost {
            community_id: access.community.id,
            author_id: actor.person_id,
            ap_id: None,
            title,
            url: None,
            body,
            body_html: &markdown::render(body),
            content_warning: None,
            created_at: db::now(),
        },
    )
}

/// Loads one of our events for a facilitator's change.
fn for_facilitator(conn: &mut DbConn, id: i64, actor: &Actor) -> AppResult<(DbPost, DbEvent)> {
    let (post, access) = load(conn, id, Some(actor))?;
    require_visible(&post, &access)?;
    access.require_moderator()?;
    let event = db::events::event(conn, id)?.ok_or(AppError::NotFound("event"))?;
    if post.ap_id.is_some() {
        return Err(AppError::denied(
            "remote_event",
            "this event is managed on its own server",
        ));
    }
    Ok((post, event))
}

/// Edits an event: its facilitators only. Followers get an `Update`.
#[tracing::instrument(skip_all, fields(event = id))]
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: EventInput,
) -> AppResult<EventDetail> {
    let checked = input.check()?;
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (_, event) = for_facilitator(conn, id, &actor)?;
            if checked
                .fields
                .capacity
                .is_some_and(|c| c < event.going_count)
            {
                return Err(AppError::conflict_code(
                    "below_attendance",
                    "more people are going than that capacity",
                ));
            }
            let changes = PostChanges {
                title: Some(checked.title.clone()),
                body_html: Some(markdown::render(&checked.body)),
                body: Some(checked.body.clone()),
                updated_at: Some(db::now()),
                ..Default::default()
            };
            db::content::update_post(conn, id, &changes)?;
            db::events::update(conn, id, &checked.fields)?;
            federate_post(conn, &urls, id, Change::Update)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Cancels an event, or takes the cancellation back: its facilitators only. The event
/// stays, marked cancelled, so that those who answered learn of it.
#[tracing::instrument(skip_all, fields(event = id))]
pub async fn cancel(
    state: &AppState,
    actor: &Actor,
    id: i64,
    cancelled: bool,
) -> AppResult<EventDetail> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            for_facilitator(conn, id, &actor)?;
            db::events::set_cancelled(conn, id, cancelled)?;
            db::content::update_post(
                conn,
                id,
                &PostChanges {
                    updated_at: Some(db::now()),
                    ..Default::default()
                },
            )?;
            federate_post(conn, &urls, id, Change::Update)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Which events to list.
pub use crate::db::events::When;

/// A page of a community's events: upcoming soonest first, or past latest first.
pub async fn list(
    state: &AppState,
    viewer: Option<&Actor>,
    community: &str,
    when: When,
    params: PageParams,
) -> AppResult<Page<EventDetail>> {
    let limit = params.limit()?;
    let after = params.key::<2>()?.map(|[micros, id]| {
        (
            DateTime::from_timestamp_micros(micros)
                .map(|t| t.naive_utc())
                .unwrap_or_default(),
            id,
        )
    });
    let (community, viewer) = (community.to_owned(), viewer.cloned());
    let rows = state
        .db
        .read(move |conn| {
            let access = access(conn, &community, viewer.as_ref())?;
            access.require_read()?;
            let rows = db::events::list(conn, access.community.id, when, after, limit + 1)?;
            listed(conn, rows, viewer.as_ref(), &access)
        })
        .await?;
    Ok(page(rows, limit, |d| {
        [
            d.event.starts_at.and_utc().timestamp_micros(),
            d.event.post_id,
        ]
    }))
}

/// Answers an event going, maybe or not going. On our own events the answer counts at
/// once; on an event from elsewhere it is sent there (`Join`, `TentativeAccept` or
/// `Leave`), which counts it and may refuse it when full.
#[tracing::instrument(skip_all, fields(event = id))]
pub async fn rsvp(
    state: &AppState,
    actor: &Actor,
    id: i64,
    answer: Rsvp,
) -> AppResult<EventDetail> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, access) = load(conn, id, Some(&actor))?;
            require_visible(&post, &access)?;
            let event = db::events::event(conn, id)?.ok_or(AppError::NotFound("event"))?;
            may_answer(&access, &event, actor.person_id)?;
            db::events::lock(conn, id)?;
            let before = db::events::rsvp_of(conn, id, actor.person_id)?
                .as_deref()
                .and_then(rsvp_from_db);
            if before == Some(answer) {
                return detail(conn, id, Some(&actor));
            }
            if answer == Rsvp::Going && before != Some(Rsvp::Going) {
                require_room(&event)?;
            }
            if post.ap_id.is_some() {
                let sent = crate::services::federation::send_rsvp(
                    conn,
                    &urls,
                    &post,
                    &access.community,
                    actor.person_id,
                    Some(answer),
                )?;
                db::events::set_rsvp(
                    conn,
                    id,
                    actor.person_id,
                    answer.as_str(),
                    Some(sent.as_str()),
                )?;
                // Until the event's server publishes its count, ours is our best guess.
                let (going, maybe) = shifted(&event, before, Some(answer));
                db::events::set_counts(conn, id, going, maybe)?;
            } else {
                db::events::set_rsvp(conn, id, actor.person_id, answer.as_str(), None)?;
                db::events::recount(conn, id)?;
                federate_post(conn, &urls, id, Change::Update)?;
            }
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Withdraws the viewer's answer.
#[tracing::instrument(skip_all, fields(event = id))]
pub async fn withdraw(state: &AppState, actor: &Actor, id: i64) -> AppResult<EventDetail> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, access) = load(conn, id, Some(&actor))?;
            require_visible(&post, &access)?;
            let event = db::events::event(conn, id)?.ok_or(AppError::NotFound("event"))?;
            db::events::lock(conn, id)?;
            let before = db::events::rsvp_of(conn, id, actor.person_id)?
                .as_deref()
                .and_then(rsvp_from_db);
            if before.is_none() {
                return detail(conn, id, Some(&actor));
            }
            db::events::clear_rsvp(conn, id, actor.person_id)?;
            if post.ap_id.is_some() {
                crate::services::federation::send_rsvp(
                    conn,
                    &urls,
                    &post,
                    &access.community,
                    actor.person_id,
                    None,
                )?;
                let (going, maybe) = shifted(&event, before, None);
                db::events::set_counts(conn, id, going, maybe)?;
            } else {
                db::events::recount(conn, id)?;
                federate_post(conn, &urls, id, Change::Update)?;
            }
            detail(conn, id, Some(&actor))
        })
        .await
}

/// The counts once one person's answer moves from `before` to `after`.
fn shifted(event: &DbEvent, before: Option<Rsvp>, after: Option<Rsvp>) -> (i32, i32) {
    let delta = |which: Rsvp| i32::from(after == Some(which)) - i32::from(before == Some(which));
    (
        (event.going_count + delta(Rsvp::Going)).max(0),
        (event.maybe_count + delta(Rsvp::Maybe)).max(0),
    )
}

/// Whether a person may answer an event at all: they may take part in its community,
/// it has not ended or been cancelled, and its join mode lets them.
fn may_answer(access: &Access, event: &DbEvent, _person_id: i64) -> AppResult<()> {
    access.require_participate()?;
    if event.cancelled {
        return Err(AppError::conflict_code(
            "event_cancelled",
            "this event has been cancelled",
        ));
    }
    if event.ends_at < db::now() {
        return Err(AppError::conflict_code(
            "event_ended",
            "this event has ended",
        ));
    }
    match JoinMode::parse(&event.join_mode).unwrap_or(JoinMode::Free) {
        JoinMode::Free => Ok(()),
        JoinMode::Restricted if access.is_member() || access.moderator => Ok(()),
        JoinMode::Restricted => Err(AppError::denied(
            "members_only",
            "only members of this community can answer this event",
        )),
        JoinMode::Invite if access.moderator => Ok(()),
        JoinMode::Invite => Err(AppError::denied(
            "invite_only",
            "this event is by invitation only",
        )),
    }
}

fn require_room(event: &DbEvent) -> AppResult<()> {
    if event.capacity.is_some_and(|c| event.going_count >= c) {
        return Err(AppError::conflict_code("event_full", "this event is full"));
    }
    Ok(())
}

/// Who answered an event. Facilitators see every answer; others see who is going, for
/// events in public communities only.
pub async fn attendees(
    state: &AppState,
    viewer: Option<&Actor>,
    id: i64,
) -> AppResult<Vec<(DbPerson, Rsvp)>> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| {
            let d = detail(conn, id, viewer.as_ref())?;
            let public = Visibility::from_db(&d.community.visibility)? == Visibility::Public;
            if !d.facilitator && !public {
                return Err(AppError::denied(
                    "not_moderator",
                    "only facilitators see who answered this event",
                ));
            }
            Ok(db::events::attendees(conn, id)?
                .into_iter()
                .filter_map(|(p, s)| rsvp_from_db(&s).map(|s| (p, s)))
                .filter(|(_, s)| d.facilitator || *s == Rsvp::Going)
                .collect())
        })
        .await
}

/// Someone due a reminder: an event starting soon that they answered going or maybe.
#[derive(Debug, Clone)]
pub struct Reminder {
    /// The event's thread id.
    pub event_id: i64,
    pub title: String,
    pub person_id: i64,
    pub starts_at: NaiveDateTime,
}

/// The reminders due for events that start within `within` from now and have not
/// started yet: one per person (local or remote; the caller keeps local ones) who
/// answered going or maybe, cancelled events left out. For the notifications service.
pub async fn starting_soon(state: &AppState, within: TimeDelta) -> AppResult<Vec<Reminder>> {
    state
        .db
        .read(move |conn| {
            let now = db::now();
            Ok(db::events::starting_between(conn, now, now + within)?
                .into_iter()
                .map(|(event, title, person_id)| Reminder {
                    event_id: event.post_id,
                    title,
                    person_id,
                    starts_at: event.starts_at,
                })
                .collect())
        })
        .await
}

/// Tells the people going to events that start within a day, once each: run by the
/// server's hourly tick. Returns how many reminders it created.
pub async fn remind_starting_soon(state: &AppState) -> AppResult<usize> {
    let due = starting_soon(state, crate::services::notifications::REMINDER_WINDOW).await?;
    let mut events: std::collections::BTreeMap<i64, UpcomingEvent> = Default::default();
    for r in due {
        events
            .entry(r.event_id)
            .or_insert_with(|| UpcomingEvent {
                id: r.event_id,
                title: r.title,
                start: r.starts_at,
                recipients: Vec::new(),
            })
            .recipients
            .push(r.person_id);
    }
    crate::services::notifications::remind_of_events(state, events.into_values().collect()).await
}

/// An answer from another server to one of our events: `Join` (going),
/// `TentativeAccept` (maybe) or `Leave`. Returns whether a `Join` was taken, so that
/// the caller answers it with `Accept` or `Reject`.
pub(crate) fn receive_rsvp(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    post: &DbPost,
    answer: Option<Rsvp>,
    activity_id: &str,
) -> AppResult<bool> {
    if post.deleted || post.removed {
        return Err(AppError::Gone("that event is gone".into()));
    }
    let event = db::events::event(conn, post.id)?
        .ok_or_else(|| AppError::denied("refused", "that thread is not an event"))?;
    let community = db::communities::by_id(conn, post.community_id)?;
    let access = Access::for_person(conn, community, person.id)?;
    db::events::lock(conn, post.id)?;
    let before = db::events::rsvp_of(conn, post.id, person.id)?
        .as_deref()
        .and_then(rsvp_from_db);
    match answer {
        None => {
            if !db::events::clear_rsvp(conn, post.id, person.id)? {
                return Ok(true);
            }
        }
        Some(answer) => {
            if before == Some(answer) {
                return Ok(true);
            }
            let allowed = may_answer(&access, &event, person.id).and_then(|()| match answer {
                Rsvp::Going if before != Some(Rsvp::Going) => require_room(&event),
                _ => Ok(()),
            });
            if allowed.is_err() {
                return Ok(false);
            }
            db::events::set_rsvp(conn, post.id, person.id, answer.as_str(), Some(activity_id))?;
        }
    }
    db::events::recount(conn, post.id)?;
    federate_post(conn, urls, post.id, Change::Update)?;
    Ok(true)
}

/// The event's server refused one of our members' `Join` (full, or not allowed): the
/// answer is dropped here too.
pub(crate) fn join_refused(conn: &mut DbConn, join_id: &str) -> AppResult<()> {
    let Some((post_id, person_id)) = db::events::rsvp_by_ap_id(conn, join_id)? else {
        return Ok(());
    };
    let Some(event) = db::events::event(conn, post_id)? else {
        return Ok(());
    };
    let before = db::events::rsvp_of(conn, post_id, person_id)?
        .as_deref()
        .and_then(rsvp_from_db);
    db::events::clear_rsvp(conn, post_id, person_id)?;
    let (going, maybe) = shifted(&event, before, None);
    db::events::set_counts(conn, post_id, going, maybe)
}

/// An event as another server published it.
#[derive(Debug, Clone)]
pub struct RemoteEvent {
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub timezone: String,
    pub address: Option<String>,
    pub online_link: Option<String>,
    pub capacity: Option<i32>,
    pub join_mode: String,
    pub going_count: i32,
    pub cancelled: bool,
}

/// Stores or refreshes the event of a thread from another server.
pub(crate) fn store_remote(
    conn: &mut DbConn,
    post_id: i64,
    community_id: i64,
    remote: &RemoteEvent,
) -> AppResult<()> {
    let timezone =
        zone(&remote.timezone).map_or_else(|_| "UTC".to_owned(), |tz| tz.name().to_owned());
    let ends_at = if remote.ends_at > remote.starts_at {
        remote.ends_at
    } else {
        remote.starts_at
    };
    let fields = EventFields {
        starts_at: remote.starts_at,
        ends_at,
        timezone,
        address: remote
            .address
            .as_ref()
            .map(|a| a.chars().take(ADDRESS_MAX).collect()),
        online_link: remote.online_link.clone().filter(|l| parse_link(l).is_ok()),
        capacity: remote.capacity.filter(|c| *c > 0),
        join_mode: JoinMode::parse(&remote.join_mode)
            .unwrap_or(JoinMode::Free)
            .as_str()
            .to_owned(),
    };
    match db::events::event(conn, post_id)? {
        Some(current) => {
            db::events::update(conn, post_id, &fields)?;
            db::events::set_counts(
                conn,
                post_id,
                remote.going_count.max(0),
                current.maybe_count,
            )?;
        }
        None => {
            db::events::insert(conn, post_id, community_id, &fields)?;
            db::events::set_counts(conn, post_id, remote.going_count.max(0), 0)?;
        }
    }
    db::events::set_cancelled(conn, post_id, remote.cancelled)
}

/// Adds a session to one of our conferences: facilitators only. The session is a thread
/// of its own in the community, where people take part at their own time; it is never
/// locked by the event ending.
#[tracing::instrument(skip_all, fields(event = id))]
pub async fn add_session(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: SessionInput,
) -> AppResult<EventDetail> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, event) = for_facilitator(conn, id, &actor)?;
            let (title, body, speaker, starts_at, ends_at) = check_session(&event, input)?;
            let community = db::communities::by_id(conn, post.community_id)?;
            let access = Access::load(conn, community, Some(&actor))?;
            let thread_body = session_body(&body, speaker.as_deref());
            let thread = insert_thread(conn, &access, &actor, &title, &thread_body)?;
            db::events::insert_session(
                conn,
                id,
                thread,
                &title,
                speaker.as_deref(),
                starts_at,
                ends_at,
            )?;
            federate_post(conn, &urls, thread, Change::Create)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Changes a session's title, speaker or times (its thread keeps its discussion).
#[tracing::instrument(skip_all, fields(event = id, session = session_id))]
pub async fn edit_session(
    state: &AppState,
    actor: &Actor,
    id: i64,
    session_id: i64,
    input: SessionInput,
) -> AppResult<EventDetail> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (_, event) = for_facilitator(conn, id, &actor)?;
            let session = db::events::session(conn, session_id)?
                .filter(|s| s.event_id == id)
                .ok_or(AppError::NotFound("session"))?;
            let (title, body, speaker, starts_at, ends_at) = check_session(&event, input)?;
            db::events::update_session(
                conn,
                session_id,
                &title,
                speaker.as_deref(),
                starts_at,
                ends_at,
            )?;
            let thread_body = session_body(&body, speaker.as_deref());
            let changes = PostChanges {
                title: Some(title),
                body_html: Some(markdown::render(&thread_body)),
                body: Some(thread_body),
                updated_at: Some(db::now()),
                ..Default::default()
            };
            db::content::update_post(conn, session.post_id, &changes)?;
            federate_post(conn, &urls, session.post_id, Change::Update)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Takes a session off the programme; its thread and discussion stay.
#[tracing::instrument(skip_all, fields(event = id, session = session_id))]
pub async fn remove_session(
    state: &AppState,
    actor: &Actor,
    id: i64,
    session_id: i64,
) -> AppResult<EventDetail> {
    let actor = actor.clone();
    state
        .write_and_deliver(move |conn| {
            for_facilitator(conn, id, &actor)?;
            db::events::session(conn, session_id)?
                .filter(|s| s.event_id == id)
                .ok_or(AppError::NotFound("session"))?;
            db::events::delete_session(conn, session_id)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

type CheckedSession = (String, String, Option<String>, NaiveDateTime, NaiveDateTime);

/// A session's fields, with its times inside the event's.
fn check_session(event: &DbEvent, input: SessionInput) -> AppResult<CheckedSession> {
    let title = text_field("title", &input.title, 1, TITLE_MAX)?;
    let body = text_field("description", &input.description, 0, BODY_MAX)?;
    let speaker = optional(input.speaker)
        .map(|s| text_field("speaker", &s, 1, TITLE_MAX))
        .transpose()?;
    let tz = zone(&event.timezone)?;
    let starts_at = parse_time("starts_at", &input.starts_at, tz)?;
    let ends_at = parse_time("ends_at", &input.ends_at, tz)?;
    if ends_at <= starts_at {
        return Err(AppError::bad_request(
            "invalid_time",
            "the session must end after it starts",
        ));
    }
    if starts_at < event.starts_at || ends_at > event.ends_at {
        return Err(AppError::bad_request(
            "invalid_time",
            "a session runs within its event's times",
        ));
    }
    Ok((title, body, speaker, starts_at, ends_at))
}

fn session_body(description: &str, speaker: Option<&str>) -> String {
    match speaker {
        Some(speaker) => format!("Speaker: {speaker}\n\n{description}"),
        None => description.to_owned(),
    }
}

/// A community's events as a list shows them: each with the viewer's own answer, and
/// without the sessions (which only the event's own page shows).
fn listed(
    conn: &mut DbConn,
    rows: Vec<(DbEvent, DbPost, DbPerson)>,
    viewer: Option<&Actor>,
    access: &Access,
) -> AppResult<Vec<EventDetail>> {
    let ids: Vec<i64> = rows.iter().map(|(e, _, _)| e.post_id).collect();
    let mine = match viewer {
        Some(v) => db::events::rsvps_of(conn, v.person_id, &ids)?,
        None => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .map(|(event, post, organiser)| EventDetail {
            my_rsvp: mine
                .iter()
                .find(|(p, _)| *p == event.post_id)
                .and_then(|(_, s)| rsvp_from_db(s)),
            event,
            post,
            organiser,
            community: access.community.clone(),
            facilitator: access.moderator,
            signed_in: viewer.is_some(),
            sessions: Vec::new(),
        })
        .collect())
}

/// The events of a community for its calendar feed: upcoming and the last month's, as
/// the viewer may read them.
pub async fn community_calendar(
    state: &AppState,
    viewer: Option<&Actor>,
    community: &str,
) -> AppResult<Vec<EventDetail>> {
    let (community, viewer) = (community.to_owned(), viewer.cloned());
    state
        .db
        .read(move |conn| {
            let access = access(conn, &community, viewer.as_ref())?;
            access.require_read()?;
            let mut rows = db::events::list(conn, access.community.id, When::Upcoming, None, 500)?;
            rows.extend(db::events::list(
                conn,
                access.community.id,
                When::Past,
                None,
                50,
            )?);
            listed(conn, rows, viewer.as_ref(), &access)
        })
        .await
}

/// The events a local member answered going or maybe, for their calendar feed. Others
/// see only the events in public communities, and never an online link.
pub async fn member_calendar(
    state: &AppState,
    viewer: Option<&Actor>,
    member: &str,
) -> AppResult<Vec<EventDetail>> {
    let (member, viewer) = (member.to_lowercase(), viewer.cloned());
    state
        .db
        .read(move |conn| {
            let person = db::persons::local_person_by_name(conn, &member)?
                .filter(|p| !p.deleted)
                .ok_or(AppError::NotFound("member"))?;
            let own = viewer.as_ref().is_some_and(|v| v.person_id == person.id);
            let since = db::now() - TimeDelta::days(30);
            let mut out = Vec::new();
            for (event, post, community, status) in
                db::events::answered_by(conn, person.id, since, 500)?
            {
                let visibility = Visibility::from_db(&community.visibility)?;
                let readable = if own {
                    Access::load(conn, community.clone(), viewer.as_ref())?.can_read()
                } else {
                    visibility == Visibility::Public
                };
                if !readable {
                    continue;
                }
                let organiser = db::persons::person(conn, post.author_id)?;
                out.push(EventDetail {
                    my_rsvp: if own { rsvp_from_db(&status) } else { None },
                    event,
                    post,
                    organiser,
                    community,
                    facilitator: false,
                    signed_in: viewer.is_some(),
                    sessions: Vec::new(),
                });
            }
            Ok(out)
        })
        .await
}

/// A time in an event's zone, as people there read it.
pub fn local_time(at: NaiveDateTime, tz: Tz) -> DateTime<Tz> {
    tz.from_utc_datetime(&at)
}

/// When a UTC time is, for the API.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput {
        EventInput {
            title: "Winter meet-up".into(),
            description: "Bring a *question*.".into(),
            starts_at: "2099-01-15T18:30".into(),
            ends_at: "2099-01-15T20:00".into(),
            timezone: "Europe/London".into(),
            address: Some("Town Hall, Leeds".into()),
            ..EventInput::default()
        }
    }

    #[test]
    fn local_times_are_read_in_the_event_zone() {
        let checked = input().check().unwrap();
        assert_eq!(checked.fields.starts_at.to_string(), "2099-01-15 18:30:00");
        let mut summer = input();
        summer.starts_at = "2099-07-15T18:30".into();
        summer.ends_at = "2099-07-15T20:00".into();
        let checked = summer.check().unwrap();
        assert_eq!(
            checked.fields.starts_at.to_string(),
            "2099-07-15 17:30:00",
            "BST is UTC+1"
        );
        let mut offset = input();
        offset.starts_at = "2099-01-15T18:30:00+01:00".into();
        assert_eq!(
            offset.check().unwrap().fields.starts_at.to_string(),
            "2099-01-15 17:30:00"
        );
    }

    #[test]
    fn an_event_needs_a_zone_an_order_and_a_place() {
        let code = |input: EventInput| input.check().unwrap_err().code();
        let mut bad = input();
        bad.timezone = "Mars/Olympus".into();
        assert_eq!(code(bad), "invalid_timezone");
        let mut bad = input();
        bad.ends_at = "2099-01-15T17:00".into();
        assert_eq!(code(bad), "invalid_time");
        let mut bad = input();
        bad.starts_at = "next Tuesday".into();
        assert_eq!(code(bad), "invalid_time");
        let mut bad = input();
        bad.address = Some("  ".into());
        assert_eq!(code(bad), "missing_place");
        let mut bad = input();
        bad.online_link = Some("javascript:alert(1)".into());
        assert_eq!(code(bad), "invalid_url");
        let mut bad = input();
        bad.capacity = Some(0);
        assert_eq!(code(bad), "invalid_capacity");
        let mut bad = input();
        bad.join_mode = Some("secret".into());
        assert_eq!(code(bad), "invalid_join_mode");
        // The hour the clocks skip in London (the last Sunday of March) has no times.
        let mut skipped = input();
        skipped.starts_at = "2099-03-29T01:30".into();
        assert_eq!(code(skipped), "invalid_time");
    }
}
