//! What activities from other servers do, as service calls under the same rules as local
//! ones, and the activities our own changes send. Outgoing activities are queued in the
//! same transaction as the change that causes them.
//!
//! One file per subject (follows, content, polls and events, moderation, accounts); this
//! one holds what they share: the delivery queue, resolving actors and finding targets.

use serde_json::Value;
use url::Url;

use crate::db::federation::NewDelivery;
use crate::db::models::{DbCommunity, DbPerson};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::activities;
use crate::federation::actors::ApActor;
use crate::federation::error::FedError;
use crate::federation::nodeinfo;
use crate::federation::urls::Urls;
use crate::state::AppState;
use crate::types::{MembershipState, Visibility};

mod accounts;
mod content;
mod follows;
mod moderation;
mod polls_events;

pub use accounts::*;
pub use content::*;
pub use follows::*;
pub use moderation::*;
pub use polls_events::*;

/// A federation error as the service layer reports it.
fn fed(e: FedError) -> AppError {
    match e {
        FedError::App(e) => e,
        other => AppError::Internal(anyhow::anyhow!("{other}")),
    }
}

/// Queues `payload` for `inbox`, signed by a local person or community.
pub(crate) fn enqueue(
    conn: &mut DbConn,
    activity_id: &Url,
    payload: &Value,
    inbox: &Url,
    signer: Signer,
) -> AppResult<()> {
    let (signer_kind, signer_id) = match signer {
        Signer::Person(id) => ("person", id),
        Signer::Community(id) => ("community", id),
    };
    db::federation::enqueue(
        conn,
        &NewDelivery {
            activity_id: activity_id.to_string(),
            inbox_url: inbox.to_string(),
            payload: payload.to_string(),
            signer_kind,
            signer_id,
            object_key: object_key(payload),
            replaceable: is_update(payload),
        },
    )?;
    Ok(())
}

/// An `Update`, or a community's `Announce` of one: it carries its object's whole state,
/// so a newer one about the same object makes it pointless. A burst of answers to an
/// event or votes in a poll then reaches each server as the latest counts, once.
fn is_update(activity: &Value) -> bool {
    let kind = |v: &Value| v.get("type").and_then(Value::as_str).map(str::to_owned);
    match kind(activity).as_deref() {
        Some("Update") => true,
        Some("Announce") => activity
            .get("object")
            .is_some_and(|inner| kind(inner).as_deref() == Some("Update")),
        _ => false,
    }
}

/// The object an activity is ultimately about: what `object` names, looking inside
/// wrapping activities (`Announce`, `Undo`), so that changes to one object stay in order.
fn object_key(activity: &Value) -> Option<String> {
    let object = activity.get("object")?;
    match object {
        Value::String(id) => Some(id.clone()),
        Value::Object(inner) if inner.contains_key("object") && inner.contains_key("actor") => {
            object_key(object)
        }
        Value::Object(inner) => inner.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// Who signs an outgoing activity.
#[derive(Debug, Clone, Copy)]
pub enum Signer {
    Person(i64),
    Community(i64),
}

/// Finds a remote actor by `name@host` (with an optional leading `!` or `@`) or its URL,
/// fetching it over WebFinger if it is new to us.
async fn resolve_actor(
    data: &activitypub_federation::config::Data<AppState>,
    query: &str,
) -> AppResult<ApActor> {
    let query = query.trim().trim_start_matches(['!', '@']);
    if query.starts_with("http://") || query.starts_with("https://") {
        let url = Url::parse(query)
            .map_err(|_| AppError::bad_request("invalid_query", "not a valid URL"))?;
        return activitypub_federation::fetch::object_id::ObjectId::<ApActor>::from(url)
            .dereference(data)
            .await
            .map_err(not_found);
    }
    if !query.contains('@') {
        return Err(AppError::bad_request(
            "invalid_query",
            "use name@host or a URL",
        ));
    }
    activitypub_federation::fetch::webfinger::webfinger_resolve_actor::<AppState, ApActor>(
        query, data,
    )
    .await
    .map_err(not_found)
}

/// Finds a remote community by `!name@host`, `name@host` or its URL.
pub async fn resolve_community(
    data: &activitypub_federation::config::Data<AppState>,
    query: &str,
) -> AppResult<DbCommunity> {
    match resolve_actor(data, query).await?.row {
        crate::federation::actors::ActorRow::Community(c) => Ok(c),
        crate::federation::actors::ActorRow::Person(_) => Err(AppError::NotFound("community")),
    }
}

/// Finds a member of another server by `@name@host`, `name@host` or their URL.
pub async fn resolve_person(
    data: &activitypub_federation::config::Data<AppState>,
    query: &str,
) -> AppResult<DbPerson> {
    match resolve_actor(data, query).await?.row {
        crate::federation::actors::ActorRow::Person(p) if !p.deleted => Ok(p),
        _ => Err(AppError::NotFound("member")),
    }
}

fn not_found(e: FedError) -> AppError {
    tracing::info!(error = %e, "could not resolve a remote actor");
    match e {
        FedError::App(e) => e,
        _ => AppError::NotFound("remote actor"),
    }
}

/// What changed locally that other servers must hear of.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Create,
    Update,
    Delete,
}

impl Change {
    fn kind(self) -> &'static str {
        match self {
            Change::Create => "Create",
            Change::Update => "Update",
            Change::Delete => "Delete",
        }
    }
}

