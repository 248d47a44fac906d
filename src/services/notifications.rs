//! In-app notifications: what a member is told about (replies, mentions, moderation,
//! join requests and approvals, event reminders), created in the same transaction as
//! whatever caused them, and read, counted and marked read here.

use chrono::{NaiveDateTime, TimeDelta};

use crate::db::models::{DbComment, DbNotification, DbPerson, DbPost, NewNotification};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::urls::Urls;
use crate::pagination::{Page, PageParams, page};
use crate::services::Actor;
use crate::state::AppState;

/// What a notification is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Someone replied to your thread, comment or blog post.
    Reply,
    /// Someone named you (`@name`) in a thread or comment.
    Mention,
    /// A facilitator removed or locked your content, or banned you.
    Moderation,
    /// Your request to join a community was approved.
    JoinApproved,
    /// Someone asked to join a community you facilitate.
    JoinRequest,
    /// An event you are going to starts within a day.
    EventReminder,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reply => "reply",
            Kind::Mention => "mention",
            Kind::Moderation => "moderation",
            Kind::JoinApproved => "join_approved",
            Kind::JoinRequest => "join_request",
            Kind::EventReminder => "event_reminder",
        }
    }

    pub fn from_db(s: &str) -> Option<Kind> {
        Some(match s {
            "reply" => Kind::Reply,
            "mention" => Kind::Mention,
            "moderation" => Kind::Moderation,
            "join_approved" => Kind::JoinApproved,
            "join_request" => Kind::JoinRequest,
            "event_reminder" => Kind::EventReminder,
            _ => return None,
        })
    }
}

/// A notification with the person who caused it, if any.
#[derive(Debug)]
pub struct NotificationDetail {
    pub notification: DbNotification,
    pub actor: Option<DbPerson>,
}

/// Records a notification for a local member. Nobody is told about their own doing, and
/// people on other servers are told by their own server, so both are skipped.
/// Returns whether it recorded one.
pub(crate) fn notify(conn: &mut DbConn, mut new: NewNotification) -> AppResult<bool> {
    if new.actor_id == Some(new.recipient_id) {
        return Ok(false);
    }
    let recipient = db::persons::person(conn, new.recipient_id)?;
    if recipient.domain.is_some() || recipient.deleted {
        return Ok(false);
    }
    new.created_at = db::now();
    db::notifications::insert(conn, &new)?;
    Ok(true)
}

/// Tells the author of what a new comment replies to (the parent comment, or else the
/// thread), and everyone it mentions.
pub(crate) fn on_comment(
    conn: &mut DbConn,
    urls: &Urls,
    comment: &DbComment,
    post: &DbPost,
) -> AppResult<()> {
    let author = db::persons::person(conn, comment.author_id)?;
    let parent_author = match comment.parent_id {
        Some(id) => db::content::comment(conn, id)?.map(|c| c.author_id),
        None => None,
    };
    let recipient = parent_author.unwrap_or(post.author_id);
    let what = if parent_author.is_some() {
        "your comment"
    } else {
        "your thread"
    };
    let link = format!("/post/{}#comment-{}", post.id, comment.id);
    notify(
        conn,
        NewNotification {
            recipient_id: recipient,
            kind: Kind::Reply.as_str().into(),
            actor_id: Some(author.id),
            summary: format!("{} replied to {what} “{}”", handle(&author), post.title),
            link: link.clone(),
            community_id: Some(post.community_id),
            post_id: Some(post.id),
            comment_id: Some(comment.id),
            ..Default::default()
        },
    )?;
    on_mentions(
        conn,
        urls,
        &comment.body,
        &author,
        &[recipient],
        NewNotification {
            summary: format!(
                "{} mentioned you in a reply to “{}”",
                handle(&author),
                post.title
            ),
            link,
            community_id: Some(post.community_id),
            post_id: Some(post.id),
            comment_id: Some(comment.id),
            ..Default::default()
        },
    )
}

