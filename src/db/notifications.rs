//! Queries about in-app notifications.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::models::*;
use super::schema::*;
use crate::error::AppResult;

pub fn insert(conn: &mut DbConn, notification: &NewNotification) -> AppResult<()> {
    diesel::insert_into(notifications::table)
        .values(notification)
        .execute(conn)?;
    Ok(())
}

/// Whether a member already has a reminder of an event.
pub fn has_event_reminder(conn: &mut DbConn, recipient_id: i64, event_id: i64) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        notifications::table
            .filter(notifications::recipient_id.eq(recipient_id))
            .filter(notifications::event_id.eq(event_id))
            .filter(notifications::kind.eq("event_reminder")),
    ))
    .get_result(conn)?)
}

/// A page of a member's notifications with whoever caused each, newest first.
pub fn list(
    conn: &mut DbConn,
    recipient_id: i64,
    unread_only: bool,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<(DbNotification, Option<DbPerson>)>> {
    let mut query = notifications::table
        .filter(notifications::recipient_id.eq(recipient_id))
        .order(notifications::id.desc())
        .limit(limit)
        .select(DbNotification::as_select())
        .into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    if let Some(before) = before {
        query = query.filter(notifications::id.lt(before));
    }
    let rows: Vec<DbNotification> = query.load(conn)?;
    let ids: Vec<i64> = rows.iter().filter_map(|n| n.actor_id).collect();
    let actors: Vec<DbPerson> = persons::table
        .filter(persons::id.eq_any(&ids))
        .select(DbPerson::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|n| {
            let actor = n
                .actor_id
                .and_then(|id| actors.iter().find(|p| p.id == id).cloned());
            (n, actor)
        })
        .collect())
}

pub fn unread_count(conn: &mut DbConn, recipient_id: i64) -> AppResult<i64> {
    Ok(notifications::table
        .filter(notifications::recipient_id.eq(recipient_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks one notification (or, with `None`, all of them) read; returns how many changed.
pub fn mark_read(
    conn: &mut DbConn,
    recipient_id: i64,
    id: Option<i64>,
    at: NaiveDateTime,
) -> AppResult<usize> {
    let unread = notifications::table
        .filter(notifications::recipient_id.eq(recipient_id))
        .filter(notifications::read_at.is_null());
    let changed = match id {
        Some(id) => diesel::update(unread.filter(notifications::id.eq(id)))
            .set(notifications::read_at.eq(at))
            .execute(conn)?,
        None => diesel::update(unread)
            .set(notifications::read_at.eq(at))
            .execute(conn)?,
    };
    Ok(changed)
}

pub fn exists_for(conn: &mut DbConn, recipient_id: i64, id: i64) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        notifications::table
            .filter(notifications::recipient_id.eq(recipient_id))
            .filter(notifications::id.eq(id)),
    ))
    .get_result(conn)?)
}
