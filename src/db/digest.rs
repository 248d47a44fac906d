//! Queries for the activity digest: what happened in a member's communities in a window.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::models::*;
use super::schema::*;
use crate::error::AppResult;

/// The communities a person is an accepted member of.
pub fn member_communities(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<DbCommunity>> {
    Ok(community_members::table
        .inner_join(communities::table)
        .filter(community_members::person_id.eq(person_id))
        .filter(community_members::state.eq("accepted"))
        .filter(communities::deleted.eq(false))
        .order(communities::title.asc())
        .select(DbCommunity::as_select())
        .load(conn)?)
}

/// A community's live threads started in `[since, until)`, best first, with authors.
pub fn new_threads(
    conn: &mut DbConn,
    community_id: i64,
    since: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<(DbPost, DbPerson)>> {
    Ok(posts::table
        .inner_join(persons::table)
        .filter(posts::community_id.eq(community_id))
        .filter(posts::created_at.ge(since))
        .filter(posts::created_at.lt(until))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .order(((posts::upvotes - posts::downvotes).desc(), posts::id.desc()))
        .limit(limit)
        .select((DbPost::as_select(), DbPerson::as_select()))
        .load(conn)?)
}

/// A community's best live replies written in `[since, until)`, with their threads and
/// authors.
pub fn top_replies(
    conn: &mut DbConn,
    community_id: i64,
    since: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<(DbComment, DbPost, DbPerson)>> {
    Ok(comments::table
        .inner_join(posts::table)
        .inner_join(persons::table.on(persons::id.eq(comments::author_id)))
        .filter(posts::community_id.eq(community_id))
        .filter(comments::created_at.ge(since))
        .filter(comments::created_at.lt(until))
        .filter(comments::deleted.eq(false))
        .filter(comments::removed.eq(false))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .order((
            (comments::upvotes - comments::downvotes).desc(),
            comments::id.desc(),
        ))
        .limit(limit)
        .select((
            DbComment::as_select(),
            DbPost::as_select(),
            DbPerson::as_select(),
        ))
        .load(conn)?)
}
