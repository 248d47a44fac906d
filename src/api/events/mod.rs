//! Events and online conferences.
pub mod add_session;
pub mod cancel_event;
pub mod create_event;
pub mod edit_event;
pub mod edit_session;
pub mod get_event;
pub mod list_attendees;
pub mod list_events;
pub mod remove_session;
pub mod rsvp_event;
pub mod withdraw_rsvp;

use serde::Deserialize;
use utoipa::ToSchema;

/// An event as a facilitator writes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    title: String,
    /// Markdown.
    #[serde(default)]
    description: String,
    /// RFC 3339 with an offset, or a local date and time (`2026-12-01T18:00`) in
    /// `timezone`.
    starts_at: String,
    ends_at: String,
    /// An IANA zone name, such as `Europe/London`.
    timezone: String,
    /// A physical address; give it, an online link, or both.
    address: Option<String>,
    /// An http or https link, shown only to people going.
    online_link: Option<String>,
    /// How many may go (1 to 1,000,000); no limit if absent.
    capacity: Option<i32>,
    /// `free` (the default), `restricted` (community members only) or `invite`
    /// (facilitators add people).
    join_mode: Option<String>,
}

impl From<EventRequest> for crate::services::events::EventInput {
    fn from(r: EventRequest) -> Self {
        crate::services::events::EventInput {
            title: r.title,
            description: r.description,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            timezone: r.timezone,
            address: r.address,
            online_link: r.online_link,
            capacity: r.capacity,
            join_mode: r.join_mode,
        }
    }
}

/// A member's answer to an event.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RsvpRequest {
    /// `going`, `maybe` or `declined`.
    pub status: String,
}

/// Cancels an event, or with `false` takes the cancellation back.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub cancelled: bool,
}

/// A session of an online conference; it becomes a thread in the community.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    title: String,
    /// Markdown: the body of the session's thread.
    #[serde(default)]
    description: String,
    speaker: Option<String>,
    /// Within the event's times; read as the event's are.
    starts_at: String,
    ends_at: String,
}

impl From<SessionRequest> for crate::services::events::SessionInput {
    fn from(r: SessionRequest) -> Self {
        crate::services::events::SessionInput {
            title: r.title,
            description: r.description,
            speaker: r.speaker,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
        }
    }
}
