//! Queries about communities, their moderators, members and bans.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::*;
use super::schema::*;
use super::{DbConn, last_insert_id, now};
use crate::error::AppResult;

pub fn insert(conn: &mut DbConn, community: &NewCommunity) -> AppResult<i64> {
    diesel::insert_into(communities::table)
        .values(community)
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> AppResult<DbCommunity> {
    Ok(communities::table
        .find(id)
        .select(DbCommunity::as_select())
        .first(conn)?)
}

pub fn local_by_name(conn: &mut DbConn, name: &str) -> AppResult<Option<DbCommunity>> {
    Ok(communities::table
        .filter(communities::name.eq(name))
        .filter(communities::domain.is_null())
        .select(DbCommunity::as_select())
        .first(conn)
        .optional()?)
}

/// Communities that are not deleted, in creation order, after the cursor's id.
pub fn list(conn: &mut DbConn, after: i64, limit: i64) -> AppResult<Vec<DbCommunity>> {
    Ok(communities::table
        .filter(communities::deleted.eq(false))
        .filter(communities::id.gt(after))
        .order(communities::id.asc())
        .limit(limit)
        .select(DbCommunity::as_select())
        .load(conn)?)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Communities whose name or title contains `text`, ignoring case, by id.
pub fn search(
    conn: &mut DbConn,
    text: &str,
    after: i64,
    limit: i64,
) -> AppResult<Vec<DbCommunity>> {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    Ok(communities::table
        .filter(communities::deleted.eq(false))
        .filter(communities::id.gt(after))
        .filter(
            lower(communities::name)
                .like(&pattern)
                .escape('\\')
                .or(lower(communities::title).like(&pattern).escape('\\')),
        )
        .order(communities::id.asc())
        .limit(limit)
        .select(DbCommunity::as_select())
        .load(conn)?)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = communities)]
pub struct CommunityChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub description_html: Option<String>,
    pub visibility: Option<String>,
    pub posting_restricted: Option<bool>,
    pub microblog_comments: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update(conn: &mut DbConn, id: i64, changes: &CommunityChanges) -> AppResult<()> {
    diesel::update(communities::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

/// Takes the community's row lock until the transaction ends, so checks such as "is this
/// the last facilitator?" cannot race on PostgreSQL. (SQLite already has one writer.)
pub fn lock(conn: &mut DbConn, id: i64) -> AppResult<()> {
    diesel::update(communities::table.find(id))
        .set(communities::id.eq(communities::id))
        .execute(conn)?;
    Ok(())
}

/// Gives a local community signing keys unless another request already did.
pub fn set_keys_if_missing(
    conn: &mut DbConn,
    id: i64,
    public_key: &str,
    private_key: &str,
) -> AppResult<()> {
    diesel::update(
        communities::table
            .find(id)
            .filter(communities::private_key.is_null()),
    )
    .set((
        communities::public_key.eq(public_key),
        communities::private_key.eq(private_key),
    ))
    .execute(conn)?;
    Ok(())
}

/// Pinned threads, newest first, for the `featured` collection.
pub fn pinned_posts(conn: &mut DbConn, community_id: i64) -> AppResult<Vec<DbPost>> {
    Ok(posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::pinned.eq(true))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .order(posts::id.desc())
        .limit(50)
        .select(DbPost::as_select())
        .load(conn)?)
}

pub fn is_moderator(conn: &mut DbConn, community_id: i64, person_id: i64) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        community_moderators::table.find((community_id, person_id)),
    ))
    .get_result(conn)?)
}