/// Tells everyone a new thread mentions.
pub(crate) fn on_thread(conn: &mut DbConn, urls: &Urls, post: &DbPost) -> AppResult<()> {
    let author = db::persons::person(conn, post.author_id)?;
    on_mentions(
        conn,
        urls,
        &post.body,
        &author,
        &[],
        NewNotification {
            summary: format!("{} mentioned you in “{}”", handle(&author), post.title),
            link: format!("/post/{}", post.id),
            community_id: Some(post.community_id),
            post_id: Some(post.id),
            ..Default::default()
        },
    )
}

/// Notifies each local member `markdown` names (`@name`, or `@name@this-host`), except
/// those in `already` (told of the same thing another way).
fn on_mentions(
    conn: &mut DbConn,
    urls: &Urls,
    markdown: &str,
    author: &DbPerson,
    already: &[i64],
    template: NewNotification,
) -> AppResult<()> {
    let here = crate::federation::nodeinfo::host_key(&urls.instance()?).unwrap_or_default();
    let mut told: Vec<i64> = already.to_vec();
    for (name, host) in crate::federation::objects::mentioned_handles(markdown)
        .into_iter()
        .take(20)
    {
        // A mention with a host names someone here only if the host is ours.
        if host.as_deref().is_some_and(|h| h != here) {
            continue;
        }
        let Some(person) = db::persons::local_person_by_name(conn, &name.to_lowercase())? else {
            continue;
        };
        if told.contains(&person.id) {
            continue;
        }
        told.push(person.id);
        notify(
            conn,
            NewNotification {
                recipient_id: person.id,
                kind: Kind::Mention.as_str().into(),
                actor_id: Some(author.id),
                ..template.clone()
            },
        )?;
    }
    Ok(())
}

/// The name people see for `person`: `@name`, with the host for someone elsewhere.
pub(crate) fn handle(person: &DbPerson) -> String {
    match &person.domain {
        Some(domain) => format!("@{}@{domain}", person.name),
        None => format!("@{}", person.name),
    }
}

/// Tells a member a facilitator acted on them or their content: `what` names the
/// recipient, the facilitator (`actor_id`), the sentence, the link and the subject.
pub(crate) fn on_moderation(conn: &mut DbConn, what: NewNotification) -> AppResult<()> {
    notify(
        conn,
        NewNotification {
            kind: Kind::Moderation.as_str().into(),
            ..what
        },
    )?;
    Ok(())
}

/// Tells a community's facilitators that `person` asked to join.
pub(crate) fn on_join_request(
    conn: &mut DbConn,
    community: &crate::db::models::DbCommunity,
    person: &DbPerson,
) -> AppResult<()> {
    for moderator in db::communities::moderators(conn, community.id)? {
        notify(
            conn,
            NewNotification {
                recipient_id: moderator.id,
                kind: Kind::JoinRequest.as_str().into(),
                actor_id: Some(person.id),
                summary: format!("{} asked to join {}", handle(person), community.title),
                link: format!("/c/{}/manage/members", community.name),
                community_id: Some(community.id),
                ..Default::default()
            },
        )?;
    }
    Ok(())
}

