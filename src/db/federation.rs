//! Queries for federation: remote actors, received activity ids and the delivery queue.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::*;
use super::schema::*;
use super::{DbConn, now};
use crate::error::{AppError, AppResult};

/// Records an incoming activity id; false if it was handled before.
pub fn record_activity(conn: &mut DbConn, ap_id: &str) -> AppResult<bool> {
    let seen: bool = diesel::select(diesel::dsl::exists(received_activities::table.find(ap_id)))
        .get_result(conn)?;
    if seen {
        return Ok(false);
    }
    match diesel::insert_into(received_activities::table)
        .values((
            received_activities::ap_id.eq(ap_id),
            received_activities::received_at.eq(now()),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) => match AppError::from(e) {
            // Another request recorded it between our check and insert.
            AppError::Conflict(_) => Ok(false),
            other => Err(other),
        },
    }
}

pub fn activity_seen(conn: &mut DbConn, ap_id: &str) -> AppResult<bool> {
    Ok(
        diesel::select(diesel::dsl::exists(received_activities::table.find(ap_id)))
            .get_result(conn)?,
    )
}

pub fn person_by_ap_id(conn: &mut DbConn, ap_id: &str) -> AppResult<Option<DbPerson>> {
    Ok(persons::table
        .filter(persons::ap_id.eq(ap_id))
        .select(DbPerson::as_select())
        .first(conn)
        .optional()?)
}

pub fn community_by_ap_id(conn: &mut DbConn, ap_id: &str) -> AppResult<Option<DbCommunity>> {
    Ok(communities::table
        .filter(communities::ap_id.eq(ap_id))
        .select(DbCommunity::as_select())
        .first(conn)
        .optional()?)
}

pub fn remote_community(
    conn: &mut DbConn,
    name: &str,
    domain: &str,
) -> AppResult<Option<DbCommunity>> {
    Ok(communities::table
        .filter(communities::name.eq(name))
        .filter(communities::domain.eq(domain))
        .select(DbCommunity::as_select())
        .first(conn)
        .optional()?)
}

