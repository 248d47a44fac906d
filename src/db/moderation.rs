//! Queries about reports and the moderation log.

use diesel::prelude::*;

use super::models::*;
use super::schema::*;
use super::{DbConn, last_insert_id, now};
use crate::error::AppResult;

pub fn insert_report(
    conn: &mut DbConn,
    community_id: i64,
    reporter_id: i64,
    post_id: Option<i64>,
    comment_id: Option<i64>,
    reason: &str,
) -> AppResult<i64> {
    diesel::insert_into(reports::table)
        .values((
            reports::community_id.eq(community_id),
            reports::reporter_id.eq(reporter_id),
            reports::post_id.eq(post_id),
            reports::comment_id.eq(comment_id),
            reports::reason.eq(reason),
            reports::created_at.eq(now()),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn report(conn: &mut DbConn, id: i64) -> AppResult<Option<DbReport>> {
    Ok(reports::table
        .find(id)
        .select(DbReport::as_select())
        .first(conn)
        .optional()?)
}

pub fn reports(
    conn: &mut DbConn,
    community_id: i64,
    resolved: bool,
    after: i64,
    limit: i64,
) -> AppResult<Vec<DbReport>> {
    Ok(reports::table
        .filter(reports::community_id.eq(community_id))
        .filter(reports::resolved.eq(resolved))
        .filter(reports::id.gt(after))
        .order(reports::id.asc())
        .limit(limit)
        .select(DbReport::as_select())
        .load(conn)?)
}

pub fn resolve_report(conn: &mut DbConn, id: i64, resolver: i64) -> AppResult<()> {
    diesel::update(reports::table.find(id))
        .set((
            reports::resolved.eq(true),
            reports::resolved_by.eq(resolver),
            reports::resolved_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn log_action(conn: &mut DbConn, action: &NewModAction) -> AppResult<()> {
    diesel::insert_into(mod_log::table)
        .values(action)
        .execute(conn)?;
    Ok(())
}

/// A community's moderation log, newest first, before the cursor's id.
pub fn mod_log(
    conn: &mut DbConn,
    community_id: i64,
    before: i64,
    limit: i64,
) -> AppResult<Vec<DbModAction>> {
    Ok(mod_log::table
        .filter(mod_log::community_id.eq(community_id))
        .filter(mod_log::id.lt(before))
        .order(mod_log::id.desc())
        .limit(limit)
        .select(DbModAction::as_select())
        .load(conn)?)
}

/// Records an instance-wide ban, replacing any earlier one.
pub fn put_instance_ban(
    conn: &mut DbConn,
    person_id: i64,
    banned_by: Option<i64>,
    reason: &str,
    expires_at: Option<chrono::NaiveDateTime>,
) -> AppResult<()> {
    delete_instance_ban(conn, person_id)?;
    diesel::insert_into(instance_bans::table)
        .values((
            instance_bans::person_id.eq(person_id),
            instance_bans::banned_by.eq(banned_by),
            instance_bans::reason.eq(reason),
            instance_bans::created_at.eq(now()),
            instance_bans::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_instance_ban(conn: &mut DbConn, person_id: i64) -> AppResult<bool> {
    Ok(diesel::delete(instance_bans::table.find(person_id)).execute(conn)? == 1)
}

/// The instance-wide ban on a person in force at `at`, if any.
pub fn active_instance_ban(
    conn: &mut DbConn,
    person_id: i64,
    at: chrono::NaiveDateTime,
) -> AppResult<Option<DbInstanceBan>> {
    Ok(instance_bans::table
        .find(person_id)
        .filter(
            instance_bans::expires_at
                .is_null()
                .or(instance_bans::expires_at.gt(at)),
        )
        .select(DbInstanceBan::as_select())
        .first(conn)
        .optional()?)
}

/// Instance-wide bans with the banned person, in person order after `after`.
pub fn instance_bans(
    conn: &mut DbConn,
    after: i64,
    limit: i64,
) -> AppResult<Vec<(DbInstanceBan, DbPerson)>> {
    Ok(instance_bans::table
        .inner_join(persons::table)
        .filter(instance_bans::person_id.gt(after))
        .order(instance_bans::person_id.asc())
        .limit(limit)
        .select((DbInstanceBan::as_select(), DbPerson::as_select()))
        .load(conn)?)
}
