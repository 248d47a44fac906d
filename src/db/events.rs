//! Queries about events: their time and place, the answers members gave, the counts
//! kept beside them, and an online conference's sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{DbCommunity, DbEvent, DbEventSession, DbPerson, DbPost, EventFields};
use super::schema::*;
use super::{DbConn, last_insert_id, now};
use crate::error::AppResult;

/// Stores the event a thread is.
pub fn insert(
    conn: &mut DbConn,
    post_id: i64,
    community_id: i64,
    fields: &EventFields,
) -> AppResult<()> {
    diesel::insert_into(events::table)
        .values((
            events::post_id.eq(post_id),
            events::community_id.eq(community_id),
            fields,
            events::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Changes an event's time, place, capacity or join mode.
pub fn update(conn: &mut DbConn, post_id: i64, fields: &EventFields) -> AppResult<()> {
    diesel::update(events::table.find(post_id))
        .set(fields)
        .execute(conn)?;
    Ok(())
}

pub fn event(conn: &mut DbConn, post_id: i64) -> AppResult<Option<DbEvent>> {
    Ok(events::table
        .find(post_id)
        .select(DbEvent::as_select())
        .first(conn)
        .optional()?)
}

/// The events among the given threads.
pub fn events_of(conn: &mut DbConn, post_ids: &[i64]) -> AppResult<Vec<DbEvent>> {
    Ok(events::table
        .filter(events::post_id.eq_any(post_ids))
        .select(DbEvent::as_select())
        .load(conn)?)
}

pub fn set_cancelled(conn: &mut DbConn, post_id: i64, cancelled: bool) -> AppResult<()> {
    diesel::update(events::table.find(post_id))
        .set(events::cancelled.eq(cancelled))
        .execute(conn)?;
    Ok(())
}

/// Which end of a community's calendar to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Not yet ended, soonest first.
    Upcoming,
    /// Ended, latest first.
    Past,
}

/// One page of a community's events with their threads and organisers. `after` is the
/// (start, thread id) of the previous page's last event. Removed and deleted threads are
/// left out.
pub fn list(
    conn: &mut DbConn,
    community_id: i64,
    when: When,
    after: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> AppResult<Vec<(DbEvent, DbPost, DbPerson)>> {
    let mut query = events::table
        .inner_join(posts::table.inner_join(persons::table))
        .filter(events::community_id.eq(community_id))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .select((
            DbEvent::as_select(),
            DbPost::as_select(),
            DbPerson::as_select(),
        ))
        .limit(limit)
        .into_boxed();
    let at = now();
    match when {
        When::Upcoming => {
            query = query
                .filter(events::ends_at.ge(at))
                .order((events::starts_at.asc(), events::post_id.asc()));
            if let Some((start, id)) = after {
                query = query.filter(
                    events::starts_at
                        .gt(start)
                        .or(events::starts_at.eq(start).and(events::post_id.gt(id))),
                );
            }
        }
        When::Past => {
            query = query
                .filter(events::ends_at.lt(at))
                .order((events::starts_at.desc(), events::post_id.desc()));
            if let Some((start, id)) = after {
                query = query.filter(
                    events::starts_at
                        .lt(start)
                        .or(events::starts_at.eq(start).and(events::post_id.lt(id))),
                );
            }
        }
    }
    Ok(query.load(conn)?)
}

/// The events a person answered going or maybe to, in communities they may read, from
/// `since` on, soonest first, with their threads and communities.
pub fn answered_by(
    conn: &mut DbConn,
    person_id: i64,
    since: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<(DbEvent, DbPost, DbCommunity, String)>> {
    Ok(event_rsvps::table
        .inner_join(events::table.inner_join(posts::table.inner_join(communities::table)))
        .filter(event_rsvps::person_id.eq(person_id))
        .filter(event_rsvps::status.eq_any(["going", "maybe"]))
        .filter(events::ends_at.ge(since))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .order(events::starts_at.asc())
        .limit(limit)
        .select((
            DbEvent::as_select(),
            DbPost::as_select(),
            DbCommunity::as_select(),
            event_rsvps::status,
        ))
        .load(conn)?)
}

/// Every answer a person gave to an event, as (event thread id, answer, when), oldest
/// first: for their data export.
pub fn rsvps_by_person(
    conn: &mut DbConn,
    person_id: i64,
) -> AppResult<Vec<(i64, String, NaiveDateTime)>> {
    Ok(event_rsvps::table
        .filter(event_rsvps::person_id.eq(person_id))
        .order((event_rsvps::created_at.asc(), event_rsvps::post_id.asc()))
        .select((
            event_rsvps::post_id,
            event_rsvps::status,
            event_rsvps::created_at,
        ))
        .load(conn)?)
}

/// Local events that start between `from` and `to` and are not cancelled, with the
/// people who answered going or maybe: what a reminder needs.
pub fn starting_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> AppResult<Vec<(DbEvent, String, i64)>> {
    Ok(events::table
        .inner_join(event_rsvps::table)
        .inner_join(posts::table)
        .filter(events::starts_at.ge(from))
        .filter(events::starts_at.lt(to))
        .filter(events::cancelled.eq(false))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .filter(event_rsvps::status.eq_any(["going", "maybe"]))
        .order((events::starts_at.asc(), event_rsvps::person_id.asc()))
        .select((DbEvent::as_select(), posts::title, event_rsvps::person_id))
        .load(conn)?)
}

/// A person's answer to an event, if they gave one.
pub fn rsvp_of(conn: &mut DbConn, post_id: i64, person_id: i64) -> AppResult<Option<String>> {
    Ok(event_rsvps::table
        .find((post_id, person_id))
        .select(event_rsvps::status)
        .first(conn)
        .optional()?)
}

/// The viewer's answers to the given events, as (thread, status).
pub fn rsvps_of(
    conn: &mut DbConn,
    person_id: i64,
    post_ids: &[i64],
) -> AppResult<Vec<(i64, String)>> {
    Ok(event_rsvps::table
        .filter(event_rsvps::person_id.eq(person_id))
        .filter(event_rsvps::post_id.eq_any(post_ids))
        .select((event_rsvps::post_id, event_rsvps::status))
        .load(conn)?)
}

/// The event and person an answer with this federated id belongs to.
pub fn rsvp_by_ap_id(conn: &mut DbConn, ap_id: &str) -> AppResult<Option<(i64, i64)>> {
    Ok(event_rsvps::table
        .filter(event_rsvps::ap_id.eq(ap_id))
        .select((event_rsvps::post_id, event_rsvps::person_id))
        .first(conn)
        .optional()?)
}

/// Records or changes a person's answer; `ap_id` names it elsewhere, if it was federated.
pub fn set_rsvp(
    conn: &mut DbConn,
    post_id: i64,
    person_id: i64,
    status: &str,
    ap_id: Option<&str>,
) -> AppResult<()> {
    clear_rsvp(conn, post_id, person_id)?;
    diesel::insert_into(event_rsvps::table)
        .values((
            event_rsvps::post_id.eq(post_id),
            event_rsvps::person_id.eq(person_id),
            event_rsvps::status.eq(status),
            event_rsvps::ap_id.eq(ap_id),
            event_rsvps::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a person's answer. Returns whether there was one.
pub fn clear_rsvp(conn: &mut DbConn, post_id: i64, person_id: i64) -> AppResult<bool> {
    Ok(diesel::delete(event_rsvps::table.find((post_id, person_id))).execute(conn)? > 0)
}

/// Locks an event's row, so that answers near the capacity count one after another
/// (PostgreSQL runs READ COMMITTED).
pub fn lock(conn: &mut DbConn, post_id: i64) -> AppResult<()> {
    diesel::update(events::table.find(post_id))
        .set(events::going_count.eq(events::going_count))
        .execute(conn)?;
    Ok(())
}

/// Counts an event's answers again from those stored: for our own events.
pub fn recount(conn: &mut DbConn, post_id: i64) -> AppResult<(i32, i32)> {
    let count = |conn: &mut DbConn, status: &str| -> AppResult<i32> {
        let n: i64 = event_rsvps::table
            .filter(event_rsvps::post_id.eq(post_id))
            .filter(event_rsvps::status.eq(status))
            .count()
            .get_result(conn)?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    };
    let (going, maybe) = (count(conn, "going")?, count(conn, "maybe")?);
    set_counts(conn, post_id, going, maybe)?;
    Ok((going, maybe))
}

/// Sets an event's counts: for remote events, the ones their server published.
pub fn set_counts(conn: &mut DbConn, post_id: i64, going: i32, maybe: i32) -> AppResult<()> {
    diesel::update(events::table.find(post_id))
        .set((events::going_count.eq(going), events::maybe_count.eq(maybe)))
        .execute(conn)?;
    Ok(())
}

/// The people who answered an event, by answer and then by when they answered.
pub fn attendees(conn: &mut DbConn, post_id: i64) -> AppResult<Vec<(DbPerson, String)>> {
    Ok(event_rsvps::table
        .inner_join(persons::table)
        .filter(event_rsvps::post_id.eq(post_id))
        .order((event_rsvps::status.asc(), event_rsvps::created_at.asc()))
        .select((DbPerson::as_select(), event_rsvps::status))
        .load(conn)?)
}

/// Stores one session of a conference.
pub fn insert_session(
    conn: &mut DbConn,
    event_id: i64,
    post_id: i64,
    title: &str,
    speaker: Option<&str>,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
) -> AppResult<i64> {
    diesel::insert_into(event_sessions::table)
        .values((
            event_sessions::event_id.eq(event_id),
            event_sessions::post_id.eq(post_id),
            event_sessions::title.eq(title),
            event_sessions::speaker.eq(speaker),
            event_sessions::starts_at.eq(starts_at),
            event_sessions::ends_at.eq(ends_at),
            event_sessions::created_at.eq(now()),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn update_session(
    conn: &mut DbConn,
    id: i64,
    title: &str,
    speaker: Option<&str>,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(event_sessions::table.find(id))
        .set((
            event_sessions::title.eq(title),
            event_sessions::speaker.eq(speaker),
            event_sessions::starts_at.eq(starts_at),
            event_sessions::ends_at.eq(ends_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_session(conn: &mut DbConn, id: i64) -> AppResult<()> {
    diesel::delete(event_sessions::table.find(id)).execute(conn)?;
    Ok(())
}

pub fn session(conn: &mut DbConn, id: i64) -> AppResult<Option<DbEventSession>> {
    Ok(event_sessions::table
        .find(id)
        .select(DbEventSession::as_select())
        .first(conn)
        .optional()?)
}

/// A conference's sessions in the order they run.
pub fn sessions(conn: &mut DbConn, event_id: i64) -> AppResult<Vec<DbEventSession>> {
    Ok(event_sessions::table
        .filter(event_sessions::event_id.eq(event_id))
        .order((event_sessions::starts_at.asc(), event_sessions::id.asc()))
        .select(DbEventSession::as_select())
        .load(conn)?)
}