/// Runs `insert` and says whether it stored the row. A unique violation means another
/// request stored the same remote row a moment before (two activities naming an actor
/// new to us, say): false, and the caller refreshes that row instead. Only PostgreSQL
/// lets two writers both see the row missing; there the insert runs in a savepoint,
/// which keeps the enclosing transaction usable after it fails. SQLite's writers take
/// turns (`BEGIN IMMEDIATE`, outside diesel's own transaction manager).
fn inserted_unless_raced(
    conn: &mut DbConn,
    insert: impl FnOnce(&mut DbConn) -> QueryResult<usize>,
) -> AppResult<bool> {
    use diesel::result::{DatabaseErrorKind, Error};
    let outcome = match conn {
        DbConn::Postgres(_) => conn.transaction(insert),
        DbConn::Sqlite(_) => insert(conn),
    };
    match outcome {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Inserts or refreshes a remote person, keyed by its id.
pub fn upsert_remote_person(conn: &mut DbConn, row: &RemoteActorRow) -> AppResult<DbPerson> {
    let now = now();
    let changes = (
        persons::display_name.eq(&row.display_name),
        persons::bio_html.eq(&row.summary_html),
        persons::public_key.eq(&row.public_key),
        persons::inbox_url.eq(&row.inbox_url),
        persons::shared_inbox_url.eq(&row.shared_inbox_url),
        persons::last_refreshed_at.eq(now),
    );
    let inserted = person_by_ap_id(conn, &row.ap_id)?.is_none()
        && inserted_unless_raced(conn, |conn| {
            diesel::insert_into(persons::table)
                .values((
                    persons::name.eq(&row.name),
                    persons::domain.eq(&row.domain),
                    persons::ap_id.eq(&row.ap_id),
                    persons::bio.eq(""),
                    persons::created_at.eq(now),
                    changes,
                ))
                .execute(conn)
        })?;
    if !inserted {
        diesel::update(persons::table.filter(persons::ap_id.eq(&row.ap_id)))
            .set((changes, persons::updated_at.eq(now)))
            .execute(conn)?;
    }
    person_by_ap_id(conn, &row.ap_id)?.ok_or(AppError::NotFound("person"))
}

/// Inserts or refreshes a remote community, keyed by its id.
pub fn upsert_remote_community(
    conn: &mut DbConn,
    row: &RemoteActorRow,
    visibility: &str,
    posting_restricted: bool,
) -> AppResult<DbCommunity> {
    let now = now();
    let title = row.display_name.clone().unwrap_or_else(|| row.name.clone());
    let changes = (
        communities::title.eq(title),
        communities::description_html.eq(&row.summary_html),
        communities::visibility.eq(visibility),
        communities::posting_restricted.eq(posting_restricted),
        communities::public_key.eq(&row.public_key),
        communities::inbox_url.eq(&row.inbox_url),
        communities::shared_inbox_url.eq(&row.shared_inbox_url),
        communities::last_refreshed_at.eq(now),
    );
    let inserted = community_by_ap_id(conn, &row.ap_id)?.is_none()
        && inserted_unless_raced(conn, |conn| {
            diesel::insert_into(communities::table)
                .values((
                    communities::name.eq(&row.name),
                    communities::domain.eq(&row.domain),
                    communities::ap_id.eq(&row.ap_id),
                    communities::description.eq(""),
                    communities::created_at.eq(now),
                    changes.clone(),
                ))
                .execute(conn)
        })?;
    if !inserted {
        diesel::update(communities::table.filter(communities::ap_id.eq(&row.ap_id)))
            .set((changes, communities::updated_at.eq(now)))
            .execute(conn)?;
    }
    community_by_ap_id(conn, &row.ap_id)?.ok_or(AppError::NotFound("community"))
}

/// Records the Follow a remote member sent, with the membership it asks for.
pub fn set_follow(
    conn: &mut DbConn,
    community_id: i64,
    person_id: i64,
    state: &str,
    follow_id: &str,
) -> AppResult<()> {
    super::communities::set_membership(conn, community_id, person_id, state)?;
    diesel::update(community_members::table.find((community_id, person_id)))
        .set(community_members::follow_activity_id.eq(follow_id))
        .execute(conn)?;
    Ok(())
}

/// One outgoing activity for one inbox.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub activity_id: String,
    pub inbox_url: String,
    pub payload: String,
    pub signer_kind: &'static str,
    pub signer_id: i64,
    /// The object the activity is about: deliveries with the same key to the same inbox
    /// are sent one after another, in order.
    pub object_key: Option<String>,
    /// A newer delivery of the same kind about the same object supersedes this one while
    /// it waits (an `Update`, which carries the object's whole state).
    pub replaceable: bool,
}

/// Queues a delivery. A replaceable one takes the place of the last delivery about the
/// same object to the same inbox when that one is replaceable too and has not been
/// tried or claimed yet: the inbox then gets the newest state once instead of each state
/// in turn. Returns whether it replaced one.
pub fn enqueue(conn: &mut DbConn, delivery: &NewDelivery) -> AppResult<bool> {
    if let (true, Some(key)) = (delivery.replaceable, &delivery.object_key) {
        let last: Option<(i64, bool)> = deliveries::table
            .filter(deliveries::inbox_url.eq(&delivery.inbox_url))
            .filter(deliveries::object_key.eq(key))
            .order(deliveries::id.desc())
            .select((deliveries::id, deliveries::replaceable))
            .first(conn)
            .optional()?;
        if let Some((id, true)) = last {
            // Only while nobody holds it: a claimed row may be on its way already.
            let replaced = diesel::update(
                deliveries::table
                    .find(id)
                    .filter(deliveries::delivered_at.is_null())
                    .filter(deliveries::claim_token.is_null())
                    .filter(deliveries::attempts.eq(0)),
            )
            .set((
                deliveries::activity_id.eq(&delivery.activity_id),
                deliveries::payload.eq(&delivery.payload),
                deliveries::signer_kind.eq(delivery.signer_kind),
                deliveries::signer_id.eq(delivery.signer_id),
            ))
            .execute(conn)?;
            if replaced == 1 {
                return Ok(true);
            }
        }
    }
    let now = now();
    diesel::insert_into(deliveries::table)
        .values((
            deliveries::activity_id.eq(&delivery.activity_id),
            deliveries::inbox_url.eq(&delivery.inbox_url),
            deliveries::payload.eq(&delivery.payload),
            deliveries::signer_kind.eq(delivery.signer_kind),
            deliveries::signer_id.eq(delivery.signer_id),
            deliveries::object_key.eq(&delivery.object_key),
            deliveries::replaceable.eq(delivery.replaceable),
            deliveries::next_attempt_at.eq(now),
            deliveries::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(false)
}

/// Claims up to `limit` due deliveries for `lease_until`, marking them with `token`, and
/// returns them. On PostgreSQL, `SKIP LOCKED` lets several processes claim side by side
/// without taking the same row.
pub fn claim_due(
    conn: &mut DbConn,
    token: &str,
    at: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<DbDelivery>> {
    use diesel::sql_types::{BigInt, Text, Timestamp};
    let lock = match conn {
        DbConn::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        DbConn::Sqlite(_) => "",
    };
    let sql = format!(
        "UPDATE deliveries SET claim_token = $1, claimed_until = $2 WHERE id IN (\
           SELECT id FROM deliveries d WHERE delivered_at IS NULL AND next_attempt_at <= $3 \
           AND (claimed_until IS NULL OR claimed_until < $3) \
           AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.inbox_url = d.inbox_url \
             AND e.object_key = d.object_key AND e.id < d.id AND e.delivered_at IS NULL) \
           ORDER BY id LIMIT $4 {lock})"
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(token)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(at)
        .bind::<BigInt, _>(limit)
        .execute(conn)?;
    Ok(deliveries::table
        .filter(deliveries::claim_token.eq(token))
        .filter(deliveries::delivered_at.is_null())
        .order(deliveries::id.asc())
        .select(DbDelivery::as_select())
        .load(conn)?)
}

pub fn mark_delivered(conn: &mut DbConn, id: i64) -> AppResult<()> {
    diesel::update(deliveries::table.find(id))
        .set((
            deliveries::delivered_at.eq(now()),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives a delivery up for good: it stays in the table with its last error, and no longer
/// holds back later deliveries about the same object.
pub fn mark_abandoned(conn: &mut DbConn, id: i64, attempts: i32, error: &str) -> AppResult<()> {
    diesel::update(deliveries::table.find(id))
        .set((
            deliveries::attempts.eq(attempts),
            deliveries::delivered_at.eq(now()),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_failed(
    conn: &mut DbConn,
    id: i64,
    attempts: i32,
    next: NaiveDateTime,
    error: &str,
) -> AppResult<()> {
    diesel::update(deliveries::table.find(id))
        .set((
            deliveries::attempts.eq(attempts),
            deliveries::next_attempt_at.eq(next),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deliveries not yet made, for tests and the admin pages.
pub fn pending_deliveries(conn: &mut DbConn) -> AppResult<i64> {
    Ok(deliveries::table
        .filter(deliveries::delivered_at.is_null())
        .count()
        .get_result(conn)?)
}

/// The oldest deliveries not yet made, for diagnosis and the admin pages.
pub fn undelivered(conn: &mut DbConn, limit: i64) -> AppResult<Vec<DbDelivery>> {
    Ok(deliveries::table
        .filter(deliveries::delivered_at.is_null())
        .order(deliveries::id.asc())
        .limit(limit)
        .select(DbDelivery::as_select())
        .load(conn)?)
}

/// The membership a Follow created, found by the Follow's id.
pub fn membership_by_follow(
    conn: &mut DbConn,
    community_id: i64,
    follow_id: &str,
) -> AppResult<Option<DbMembership>> {
    Ok(community_members::table
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::follow_activity_id.eq(follow_id))
        .select(DbMembership::as_select())
        .first(conn)
        .optional()?)
}

pub fn remote_person(conn: &mut DbConn, name: &str, domain: &str) -> AppResult<Option<DbPerson>> {
    Ok(persons::table
        .filter(persons::name.eq(name))
        .filter(persons::domain.eq(domain))
        .select(DbPerson::as_select())
        .first(conn)
        .optional()?)
}

/// The inboxes of a community's accepted members on other servers, one per server where
/// they share an inbox.
pub fn remote_follower_inboxes(conn: &mut DbConn, community_id: i64) -> AppResult<Vec<String>> {
    let rows: Vec<(Option<String>, Option<String>)> = community_members::table
        .inner_join(persons::table)
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::state.eq("accepted"))
        .filter(persons::domain.is_not_null())
        .select((persons::shared_inbox_url, persons::inbox_url))
        .load(conn)?;
    Ok(one_per_server(rows))
}

/// One inbox for each `(shared inbox, own inbox)`: the shared one where there is one,
/// each once.
fn one_per_server(rows: Vec<(Option<String>, Option<String>)>) -> Vec<String> {
    let mut inboxes: Vec<String> = rows
        .into_iter()
        .filter_map(|(shared, own)| shared.or(own))
        .collect();
    inboxes.sort();
    inboxes.dedup();
    inboxes
}

pub fn post_by_ap_id(conn: &mut DbConn, ap_id: &str) -> AppResult<Option<DbPost>> {
    Ok(posts::table
        .filter(posts::ap_id.eq(ap_id))
        .select(DbPost::as_select())
        .first(conn)
        .optional()?)
}

pub fn comment_by_ap_id(conn: &mut DbConn, ap_id: &str) -> AppResult<Option<DbComment>> {
    Ok(comments::table
        .filter(comments::ap_id.eq(ap_id))
        .select(DbComment::as_select())
        .first(conn)
        .optional()?)
}

/// The viewer's current vote on a thread or comment, 0 if none.
pub fn current_post_vote(conn: &mut DbConn, post_id: i64, person_id: i64) -> AppResult<i32> {
    Ok(post_votes::table
        .find((post_id, person_id))
        .select(post_votes::score)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

pub fn current_comment_vote(conn: &mut DbConn, comment_id: i64, person_id: i64) -> AppResult<i32> {
    Ok(comment_votes::table
        .find((comment_id, person_id))
        .select(comment_votes::score)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Deliveries waiting for a retry after a failure.
pub fn failing_deliveries(conn: &mut DbConn) -> AppResult<i64> {
    Ok(deliveries::table
        .filter(deliveries::delivered_at.is_null())
        .filter(deliveries::last_error.is_not_null())
        .count()
        .get_result(conn)?)
}

/// Makes sure `host` has a health row. Concurrent deliveries may all find it missing, so
/// the insert gives way to whichever came first.
fn ensure_peer_health(conn: &mut DbConn, host: &str) -> AppResult<()> {
    use diesel::sql_types::Text;
    diesel::sql_query(
        "INSERT INTO peer_health (host, dead) VALUES ($1, FALSE) ON CONFLICT (host) DO NOTHING",
    )
    .bind::<Text, _>(host)
    .execute(conn)?;
    Ok(())
}

/// Records a failed delivery to `host`; returns whether the peer is now dead (failing
/// for longer than `dead_after`).
pub fn peer_failed(
    conn: &mut DbConn,
    host: &str,
    dead_after: chrono::TimeDelta,
) -> AppResult<bool> {
    let at = now();
    ensure_peer_health(conn, host)?;
    // Only the first failure of a run sets `failing_since`; the update takes the row's
    // lock, so the read after it sees the value that stands.
    diesel::update(
        peer_health::table
            .find(host)
            .filter(peer_health::failing_since.is_null()),
    )
    .set(peer_health::failing_since.eq(at))
    .execute(conn)?;
    let failing_since: Option<NaiveDateTime> = peer_health::table
        .find(host)
        .select(peer_health::failing_since)
        .first(conn)?;
    let dead = at - failing_since.unwrap_or(at) >= dead_after;
    if dead {
        diesel::update(peer_health::table.find(host))
            .set(peer_health::dead.eq(true))
            .execute(conn)?;
    }
    Ok(dead)
}

/// Records a delivery `host` accepted. If it had been failing or dead, every delivery
/// waiting for it is due again now: the peer is back, so nothing sits out its backoff.
///
/// Call it in its own transaction, not in the one that marks the delivery done: on
/// PostgreSQL two deliveries finishing together would otherwise each hold their own row
/// while waiting for the other's, and one would be aborted as a deadlock.
pub fn peer_answered(conn: &mut DbConn, host: &str) -> AppResult<()> {
    let at = now();
    ensure_peer_health(conn, host)?;
    // The row lock makes this the single point where a failing peer turns healthy: of
    // two deliveries answered at once, only the first sees it failing.
    let came_back = diesel::update(
        peer_health::table.find(host).filter(
            peer_health::dead
                .eq(true)
                .or(peer_health::failing_since.is_not_null()),
        ),
    )
    .set((
        peer_health::failing_since.eq(None::<NaiveDateTime>),
        peer_health::dead.eq(false),
        peer_health::last_success_at.eq(at),
    ))
    .execute(conn)?
        > 0;
    if !came_back {
        diesel::update(peer_health::table.find(host))
            .set(peer_health::last_success_at.eq(at))
            .execute(conn)?;
        return Ok(());
    }
    for scheme in ["http", "https"] {
        diesel::update(
            deliveries::table
                .filter(deliveries::delivered_at.is_null())
                .filter(deliveries::inbox_url.like(format!("{scheme}://{host}/%"))),
        )
        .set(deliveries::next_attempt_at.eq(at))
        .execute(conn)?;
    }
    Ok(())
}

/// A peer's health as delivery records it.
#[derive(Debug, Queryable)]
pub struct PeerHealthRow {
    pub host: String,
    pub failing_since: Option<NaiveDateTime>,
    pub dead: bool,
    pub last_success_at: Option<NaiveDateTime>,
}

/// Every peer we have delivered to, with its health.
pub fn peer_health_all(conn: &mut DbConn) -> AppResult<Vec<PeerHealthRow>> {
    Ok(peer_health::table
        .order(peer_health::host.asc())
        .select((
            peer_health::host,
            peer_health::failing_since,
            peer_health::dead,
            peer_health::last_success_at,
        ))
        .load(conn)?)
}

/// Deliveries not yet made, counted per inbox, with the latest error among them.
pub fn pending_per_inbox(conn: &mut DbConn) -> AppResult<Vec<(String, i64, Option<String>)>> {
    use diesel::dsl::{count_star, max};
    Ok(deliveries::table
        .filter(deliveries::delivered_at.is_null())
        .group_by(deliveries::inbox_url)
        .select((
            deliveries::inbox_url,
            count_star(),
            max(deliveries::last_error),
        ))
        .load(conn)?)
}

/// Every peer's software as NodeInfo reported it: `(host, software)`.
pub fn peer_software_all(conn: &mut DbConn) -> AppResult<Vec<(String, String)>> {
    Ok(peer_software::table
        .select((peer_software::host, peer_software::software))
        .load(conn)?)
}

pub fn peer_is_dead(conn: &mut DbConn, host: &str) -> AppResult<bool> {
    Ok(peer_health::table
        .find(host)
        .select(peer_health::dead)
        .first(conn)
        .optional()?
        .unwrap_or(false))
}

/// The software a peer runs and when we last asked, if we have.
pub fn peer_software(conn: &mut DbConn, host: &str) -> AppResult<Option<(String, NaiveDateTime)>> {
    Ok(peer_software::table
        .find(host)
        .select((peer_software::software, peer_software::checked_at))
        .first(conn)
        .optional()?)
}

pub fn set_peer_software(conn: &mut DbConn, host: &str, software: &str) -> AppResult<()> {
    diesel::delete(peer_software::table.find(host)).execute(conn)?;
    diesel::insert_into(peer_software::table)
        .values((
            peer_software::host.eq(host),
            peer_software::software.eq(software),
            peer_software::checked_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The software of each of `hosts` that we know.
pub fn software_of(
    conn: &mut DbConn,
    hosts: &[String],
) -> AppResult<std::collections::HashMap<String, String>> {
    Ok(peer_software::table
        .filter(peer_software::host.eq_any(hosts))
        .select((peer_software::host, peer_software::software))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// Records that `follower` follows the profile of our member `person` (again).
pub fn add_person_follower(
    conn: &mut DbConn,
    person_id: i64,
    follower_id: i64,
    follow_id: &str,
) -> AppResult<()> {
    diesel::delete(person_followers::table.find((person_id, follower_id))).execute(conn)?;
    diesel::insert_into(person_followers::table)
        .values((
            person_followers::person_id.eq(person_id),
            person_followers::follower_id.eq(follower_id),
            person_followers::follow_ap_id.eq(follow_id),
            person_followers::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ends a profile follow, found by the Follow's id or by who followed whom.
pub fn remove_person_follower(
    conn: &mut DbConn,
    follower_id: i64,
    follow_id: &str,
    person_id: Option<i64>,
) -> AppResult<usize> {
    let by_follow = diesel::delete(
        person_followers::table
            .filter(person_followers::follower_id.eq(follower_id))
            .filter(person_followers::follow_ap_id.eq(follow_id)),
    )
    .execute(conn)?;
    let by_pair = match person_id {
        Some(person_id) => {
            diesel::delete(person_followers::table.find((person_id, follower_id))).execute(conn)?
        }
        None => 0,
    };
    Ok(by_follow + by_pair)
}

/// The inboxes (shared where there is one) of the people following a member's profile.
pub fn person_follower_inboxes(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<String>> {
    let rows: Vec<(Option<String>, Option<String>)> = person_followers::table
        .inner_join(persons::table.on(persons::id.eq(person_followers::follower_id)))
        .filter(person_followers::person_id.eq(person_id))
        .select((persons::shared_inbox_url, persons::inbox_url))
        .load(conn)?;
    Ok(one_per_server(rows))
}

pub fn person_follower_count(conn: &mut DbConn, person_id: i64) -> AppResult<i64> {
    Ok(person_followers::table
        .filter(person_followers::person_id.eq(person_id))
        .count()
        .get_result(conn)?)
}