pub fn add_moderator(conn: &mut DbConn, community_id: i64, person_id: i64) -> AppResult<()> {
    diesel::insert_into(community_moderators::table)
        .values((
            community_moderators::community_id.eq(community_id),
            community_moderators::person_id.eq(person_id),
            community_moderators::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn remove_moderator(conn: &mut DbConn, community_id: i64, person_id: i64) -> AppResult<bool> {
    Ok(
        diesel::delete(community_moderators::table.find((community_id, person_id)))
            .execute(conn)?
            == 1,
    )
}

pub fn moderators(conn: &mut DbConn, community_id: i64) -> AppResult<Vec<DbPerson>> {
    Ok(community_moderators::table
        .inner_join(persons::table)
        .filter(community_moderators::community_id.eq(community_id))
        .order(community_moderators::created_at.asc())
        .select(DbPerson::as_select())
        .load(conn)?)
}

pub fn membership(
    conn: &mut DbConn,
    community_id: i64,
    person_id: i64,
) -> AppResult<Option<DbMembership>> {
    Ok(community_members::table
        .find((community_id, person_id))
        .select(DbMembership::as_select())
        .first(conn)
        .optional()?)
}

/// Sets a person's membership state, creating the row if needed.
pub fn set_membership(
    conn: &mut DbConn,
    community_id: i64,
    person_id: i64,
    state: &str,
) -> AppResult<()> {
    let updated = diesel::update(community_members::table.find((community_id, person_id)))
        .set(community_members::state.eq(state))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(community_members::table)
            .values((
                community_members::community_id.eq(community_id),
                community_members::person_id.eq(person_id),
                community_members::state.eq(state),
                community_members::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_membership(conn: &mut DbConn, community_id: i64, person_id: i64) -> AppResult<bool> {
    Ok(
        diesel::delete(community_members::table.find((community_id, person_id))).execute(conn)?
            == 1,
    )
}

/// Members in one state, by person id after the cursor.
pub fn members(
    conn: &mut DbConn,
    community_id: i64,
    state: &str,
    after: i64,
    limit: i64,
) -> AppResult<Vec<(DbMembership, DbPerson)>> {
    Ok(community_members::table
        .inner_join(persons::table)
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::state.eq(state))
        .filter(community_members::person_id.gt(after))
        .order(community_members::person_id.asc())
        .limit(limit)
        .select((DbMembership::as_select(), DbPerson::as_select()))
        .load(conn)?)
}

/// Accepted members, as the database's triggers keep count of them.
pub fn member_count(conn: &mut DbConn, community_id: i64) -> AppResult<i64> {
    Ok(communities::table
        .find(community_id)
        .select(communities::member_count)
        .get_result(conn)?)
}

/// The ban in force for a person, if any.
pub fn active_ban(
    conn: &mut DbConn,
    community_id: i64,
    person_id: i64,
    at: NaiveDateTime,
) -> AppResult<Option<DbBan>> {
    Ok(community_bans::table
        .find((community_id, person_id))
        .filter(
            community_bans::expires_at
                .is_null()
                .or(community_bans::expires_at.gt(at)),
        )
        .select(DbBan::as_select())
        .first(conn)
        .optional()?)
}

/// Whether a person may not take part in a community at `at`: banned from it, or from
/// this whole instance.
pub fn banned_in(
    conn: &mut DbConn,
    community_id: i64,
    person_id: i64,
    at: NaiveDateTime,
) -> AppResult<bool> {
    Ok(active_ban(conn, community_id, person_id, at)?.is_some()
        || super::moderation::active_instance_ban(conn, person_id, at)?.is_some())
}

pub fn put_ban(
    conn: &mut DbConn,
    community_id: i64,
    person_id: i64,
    banned_by: i64,
    reason: &str,
    expires_at: Option<NaiveDateTime>,
) -> AppResult<()> {
    delete_ban(conn, community_id, person_id)?;
    diesel::insert_into(community_bans::table)
        .values((
            community_bans::community_id.eq(community_id),
            community_bans::person_id.eq(person_id),
            community_bans::banned_by.eq(banned_by),
            community_bans::reason.eq(reason),
            community_bans::created_at.eq(now()),
            community_bans::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_ban(conn: &mut DbConn, community_id: i64, person_id: i64) -> AppResult<bool> {
    Ok(diesel::delete(community_bans::table.find((community_id, person_id))).execute(conn)? == 1)
}

pub fn bans(
    conn: &mut DbConn,
    community_id: i64,
    after: i64,
    limit: i64,
) -> AppResult<Vec<(DbBan, DbPerson)>> {
    Ok(community_bans::table
        .inner_join(persons::table.on(persons::id.eq(community_bans::person_id)))
        .filter(community_bans::community_id.eq(community_id))
        .filter(community_bans::person_id.gt(after))
        .order(community_bans::person_id.asc())
        .limit(limit)
        .select((DbBan::as_select(), DbPerson::as_select()))
        .load(conn)?)
}

/// Every membership and request to join a person has, with the community's name, in
/// community order.
pub fn memberships_of(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<(DbMembership, String)>> {
    Ok(community_members::table
        .inner_join(communities::table)
        .filter(community_members::person_id.eq(person_id))
        .order(community_members::community_id.asc())
        .select((DbMembership::as_select(), communities::name))
        .load(conn)?)
}

/// The communities a person facilitates, in id order (the order to lock them in).
pub fn moderated_by(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<DbCommunity>> {
    Ok(community_moderators::table
        .inner_join(communities::table)
        .filter(community_moderators::person_id.eq(person_id))
        .order(communities::id.asc())
        .select(DbCommunity::as_select())
        .load(conn)?)
}

/// Whether anyone but `person_id` is an accepted member.
pub fn has_other_members(conn: &mut DbConn, community_id: i64, person_id: i64) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        community_members::table
            .filter(community_members::community_id.eq(community_id))
            .filter(community_members::state.eq("accepted"))
            .filter(community_members::person_id.ne(person_id)),
    ))
    .get_result(conn)?)
}

/// Ends every membership and request to join a person has.
pub fn delete_memberships_of(conn: &mut DbConn, person_id: i64) -> AppResult<()> {
    diesel::delete(community_members::table.filter(community_members::person_id.eq(person_id)))
        .execute(conn)?;
    Ok(())
}

/// Stops a person facilitating anywhere.
pub fn remove_moderator_everywhere(conn: &mut DbConn, person_id: i64) -> AppResult<()> {
    diesel::delete(
        community_moderators::table.filter(community_moderators::person_id.eq(person_id)),
    )
    .execute(conn)?;
    Ok(())
}