/// Tells a member their request to join was approved.
pub(crate) fn on_join_approved(
    conn: &mut DbConn,
    community: &crate::db::models::DbCommunity,
    person_id: i64,
    moderator_id: i64,
) -> AppResult<()> {
    notify(
        conn,
        NewNotification {
            recipient_id: person_id,
            kind: Kind::JoinApproved.as_str().into(),
            actor_id: Some(moderator_id),
            summary: format!("You are now a member of {}", community.title),
            link: format!("/c/{}", community.name),
            community_id: Some(community.id),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// How far ahead of an event its reminder goes out.
pub const REMINDER_WINDOW: TimeDelta = TimeDelta::hours(24);

/// Whether an event starting at `start` is due a reminder at `now`: it has not begun and
/// begins within [`REMINDER_WINDOW`].
pub fn reminder_due(start: NaiveDateTime, now: NaiveDateTime) -> bool {
    start > now && start - now <= REMINDER_WINDOW
}

/// An event someone is going to, as the reminder needs it.
#[derive(Debug, Clone)]
pub struct UpcomingEvent {
    pub id: i64,
    pub title: String,
    pub start: NaiveDateTime,
    /// The people going (local or not; only local members are told).
    pub recipients: Vec<i64>,
}

/// Creates the reminders an event is due at `now`, once per member however often it is
/// called; returns how many it created.
pub fn create_event_reminders(
    conn: &mut DbConn,
    event: &UpcomingEvent,
    now: NaiveDateTime,
) -> AppResult<usize> {
    if !reminder_due(event.start, now) {
        return Ok(0);
    }
    let mut created = 0;
    for &recipient in &event.recipients {
        if db::notifications::has_event_reminder(conn, recipient, event.id)? {
            continue;
        }
        let told = notify(
            conn,
            NewNotification {
                recipient_id: recipient,
                kind: Kind::EventReminder.as_str().into(),
                summary: format!(
                    "“{}” starts at {} UTC",
                    event.title,
                    event.start.format("%Y-%m-%d %H:%M")
                ),
                link: format!("/events/{}", event.id),
                event_id: Some(event.id),
                ..Default::default()
            },
        )?;
        created += usize::from(told);
    }
    Ok(created)
}

/// The hourly hook for event reminders: give it the events starting within a day, each
/// with the people going, and it records the reminders due. Scheduled by the server's
/// hourly tick once events exist.
pub async fn remind_of_events(state: &AppState, events: Vec<UpcomingEvent>) -> AppResult<usize> {
    state
        .db
        .write(move |conn| {
            let now = db::now();
            let mut created = 0;
            for event in &events {
                created += create_event_reminders(conn, event, now)?;
            }
            Ok(created)
        })
        .await
}

/// A page of the member's notifications, newest first; only unread ones if asked.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    unread_only: bool,
    params: PageParams,
) -> AppResult<Page<NotificationDetail>> {
    let limit = params.limit()?;
    let before = params.key::<1>()?.map(|[id]| id);
    let person_id = actor.person_id;
    let rows = state
        .db
        .read(move |conn| db::notifications::list(conn, person_id, unread_only, before, limit + 1))
        .await?;
    let rows = rows
        .into_iter()
        .map(|(notification, actor)| NotificationDetail {
            notification,
            actor,
        })
        .collect();
    Ok(page(rows, limit, |d: &NotificationDetail| {
        [d.notification.id]
    }))
}

pub async fn unread_count(state: &AppState, actor: &Actor) -> AppResult<i64> {
    let person_id = actor.person_id;
    state
        .db
        .read(move |conn| db::notifications::unread_count(conn, person_id))
        .await
}

/// Marks one of the member's notifications read.
pub async fn mark_read(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let person_id = actor.person_id;
    state
        .db
        .write(move |conn| {
            if !db::notifications::exists_for(conn, person_id, id)? {
                return Err(AppError::NotFound("notification"));
            }
            db::notifications::mark_read(conn, person_id, Some(id), db::now())?;
            Ok(())
        })
        .await
}

/// Marks all the member's notifications read; returns how many were unread.
pub async fn mark_all_read(state: &AppState, actor: &Actor) -> AppResult<usize> {
    let person_id = actor.person_id;
    state
        .db
        .write(move |conn| db::notifications::mark_read(conn, person_id, None, db::now()))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_reminder_is_due_only_within_the_day_before_an_event() {
        let now = at("2026-12-01 09:00");
        assert!(reminder_due(at("2026-12-01 10:00"), now));
        assert!(
            reminder_due(at("2026-12-02 09:00"), now),
            "exactly a day ahead"
        );
        assert!(
            !reminder_due(at("2026-12-02 09:01"), now),
            "more than a day ahead"
        );
        assert!(!reminder_due(at("2026-12-01 09:00"), now), "already begun");
        assert!(!reminder_due(at("2026-11-30 09:00"), now), "in the past");
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [
            Kind::Reply,
            Kind::Mention,
            Kind::Moderation,
            Kind::JoinApproved,
            Kind::JoinRequest,
            Kind::EventReminder,
        ] {
            assert_eq!(Kind::from_db(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::from_db("other"), None);
    }
}