/// Appends to a JSON array, making one of whatever was there.
fn push(list: &mut Value, item: Value) {
    match list {
        Value::Array(items) => items.push(item),
        Value::Null => *list = Value::Array(vec![item]),
        other => *other = Value::Array(vec![other.take(), item]),
    }
}

/// One of our own threads named by its id, if that is what the id names.
pub(crate) fn local_post(
    conn: &mut DbConn,
    urls: &Urls,
    url: &Url,
) -> AppResult<Option<crate::db::models::DbPost>> {
    match find_target(conn, urls, url)? {
        Some(Target::Post(post)) if post.ap_id.is_none() => Ok(Some(post)),
        _ => Ok(None),
    }
}

/// A thread or comment named by its id, ours or a peer's.
enum Target {
    Post(crate::db::models::DbPost),
    Comment(crate::db::models::DbComment),
}

fn find_target(conn: &mut DbConn, urls: &Urls, url: &Url) -> AppResult<Option<Target>> {
    if urls.is_local(url) {
        let path = url.path();
        if let Some(id) = path.strip_prefix("/post/").and_then(|id| id.parse().ok()) {
            return Ok(db::content::post(conn, id)?.map(Target::Post));
        }
        if let Some(id) = path
            .strip_prefix("/comment/")
            .and_then(|id| id.parse().ok())
        {
            return Ok(db::content::comment(conn, id)?.map(Target::Comment));
        }
        return Ok(None);
    }
    if let Some(post) = db::federation::post_by_ap_id(conn, url.as_str())? {
        return Ok(Some(Target::Post(post)));
    }
    Ok(db::federation::comment_by_ap_id(conn, url.as_str())?.map(Target::Comment))
}

/// Whether a thread or comment is already stored here.
pub async fn is_known(state: &AppState, url: &Url) -> AppResult<bool> {
    let urls = Urls::new(&state.config);
    let url = url.clone();
    state
        .db
        .read(move |conn| Ok(find_target(conn, &urls, &url)?.is_some()))
        .await
}

/// The community an object is addressed to: one of ours, or a remote one we know.
fn addressed_community(
    conn: &mut DbConn,
    urls: &Urls,
    addressed: &[Url],
) -> AppResult<Option<DbCommunity>> {
    for url in addressed {
        if urls.is_local(url) {
            if let Some(name) = url.path().strip_prefix("/c/")
                && let Some(c) = db::communities::local_by_name(conn, name)?
            {
                return Ok(Some(c));
            }
        } else if let Some(c) = db::federation::community_by_ap_id(conn, url.as_str())? {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

fn refuse(message: &str) -> AppError {
    AppError::denied("refused", message)
}

/// A community of ours passes on what it accepted; an Announce from elsewhere is not
/// passed on again.
fn pass_on(conn: &mut DbConn, urls: &Urls, community: &DbCommunity, raw: &Value) -> AppResult<()> {
    if community.domain.is_none() && !raw.is_null() {
        announce_to_followers(conn, urls, community, raw.clone())?;
    }
    Ok(())
}
