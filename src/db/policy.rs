//! Queries for the federation policy: the peers an admin allowed or blocked at run time,
//! and closing deliveries the policy refuses.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::*;
use super::{DbConn, now};
use crate::error::{AppError, AppResult};

/// A peer entry as stored: `state` is `allowed` or `blocked`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = federation_peers)]
pub struct DbPeer {
    pub domain: String,
    pub state: String,
    pub created_at: NaiveDateTime,
}

/// Every entry, by domain.
pub fn peers(conn: &mut DbConn) -> AppResult<Vec<DbPeer>> {
    Ok(federation_peers::table
        .order(federation_peers::domain.asc())
        .select(DbPeer::as_select())
        .load(conn)?)
}

pub fn peer(conn: &mut DbConn, domain: &str) -> AppResult<Option<DbPeer>> {
    Ok(federation_peers::table
        .find(domain)
        .select(DbPeer::as_select())
        .first(conn)
        .optional()?)
}

/// Creates the entry or changes its state; an existing entry keeps its `created_at`.
pub fn set_peer(conn: &mut DbConn, domain: &str, state: &str) -> AppResult<DbPeer> {
    if peer(conn, domain)?.is_some() {
        diesel::update(federation_peers::table.find(domain))
            .set(federation_peers::state.eq(state))
            .execute(conn)?;
    } else {
        diesel::insert_into(federation_peers::table)
            .values((
                federation_peers::domain.eq(domain),
                federation_peers::state.eq(state),
                federation_peers::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    peer(conn, domain)?.ok_or(AppError::NotFound("peer"))
}

/// Deletes the entry; false if there was none.
pub fn remove_peer(conn: &mut DbConn, domain: &str) -> AppResult<bool> {
    let deleted = diesel::delete(federation_peers::table.find(domain)).execute(conn)?;
    Ok(deleted > 0)
}

/// Closes a delivery the policy refuses: it is done, never retried, and `last_error`
/// says why for whoever reads the queue.
pub fn drop_delivery(conn: &mut DbConn, id: i64, reason: &str) -> AppResult<()> {
    diesel::update(deliveries::table.find(id))
        .set((
            deliveries::delivered_at.eq(now()),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}
