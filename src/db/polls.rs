//! Queries about polls: their options, the votes cast, and the counts kept beside them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{DbPoll, DbPollOption};
use super::schema::*;
use super::{DbConn, now};
use crate::error::AppResult;

/// Stores a thread's poll with its options, in the order given.
pub fn insert_poll(
    conn: &mut DbConn,
    post_id: i64,
    multiple: bool,
    closes_at: Option<NaiveDateTime>,
    options: &[(String, i32)],
    voters_count: i32,
) -> AppResult<()> {
    diesel::insert_into(polls::table)
        .values((
            polls::post_id.eq(post_id),
            polls::multiple.eq(multiple),
            polls::closes_at.eq(closes_at),
            polls::voters_count.eq(voters_count),
            polls::created_at.eq(now()),
        ))
        .execute(conn)?;
    insert_options(conn, post_id, options)
}

fn insert_options(conn: &mut DbConn, post_id: i64, options: &[(String, i32)]) -> AppResult<()> {
    for (position, (name, votes)) in options.iter().enumerate() {
        diesel::insert_into(poll_options::table)
            .values((
                poll_options::post_id.eq(post_id),
                poll_options::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                poll_options::name.eq(name),
                poll_options::votes.eq(*votes),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A thread's poll and its options in order, if it has one.
pub fn poll(conn: &mut DbConn, post_id: i64) -> AppResult<Option<(DbPoll, Vec<DbPollOption>)>> {
    let Some(poll) = polls::table
        .find(post_id)
        .select(DbPoll::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let options = poll_options::table
        .filter(poll_options::post_id.eq(post_id))
        .order(poll_options::position.asc())
        .select(DbPollOption::as_select())
        .load(conn)?;
    Ok(Some((poll, options)))
}

/// The polls of the given threads with their options in order, in two queries.
pub fn polls_of(
    conn: &mut DbConn,
    post_ids: &[i64],
) -> AppResult<Vec<(DbPoll, Vec<DbPollOption>)>> {
    let polls: Vec<DbPoll> = polls::table
        .filter(polls::post_id.eq_any(post_ids))
        .select(DbPoll::as_select())
        .load(conn)?;
    if polls.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = polls.iter().map(|p| p.post_id).collect();
    let mut options: Vec<DbPollOption> = poll_options::table
        .filter(poll_options::post_id.eq_any(&ids))
        .order((poll_options::post_id.asc(), poll_options::position.asc()))
        .select(DbPollOption::as_select())
        .load(conn)?;
    Ok(polls
        .into_iter()
        .map(|poll| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                options.drain(..).partition(|o| o.post_id == poll.post_id);
            options = rest;
            (poll, mine)
        })
        .collect())
}

/// The positions of the options a person chose in the given polls, as (thread, position).
pub fn choices_of(
    conn: &mut DbConn,
    person_id: i64,
    post_ids: &[i64],
) -> AppResult<Vec<(i64, i32)>> {
    Ok(poll_votes::table
        .inner_join(poll_options::table)
        .filter(poll_votes::person_id.eq(person_id))
        .filter(poll_votes::post_id.eq_any(post_ids))
        .order(poll_options::position.asc())
        .select((poll_votes::post_id, poll_options::position))
        .load(conn)?)
}

/// Every vote a person cast in a poll, as (thread id, option position, option text),
/// by thread and position.
pub fn votes_by_person(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<(i64, i32, String)>> {
    Ok(poll_votes::table
        .inner_join(poll_options::table)
        .filter(poll_votes::person_id.eq(person_id))
        .order((poll_votes::post_id.asc(), poll_options::position.asc()))
        .select((
            poll_votes::post_id,
            poll_options::position,
            poll_options::name,
        ))
        .load(conn)?)
}

/// Whether a vote with this id (of its `Note` or activity) is already counted.
pub fn vote_seen(conn: &mut DbConn, ap_id: &str) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        poll_votes::table.filter(poll_votes::ap_id.eq(ap_id)),
    ))
    .get_result(conn)?)
}

/// Locks a poll's row, so that concurrent voters count one after another and each
/// recount sees the votes committed before it (PostgreSQL runs READ COMMITTED).
pub fn lock(conn: &mut DbConn, post_id: i64) -> AppResult<()> {
    diesel::update(polls::table.find(post_id))
        .set(polls::voters_count.eq(polls::voters_count))
        .execute(conn)?;
    Ok(())
}

/// Removes every vote a person cast in a poll. Call [`recount`] after.
pub fn clear_votes(conn: &mut DbConn, post_id: i64, person_id: i64) -> AppResult<usize> {
    Ok(diesel::delete(
        poll_votes::table
            .filter(poll_votes::post_id.eq(post_id))
            .filter(poll_votes::person_id.eq(person_id)),
    )
    .execute(conn)?)
}

/// Records a person's vote for one option; `ap_id` names the vote elsewhere, if it has
/// a federated form. Call [`recount`] (or [`add_counts`]) after.
pub fn insert_vote(
    conn: &mut DbConn,
    post_id: i64,
    option_id: i64,
    person_id: i64,
    ap_id: Option<&str>,
) -> AppResult<()> {
    diesel::insert_into(poll_votes::table)
        .values((
            poll_votes::option_id.eq(option_id),
            poll_votes::person_id.eq(person_id),
            poll_votes::post_id.eq(post_id),
            poll_votes::ap_id.eq(ap_id),
            poll_votes::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Counts a poll's votes and voters again from the votes stored: for our own polls.
pub fn recount(conn: &mut DbConn, post_id: i64) -> AppResult<()> {
    let options: Vec<i64> = poll_options::table
        .filter(poll_options::post_id.eq(post_id))
        .select(poll_options::id)
        .load(conn)?;
    for option in options {
        let votes: i64 = poll_votes::table
            .filter(poll_votes::option_id.eq(option))
            .count()
            .get_result(conn)?;
        diesel::update(poll_options::table.find(option))
            .set(poll_options::votes.eq(i32::try_from(votes).unwrap_or(i32::MAX)))
            .execute(conn)?;
    }
    let voters: Vec<i64> = poll_votes::table
        .filter(poll_votes::post_id.eq(post_id))
        .select(poll_votes::person_id)
        .distinct()
        .load(conn)?;
    diesel::update(polls::table.find(post_id))
        .set(polls::voters_count.eq(i32::try_from(voters.len()).unwrap_or(i32::MAX)))
        .execute(conn)?;
    Ok(())
}

/// Adds one voter and one vote per option to the counts another server published, until
/// it publishes fresh ones: for remote polls, whose votes are counted there.
pub fn add_counts(conn: &mut DbConn, post_id: i64, option_ids: &[i64]) -> AppResult<()> {
    diesel::update(poll_options::table.filter(poll_options::id.eq_any(option_ids)))
        .set(poll_options::votes.eq(poll_options::votes + 1))
        .execute(conn)?;
    diesel::update(polls::table.find(post_id))
        .set(polls::voters_count.eq(polls::voters_count + 1))
        .execute(conn)?;
    Ok(())
}

/// Replaces what is known of a remote poll with what its server published: the options
/// and their counts (kept, with their votes, when the names are unchanged), the number
/// of voters and the closing time.
pub fn refresh_remote(
    conn: &mut DbConn,
    post_id: i64,
    multiple: bool,
    closes_at: Option<NaiveDateTime>,
    options: &[(String, i32)],
    voters_count: i32,
) -> AppResult<()> {
    let Some((_, current)) = poll(conn, post_id)? else {
        return insert_poll(conn, post_id, multiple, closes_at, options, voters_count);
    };
    diesel::update(polls::table.find(post_id))
        .set((
            polls::multiple.eq(multiple),
            polls::closes_at.eq(closes_at),
            polls::voters_count.eq(voters_count),
        ))
        .execute(conn)?;
    let same = current.len() == options.len()
        && current
            .iter()
            .zip(options)
            .all(|(c, (name, _))| &c.name == name);
    if same {
        for (option, (_, votes)) in current.iter().zip(options) {
            diesel::update(poll_options::table.find(option.id))
                .set(poll_options::votes.eq(*votes))
                .execute(conn)?;
        }
        return Ok(());
    }
    diesel::delete(poll_options::table.filter(poll_options::post_id.eq(post_id))).execute(conn)?;
    insert_options(conn, post_id, options)
}
