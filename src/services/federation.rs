//! What activities from other servers do, as service calls under the same rules as local
//! ones, and the activities our own changes send. Outgoing activities are queued in the
//! same transaction as the change that causes them.

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

/// A remote member follows one of our communities: at once if it is public, else when a
/// facilitator approves. Banned people are refused.
pub async fn receive_follow(
    state: &AppState,
    person: DbPerson,
    community: DbCommunity,
    follow_id: String,
    follow: Value,
) -> AppResult<MembershipState> {
    let urls = Urls::new(&state.config);
    let follower = ApActor::person(&urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(&urls, community.clone()).map_err(fed)?;
    let membership = state
        .db
        .write(move |conn| {
            if db::communities::banned_in(conn, community.id, person.id, db::now())? {
                return Err(AppError::denied("banned", "banned from this community"));
            }
            let visibility = Visibility::from_db(&community.visibility)?;
            let already = db::communities::membership(conn, community.id, person.id)?;
            let was = already.as_ref().map(|m| m.state.as_str());
            let new_state = match (visibility, was) {
                (_, Some(state)) if state == MembershipState::Accepted.as_str() => {
                    MembershipState::Accepted
                }
                (Visibility::Public, _) => MembershipState::Accepted,
                _ => MembershipState::Pending,
            };
            db::federation::set_follow(
                conn,
                community.id,
                person.id,
                new_state.as_str(),
                &follow_id,
            )?;
            // Facilitators hear of a request from another server as of one from here;
            // a repeated Follow while the request waits tells them nothing new.
            if new_state == MembershipState::Pending
                && was != Some(MembershipState::Pending.as_str())
            {
                crate::services::notifications::on_join_request(conn, &community, &person)?;
            }
            if new_state == MembershipState::Accepted {
                let (id, accept) =
                    activities::accept(&urls, &group.id, &follower.id, follow).map_err(fed)?;
                enqueue(
                    conn,
                    &id,
                    &accept,
                    &follower.delivery_inbox(),
                    Signer::Community(community.id),
                )?;
            }
            Ok(new_state)
        })
        .await?;
    state.deliveries.notify_one();
    Ok(membership)
}

/// Someone on another server follows one of our members' profiles: accepted at once,
/// unless our member is gone or the follower is banned here.
pub async fn receive_person_follow(
    state: &AppState,
    follower: DbPerson,
    person: DbPerson,
    follow: Value,
    follow_id: String,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    let follower_actor = ApActor::person(&urls, follower.clone()).map_err(fed)?;
    state
        .write_and_deliver(move |conn| {
            if person.deleted || person.domain.is_some() {
                return Err(AppError::NotFound("member"));
            }
            if db::moderation::active_instance_ban(conn, follower.id, db::now())?.is_some() {
                return Err(AppError::denied("banned", "banned from this instance"));
            }
            db::federation::add_person_follower(conn, person.id, follower.id, &follow_id)?;
            let member = urls.person(&person.name)?;
            let (id, accept) =
                activities::accept(&urls, &member, &follower_actor.id, follow).map_err(fed)?;
            enqueue(
                conn,
                &id,
                &accept,
                &follower_actor.delivery_inbox(),
                Signer::Person(person.id),
            )
        })
        .await
}

/// A remote community accepted one of our members' follows.
pub async fn receive_accept(
    state: &AppState,
    community: DbCommunity,
    follow_id: String,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            let membership = db::federation::membership_by_follow(conn, community.id, &follow_id)?
                .ok_or(AppError::NotFound("follow"))?;
            db::communities::set_membership(
                conn,
                community.id,
                membership.person_id,
                MembershipState::Accepted.as_str(),
            )
        })
        .await
}

/// A remote member stops following one of our communities.
pub async fn receive_unfollow(
    state: &AppState,
    person: DbPerson,
    community: Option<DbCommunity>,
    followed: Option<i64>,
    follow_id: String,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            let community_id = match community {
                Some(c) => c.id,
                // Not a community: the follow of a member's profile, if it was one.
                None => {
                    db::federation::remove_person_follower(conn, person.id, &follow_id, followed)?;
                    return Ok(());
                }
            };
            if let Some(m) = db::federation::membership_by_follow(conn, community_id, &follow_id)? {
                db::communities::delete_membership(conn, community_id, m.person_id)?;
            } else {
                db::communities::delete_membership(conn, community_id, person.id)?;
            }
            Ok(())
        })
        .await
}

/// Queues the `Follow` for one of our members joining a remote community.
pub(crate) fn send_follow(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    community: &DbCommunity,
) -> AppResult<()> {
    let member = ApActor::person(urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let (id, follow) = activities::follow(urls, &member.id, &group.id).map_err(fed)?;
    db::federation::set_follow(
        conn,
        community.id,
        person.id,
        MembershipState::Pending.as_str(),
        id.as_str(),
    )?;
    enqueue(
        conn,
        &id,
        &follow,
        &group.delivery_inbox(),
        Signer::Person(person.id),
    )
}

/// Queues the `Undo` of one of our members' follows of a remote community.
pub(crate) fn send_undo_follow(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    community: &DbCommunity,
    follow_id: &str,
) -> AppResult<()> {
    let member = ApActor::person(urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let follow = serde_json::json!({"id": follow_id, "type": "Follow", "actor": member.id, "object": group.id});
    let (id, undo) =
        activities::activity(urls, "Undo", &member.id, follow, &group.id, false).map_err(fed)?;
    enqueue(
        conn,
        &id,
        &undo,
        &group.delivery_inbox(),
        Signer::Person(person.id),
    )
}

/// Queues the `Reject` of a remote member's follow that a facilitator refused.
pub(crate) fn send_reject(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    community: &DbCommunity,
    follow_id: &str,
) -> AppResult<()> {
    let follower = ApActor::person(urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let follow = serde_json::json!({"id": follow_id, "type": "Follow", "actor": follower.id, "object": group.id});
    let (id, mut reject) =
        activities::accept(urls, &group.id, &follower.id, follow).map_err(fed)?;
    reject["type"] = serde_json::json!("Reject");
    enqueue(
        conn,
        &id,
        &reject,
        &follower.delivery_inbox(),
        Signer::Community(community.id),
    )
}

/// A remote community refused one of our members' follows.
pub async fn receive_reject(
    state: &AppState,
    community: DbCommunity,
    follow_id: String,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            if let Some(membership) =
                db::federation::membership_by_follow(conn, community.id, &follow_id)?
            {
                db::communities::delete_membership(conn, community.id, membership.person_id)?;
            }
            Ok(())
        })
        .await
}

/// Queues the `Accept` for a remote member's follow that a facilitator approved.
pub(crate) fn send_accept(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    community: &DbCommunity,
    follow_id: &str,
) -> AppResult<()> {
    let follower = ApActor::person(urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let follow = serde_json::json!({"id": follow_id, "type": "Follow", "actor": follower.id, "object": group.id});
    let (id, accept) = activities::accept(urls, &group.id, &follower.id, follow).map_err(fed)?;
    enqueue(
        conn,
        &id,
        &accept,
        &follower.delivery_inbox(),
        Signer::Community(community.id),
    )
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

/// Sends an activity about a community's content: to the community's own server if the
/// community is remote, or as the community's `Announce` to its followers if it is ours.
fn publish(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    author_id: i64,
    activity_id: &Url,
    activity: Value,
) -> AppResult<()> {
    if community.domain.is_some() {
        let group = ApActor::community(urls, community.clone()).map_err(fed)?;
        return enqueue(
            conn,
            activity_id,
            &activity,
            &group.delivery_inbox(),
            Signer::Person(author_id),
        );
    }
    let deletion = activity.get("type").and_then(Value::as_str) == Some("Delete");
    let (group_aware, microblog) = follower_servers(conn, community)?;
    announce_to(
        conn,
        urls,
        community,
        activity.clone(),
        &group_aware,
        &microblog,
    )?;
    if deletion {
        // Microblog servers never saw the Announce of a Delete; the author's own Delete
        // makes them drop the status and its boosts.
        for inbox in &microblog {
            enqueue(
                conn,
                activity_id,
                &activity,
                inbox,
                Signer::Person(author_id),
            )?;
        }
    }
    Ok(())
}

/// The servers where a community has followers: those that read FEP-1b12 group
/// activities, and microblog servers. Servers we never asked (followers from before we
/// asked) count as group-aware.
fn follower_servers(conn: &mut DbConn, community: &DbCommunity) -> AppResult<(Vec<Url>, Vec<Url>)> {
    let inboxes = db::federation::remote_follower_inboxes(conn, community.id)?
        .iter()
        .map(|inbox| Url::parse(inbox).map_err(|e| AppError::Internal(e.into())))
        .collect::<AppResult<Vec<Url>>>()?;
    let hosts: Vec<String> = inboxes.iter().filter_map(nodeinfo::host_key).collect();
    let software = db::federation::software_of(conn, &hosts)?;
    Ok(inboxes.into_iter().partition(|inbox| {
        nodeinfo::host_key(inbox)
            .and_then(|host| software.get(&host))
            .is_none_or(|name| nodeinfo::is_group_aware(name))
    }))
}

/// The community announces `inner` to every server where it has followers.
pub(crate) fn announce_to_followers(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    inner: Value,
) -> AppResult<()> {
    let (group_aware, microblog) = follower_servers(conn, community)?;
    announce_to(conn, urls, community, inner, &group_aware, &microblog)
}

/// The community announces `inner` to the given servers where it has followers: the
/// whole activity to group-aware ones, a new thread (or comment) itself to microblogs.
fn announce_to(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    inner: Value,
    group_aware: &[Url],
    microblog: &[Url],
) -> AppResult<()> {
    if group_aware.is_empty() && microblog.is_empty() {
        return Ok(());
    }
    let group = urls.community(&community.name)?;
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    if !group_aware.is_empty() {
        let (id, announce) =
            activities::announce(urls, &group, inner.clone(), public).map_err(fed)?;
        for inbox in group_aware {
            enqueue(conn, &id, &announce, inbox, Signer::Community(community.id))?;
        }
    }
    let for_microblogs = new_thread(&inner).or_else(|| {
        community
            .microblog_comments
            .then(|| new_comment(&inner))
            .flatten()
    });
    if let Some(thread) = for_microblogs.filter(|_| !microblog.is_empty()) {
        let (id, announce) =
            activities::announce_object(urls, &group, &thread, public).map_err(fed)?;
        for inbox in microblog {
            enqueue(conn, &id, &announce, inbox, Signer::Community(community.id))?;
        }
    }
    Ok(())
}

/// The comment a `Create` brings, if it is one: a `Note` that replies to something.
fn new_comment(activity: &Value) -> Option<Url> {
    if activity.get("type").and_then(Value::as_str) != Some("Create") {
        return None;
    }
    let object = activity.get("object")?;
    let is_comment = object.get("type").and_then(Value::as_str) == Some("Note")
        && object.get("inReplyTo").is_some_and(|r| !r.is_null());
    is_comment
        .then(|| {
            crate::federation::content::urls_in(object)
                .into_iter()
                .next()
        })
        .flatten()
}

/// The thread a `Create` brings, if it is one: all that microblog followers are sent, so
/// that a busy community does not flood their timelines with every comment and vote.
fn new_thread(activity: &Value) -> Option<Url> {
    if activity.get("type").and_then(Value::as_str) != Some("Create") {
        return None;
    }
    let object = activity.get("object")?;
    // A Note that replies to nothing is a thread started by a mention.
    let is_thread = matches!(
        object.get("type").and_then(Value::as_str),
        Some("Page" | "Article" | "Note" | "Video" | "Event" | "Question")
    ) && object.get("inReplyTo").is_none_or(Value::is_null);
    if !is_thread {
        return None;
    }
    crate::federation::content::urls_in(object)
        .into_iter()
        .next()
}

/// Federates a change to a thread written on this instance.
pub(crate) fn federate_post(
    conn: &mut DbConn,
    urls: &Urls,
    post_id: i64,
    change: Change,
) -> AppResult<()> {
    let post = db::content::post(conn, post_id)?.ok_or(AppError::NotFound("thread"))?;
    let community = db::communities::by_id(conn, post.community_id)?;
    let author = db::persons::person(conn, post.author_id)?;
    if author.domain.is_some() {
        return Ok(());
    }
    let object = match change {
        Change::Delete => serde_json::json!(urls.post(post.id)?),
        _ => {
            let poll = db::polls::poll(conn, post.id)?;
            let event = db::events::event(conn, post.id)?;
            let mut object = crate::federation::objects::thread(
                urls,
                &post,
                &author,
                &community,
                poll.as_ref().map(|(p, o)| (p, o.as_slice())),
                event.as_ref(),
            )?;
            if let Some((_, _, version, _)) = db::documents::by_post(conn, post.id)? {
                crate::federation::objects::attach_document(
                    urls,
                    &mut object,
                    &community,
                    &version,
                )?;
            }
            object
        }
    };
    let (actor, group) = (
        urls.person(&author.name)?,
        crate::federation::objects::community_id(urls, &community)?,
    );
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let (id, mut activity) =
        activities::activity(urls, change.kind(), &actor, object, &group, public).map_err(fed)?;
    if public {
        notify_mentioned(conn, urls, &post.body, &mut activity, &id, author.id)?;
    }
    // People following the author's profile see their threads in public communities.
    let followers = if Visibility::from_db(&community.visibility)? == Visibility::Public {
        db::federation::person_follower_inboxes(conn, author.id)?
    } else {
        Vec::new()
    };
    if !followers.is_empty() {
        activity["cc"] = serde_json::json!([urls.person_part(&author.name, "followers")?]);
        for inbox in &followers {
            let inbox = Url::parse(inbox).map_err(|e| AppError::Internal(e.into()))?;
            enqueue(conn, &id, &activity, &inbox, Signer::Person(author.id))?;
        }
    }
    publish(conn, urls, &community, author.id, &id, activity)
}

/// Federates a change to a comment written on this instance.
pub(crate) fn federate_comment(
    conn: &mut DbConn,
    urls: &Urls,
    comment_id: i64,
    change: Change,
) -> AppResult<()> {
    let comment = db::content::comment(conn, comment_id)?.ok_or(AppError::NotFound("comment"))?;
    let post = db::content::post(conn, comment.post_id)?.ok_or(AppError::NotFound("thread"))?;
    let community = db::communities::by_id(conn, post.community_id)?;
    let author = db::persons::person(conn, comment.author_id)?;
    if author.domain.is_some() {
        return Ok(());
    }
    let object = match change {
        Change::Delete => serde_json::json!(urls.comment(comment.id)?),
        _ => {
            let parent = match comment.parent_id {
                Some(id) => db::content::comment(conn, id)?,
                None => None,
            };
            crate::federation::objects::note(
                urls,
                &comment,
                &author,
                &post,
                parent.as_ref(),
                &community,
            )?
        }
    };
    let (actor, group) = (
        urls.person(&author.name)?,
        crate::federation::objects::community_id(urls, &community)?,
    );
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let (id, mut activity) =
        activities::activity(urls, change.kind(), &actor, object, &group, public).map_err(fed)?;
    if public {
        notify_mentioned(conn, urls, &comment.body, &mut activity, &id, author.id)?;
    }
    publish(conn, urls, &community, author.id, &id, activity)
}

/// Adds a `Mention` tag, and a `cc`, for each person a public thread or comment names
/// (`@name`, `@name@host`) whom we know, and sends the activity to the servers of those
/// elsewhere, so that they are notified. Deletions name nobody.
fn notify_mentioned(
    conn: &mut DbConn,
    urls: &Urls,
    markdown: &str,
    activity: &mut Value,
    activity_id: &Url,
    author_id: i64,
) -> AppResult<()> {
    if !activity["object"].is_object() {
        return Ok(());
    }
    let here = nodeinfo::host_key(&urls.instance()?).unwrap_or_default();
    let mut inboxes = Vec::new();
    let handles = crate::federation::objects::mentioned_handles(markdown);
    for (name, host) in handles.into_iter().take(20) {
        let person = match host.as_deref() {
            Some(host) if host != here => db::federation::remote_person(conn, &name, host)?,
            _ => db::persons::local_person_by_name(conn, &name.to_lowercase())?,
        };
        let Some(person) = person.filter(|p| !p.deleted && p.id != author_id) else {
            continue;
        };
        let id = crate::federation::objects::person_id(urls, &person)?;
        let handle = format!(
            "@{}@{}",
            person.name,
            person.domain.as_deref().unwrap_or(&here)
        );
        let mention = serde_json::json!({"type": "Mention", "href": id, "name": handle});
        push(&mut activity["object"]["tag"], mention);
        push(&mut activity["object"]["cc"], serde_json::json!(id));
        push(&mut activity["cc"], serde_json::json!(id));
        if person.domain.is_some()
            && let Some(inbox) = person.shared_inbox_url.clone().or(person.inbox_url.clone())
        {
            inboxes.push(inbox);
        }
    }
    inboxes.sort();
    inboxes.dedup();
    for inbox in inboxes {
        let inbox = Url::parse(&inbox).map_err(|e| AppError::Internal(e.into()))?;
        enqueue(
            conn,
            activity_id,
            activity,
            &inbox,
            Signer::Person(author_id),
        )?;
    }
    Ok(())
}

/// Appends to a JSON array, making one of whatever was there.
fn push(list: &mut Value, item: Value) {
    match list {
        Value::Array(items) => items.push(item),
        Value::Null => *list = Value::Array(vec![item]),
        other => *other = Value::Array(vec![other.take(), item]),
    }
}

/// What a vote is on.
#[derive(Debug, Clone, Copy)]
pub enum VoteTarget {
    Post(i64),
    Comment(i64),
}

/// Federates a local member's vote change: `Like`/`Dislike`, or `Undo` of the old vote.
pub(crate) fn federate_vote(
    conn: &mut DbConn,
    urls: &Urls,
    target: VoteTarget,
    person_id: i64,
    old: i32,
    new: i32,
) -> AppResult<()> {
    if old == new {
        return Ok(());
    }
    let person = db::persons::person(conn, person_id)?;
    let (object, post) = match target {
        VoteTarget::Post(id) => {
            let post = db::content::post(conn, id)?.ok_or(AppError::NotFound("thread"))?;
            (crate::federation::objects::post_id(urls, &post)?, post)
        }
        VoteTarget::Comment(id) => {
            let comment = db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
            let post =
                db::content::post(conn, comment.post_id)?.ok_or(AppError::NotFound("thread"))?;
            (
                crate::federation::objects::comment_id(urls, &comment)?,
                post,
            )
        }
    };
    let community = db::communities::by_id(conn, post.community_id)?;
    let group = crate::federation::objects::community_id(urls, &community)?;
    let actor = urls.person(&person.name)?;
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let vote_kind = |score: i32| if score > 0 { "Like" } else { "Dislike" };
    let (id, activity) = if new == 0 {
        let (_, old_vote) = activities::activity(
            urls,
            vote_kind(old),
            &actor,
            serde_json::json!(object),
            &group,
            public,
        )
        .map_err(fed)?;
        activities::activity(urls, "Undo", &actor, old_vote, &group, public).map_err(fed)?
    } else {
        activities::activity(
            urls,
            vote_kind(new),
            &actor,
            serde_json::json!(object),
            &group,
            public,
        )
        .map_err(fed)?
    };
    publish(conn, urls, &community, person.id, &id, activity)
}

/// Queues one of our members' votes in a poll from another server, as Mastodon sends
/// them: for each option, a `Create` of a `Note` named after it, replying to the poll,
/// addressed to the poll's author only. Returns the Notes' ids, in the options' order.
pub(crate) fn send_poll_votes(
    conn: &mut DbConn,
    urls: &Urls,
    post: &crate::db::models::DbPost,
    author: &DbPerson,
    voter_id: i64,
    options: &[crate::db::models::DbPollOption],
) -> AppResult<Vec<Url>> {
    let voter = db::persons::person(conn, voter_id)?;
    let actor = urls.person(&voter.name)?;
    let question = crate::federation::objects::post_id(urls, post)?;
    let recipient = ApActor::person(urls, author.clone()).map_err(fed)?;
    let mut notes = Vec::new();
    for option in options {
        let (note_id, create) =
            activities::poll_vote(urls, &actor, &recipient.id, &question, &option.name)
                .map_err(fed)?;
        let create_id = create
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| Url::parse(id).ok())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a vote without an id")))?;
        enqueue(
            conn,
            &create_id,
            &create,
            &recipient.delivery_inbox(),
            Signer::Person(voter.id),
        )?;
        notes.push(note_id);
    }
    Ok(notes)
}

/// Queues one of our members' answer to an event from another server, sent to the
/// event's community: `Join` for going, `TentativeAccept` for maybe, `Leave` for not
/// going or a withdrawn answer. Returns the activity's id.
pub(crate) fn send_rsvp(
    conn: &mut DbConn,
    urls: &Urls,
    post: &crate::db::models::DbPost,
    community: &DbCommunity,
    person_id: i64,
    answer: Option<crate::services::events::Rsvp>,
) -> AppResult<Url> {
    use crate::services::events::Rsvp;
    let person = db::persons::person(conn, person_id)?;
    let actor = urls.person(&person.name)?;
    let event = crate::federation::objects::post_id(urls, post)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let kind = match answer {
        Some(Rsvp::Going) => "Join",
        Some(Rsvp::Maybe) => "TentativeAccept",
        Some(Rsvp::Declined) | None => "Leave",
    };
    let (id, activity) = activities::rsvp(urls, kind, &actor, &event, &group.id).map_err(fed)?;
    enqueue(
        conn,
        &id,
        &activity,
        &group.delivery_inbox(),
        Signer::Person(person.id),
    )?;
    Ok(id)
}

/// An answer from another server to one of our events. A `Join` is answered with the
/// community's `Accept`, or `Reject` when the event is full or closed to them.
pub async fn receive_rsvp(
    state: &AppState,
    person: DbPerson,
    kind: String,
    event: Url,
    activity: Value,
) -> AppResult<()> {
    use crate::services::events::Rsvp;
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let post = local_post(conn, &urls, &event)?
                .ok_or_else(|| refuse("that is not an event of this server"))?;
            let answer = match kind.as_str() {
                "Join" => Some(Rsvp::Going),
                "TentativeAccept" => Some(Rsvp::Maybe),
                _ => None,
            };
            let id = activity
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let taken =
                crate::services::events::receive_rsvp(conn, &urls, &person, &post, answer, &id)?;
            if kind != "Join" {
                return if taken {
                    Ok(())
                } else {
                    Err(refuse("that answer is not allowed for this event"))
                };
            }
            let community = db::communities::by_id(conn, post.community_id)?;
            let group = urls.community(&community.name)?;
            let participant = ApActor::person(&urls, person.clone()).map_err(fed)?;
            let (reply_id, reply) =
                activities::rsvp_reply(&urls, taken, &group, &participant.id, activity)
                    .map_err(fed)?;
            enqueue(
                conn,
                &reply_id,
                &reply,
                &participant.delivery_inbox(),
                Signer::Community(community.id),
            )
        })
        .await
}

/// The event's server answered one of our members' `Join`. A `Reject` drops the answer
/// here; an `Accept` confirms what is already stored.
pub async fn receive_rsvp_reply(state: &AppState, accepted: bool, join_id: Url) -> AppResult<()> {
    if accepted {
        return Ok(());
    }
    state
        .db
        .write(move |conn| crate::services::events::join_refused(conn, join_id.as_str()))
        .await
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

/// A thread from another server: stored (or updated by its author) under the same rules
/// as a local one, then announced if the community is ours.
pub async fn receive_thread(
    state: &AppState,
    author: DbPerson,
    doc: crate::federation::content::ContentDoc,
    via: Option<DbCommunity>,
    raw: Value,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let community = match via {
                Some(c) => c,
                None => addressed_community(conn, &urls, &doc.addressed())?
                    .ok_or(AppError::NotFound("community"))?,
            };
            let title = doc.title(crate::services::posts::TITLE_MAX);
            if title.is_empty() {
                return Err(AppError::invalid("a thread needs a name or some text"));
            }
            let (body, link) = (doc.markdown(), doc.link());
            // A private community's files open only for its members: through our server,
            // which fetches them signed as the member (`services::remote_files`).
            let body_html = match community.domain.as_deref() {
                Some(domain) if community.visibility == Visibility::Private.as_str() => {
                    doc.html_with_private_files(domain)
                }
                _ => doc.html(),
            };
            let post_id = match db::federation::post_by_ap_id(conn, doc.id.as_str())? {
                Some(existing) => {
                    if existing.author_id != author.id {
                        return Err(refuse("only the author may change a thread"));
                    }
                    let changes = db::content::PostChanges {
                        title: Some(title),
                        url: Some(link),
                        content_warning: Some(doc.content_warning()),
                        body: Some(body),
                        body_html: Some(body_html),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    db::content::update_post(conn, existing.id, &changes)?;
                    existing.id
                }
                None => {
                    if community.domain.is_none() {
                        crate::services::permissions::Access::for_person(
                            conn,
                            community.clone(),
                            author.id,
                        )?
                        .require_start_thread()?;
                    }
                    let id = db::content::insert_post(
                        conn,
                        &crate::db::models::NewPost {
                            community_id: community.id,
                            author_id: author.id,
                            ap_id: Some(doc.id.as_str()),
                            title: &title,
                            url: link.as_deref(),
                            body: &body,
                            body_html: &body_html,
                            content_warning: doc.content_warning().as_deref(),
                            created_at: doc
                                .published
                                .map(|t| t.naive_utc())
                                .unwrap_or_else(db::now),
                        },
                    )?;
                    let post = db::content::post(conn, id)?.ok_or(AppError::NotFound("thread"))?;
                    crate::services::notifications::on_thread(conn, &urls, &post)?;
                    id
                }
            };
            if let Some(poll) = doc.poll() {
                crate::services::polls::store_remote(conn, post_id, &poll)?;
            }
            if let Some(event) = doc.event() {
                crate::services::events::store_remote(conn, post_id, community.id, &event)?;
            }
            pass_on(conn, &urls, &community, &raw)
        })
        .await
}

/// A comment from another server, under the same rules as a local reply.
pub async fn receive_comment(
    state: &AppState,
    author: DbPerson,
    doc: crate::federation::content::ContentDoc,
    via: Option<DbCommunity>,
    raw: Value,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let parent_url = doc
                .in_reply_to
                .clone()
                .ok_or(AppError::NotFound("parent"))?;
            let (post, parent) = match find_target(conn, &urls, &parent_url)? {
                Some(Target::Post(post)) => (post, None),
                Some(Target::Comment(comment)) => {
                    let post = db::content::post(conn, comment.post_id)?
                        .ok_or(AppError::NotFound("thread"))?;
                    (post, Some(comment))
                }
                None => return Err(AppError::NotFound("parent")),
            };
            let community = db::communities::by_id(conn, post.community_id)?;
            if via.as_ref().is_some_and(|v| v.id != community.id) {
                return Err(refuse("the comment belongs to another community"));
            }
            // A direct or followers-only reply stays private: it does not become a comment
            // everyone in the community reads.
            let group = crate::federation::objects::community_id(&urls, &community)?;
            if via.is_none() && !doc.is_public() && !doc.addressed().contains(&group) {
                return Err(refuse(
                    "a reply that is neither public nor addressed to its community stays private",
                ));
            }
            let (body, body_html) = (doc.markdown(), doc.html_with_warning());
            match db::federation::comment_by_ap_id(conn, doc.id.as_str())? {
                Some(existing) => {
                    if existing.author_id != author.id {
                        return Err(refuse("only the author may change a comment"));
                    }
                    let changes = db::content::CommentChanges {
                        body: Some(body),
                        body_html: Some(body_html),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    db::content::update_comment(conn, existing.id, &changes)?;
                }
                None => {
                    if community.domain.is_none() {
                        let access = crate::services::permissions::Access::for_person(
                            conn,
                            community.clone(),
                            author.id,
                        )?;
                        access.require_participate()?;
                        if post.deleted || post.removed {
                            return Err(AppError::Gone("that thread is gone".into()));
                        }
                        if post.locked && !access.moderator {
                            return Err(AppError::denied("thread_locked", "this thread is locked"));
                        }
                    }
                    let id = db::content::insert_comment(
                        conn,
                        &crate::db::models::NewComment {
                            post_id: post.id,
                            parent_id: parent.as_ref().map(|p| p.id),
                            author_id: author.id,
                            ap_id: Some(doc.id.as_str()),
                            body: &body,
                            body_html: &body_html,
                            depth: parent.as_ref().map_or(0, |p| p.depth + 1),
                            created_at: doc
                                .published
                                .map(|t| t.naive_utc())
                                .unwrap_or_else(db::now),
                        },
                    )?;
                    let comment =
                        db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
                    crate::services::notifications::on_comment(conn, &urls, &comment, &post)?;
                }
            }
            pass_on(conn, &urls, &community, &raw)
        })
        .await
}

/// A vote from another server (`score` 0 withdraws it).
pub async fn receive_vote(
    state: &AppState,
    voter: DbPerson,
    target: Url,
    score: i32,
    via: Option<DbCommunity>,
    raw: Value,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post_id, target) = match find_target(conn, &urls, &target)? {
                Some(Target::Post(p)) => (p.id, VoteTarget::Post(p.id)),
                Some(Target::Comment(c)) => (c.post_id, VoteTarget::Comment(c.id)),
                None => return Err(AppError::NotFound("vote target")),
            };
            let post = db::content::post(conn, post_id)?.ok_or(AppError::NotFound("thread"))?;
            let community = db::communities::by_id(conn, post.community_id)?;
            if via.as_ref().is_some_and(|v| v.id != community.id) {
                return Err(refuse("the vote belongs to another community"));
            }
            if community.domain.is_none() {
                crate::services::permissions::Access::for_person(
                    conn,
                    community.clone(),
                    voter.id,
                )?
                .require_participate()?;
            }
            match target {
                VoteTarget::Post(id) => db::content::set_post_vote(conn, id, voter.id, score)?,
                VoteTarget::Comment(id) => {
                    db::content::set_comment_vote(conn, id, voter.id, score)?
                }
            }
            pass_on(conn, &urls, &community, &raw)
        })
        .await
}

/// An author on another server deleted their thread or comment.
pub async fn receive_delete(
    state: &AppState,
    author: DbPerson,
    target: Url,
    via: Option<DbCommunity>,
    raw: Value,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (author_id, community_id) = match find_target(conn, &urls, &target)? {
                Some(Target::Post(p)) => {
                    let changes = db::content::PostChanges {
                        deleted: Some(true),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    if p.author_id == author.id {
                        db::content::update_post(conn, p.id, &changes)?;
                    }
                    (p.author_id, p.community_id)
                }
                Some(Target::Comment(c)) => {
                    let post =
                        db::content::post(conn, c.post_id)?.ok_or(AppError::NotFound("thread"))?;
                    let changes = db::content::CommentChanges {
                        deleted: Some(true),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    if c.author_id == author.id {
                        db::content::update_comment(conn, c.id, &changes)?;
                    }
                    (c.author_id, post.community_id)
                }
                // Nothing here to delete.
                None => return Ok(()),
            };
            if author_id != author.id {
                return Err(refuse("only the author may delete this"));
            }
            let community = db::communities::by_id(conn, community_id)?;
            if via.as_ref().is_some_and(|v| v.id != community.id) {
                return Err(refuse("that belongs to another community"));
            }
            pass_on(conn, &urls, &community, &raw)
        })
        .await
}

/// An activity by a facilitator of one of our communities about `object`, with `target`;
/// also returns the facilitator's id and whether the community is public.
fn facilitator_activity(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    moderator_id: i64,
    kind: &str,
    object: &Url,
    target: &Url,
) -> AppResult<(Value, Url, bool)> {
    let moderator = db::persons::person(conn, moderator_id)?;
    let actor = crate::federation::objects::person_id(urls, &moderator)?;
    let group = urls.community(&community.name)?;
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let (_, mut activity) = activities::activity(
        urls,
        kind,
        &actor,
        serde_json::json!(object),
        &group,
        public,
    )
    .map_err(fed)?;
    activity["target"] = serde_json::json!(target);
    Ok((activity, actor, public))
}

/// What a facilitator did: `kind` is `Lock`, `Remove` or `Block`; `undo` reverses it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moderation<'a> {
    pub kind: &'a str,
    pub object: &'a Url,
    pub undo: bool,
    pub reason: Option<&'a str>,
}

/// A facilitator's action in one of our communities, announced to its followers:
/// `Lock`, `Remove` or `Block` (or its `Undo`), with the reason as `summary`.
pub(crate) fn federate_moderation(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    moderator_id: i64,
    action: Moderation<'_>,
) -> AppResult<()> {
    let Moderation {
        kind,
        object,
        undo,
        reason,
    } = action;
    if community.domain.is_some() {
        // Moderating a remote community happens on its own server.
        return Ok(());
    }
    let group = urls.community(&community.name)?;
    let (mut activity, actor, public) =
        facilitator_activity(conn, urls, community, moderator_id, kind, object, &group)?;
    if let Some(reason) = reason {
        activity["summary"] = serde_json::json!(reason);
    }
    if undo {
        let (_, wrapped) =
            activities::activity(urls, "Undo", &actor, activity, &group, public).map_err(fed)?;
        activity = wrapped;
    }
    announce_to_followers(conn, urls, community, activity)
}

/// A facilitator's action in a remote community, as the community announced it.
pub async fn receive_moderation(
    state: &AppState,
    community: DbCommunity,
    kind: String,
    object: Url,
    undo: bool,
    reason: Option<String>,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .db
        .write(move |conn| {
            let within = |post_id: i64, conn: &mut DbConn| -> AppResult<bool> {
                Ok(db::content::post(conn, post_id)?
                    .is_some_and(|p| p.community_id == community.id))
            };
            match (kind.as_str(), find_target(conn, &urls, &object)?) {
                ("Lock", Some(Target::Post(p))) if within(p.id, conn)? => {
                    let changes = db::content::PostChanges {
                        locked: Some(!undo),
                        ..Default::default()
                    };
                    db::content::update_post(conn, p.id, &changes)
                }
                ("Remove", Some(Target::Post(p))) if within(p.id, conn)? => {
                    let changes = db::content::PostChanges {
                        removed: Some(!undo),
                        ..Default::default()
                    };
                    db::content::update_post(conn, p.id, &changes)
                }
                ("Remove", Some(Target::Comment(c))) if within(c.post_id, conn)? => {
                    let changes = db::content::CommentChanges {
                        removed: Some(!undo),
                        ..Default::default()
                    };
                    db::content::update_comment(conn, c.id, &changes)
                }
                ("Block", _) => {
                    let person = if urls.is_local(&object) {
                        object
                            .path()
                            .strip_prefix("/u/")
                            .map(|name| db::persons::local_person_by_name(conn, name))
                            .transpose()?
                            .flatten()
                    } else {
                        db::federation::person_by_ap_id(conn, object.as_str())?
                    };
                    let Some(person) = person else { return Ok(()) };
                    if undo {
                        db::communities::delete_ban(conn, community.id, person.id)?;
                    } else {
                        let reason = reason
                            .as_deref()
                            .unwrap_or("banned by the community's facilitators");
                        // Who banned is known only on the community's server; record the person.
                        db::communities::put_ban(
                            conn,
                            community.id,
                            person.id,
                            person.id,
                            reason,
                            None,
                        )?;
                    }
                    Ok(())
                }
                _ => {
                    tracing::info!(%kind, %object, "moderation of something unknown here; ignored");
                    Ok(())
                }
            }
        })
        .await
}

/// A facilitator changed one of our communities: its followers' servers refresh their copy.
pub(crate) fn federate_group_update(
    conn: &mut DbConn,
    urls: &Urls,
    community_id: i64,
    moderator_id: i64,
) -> AppResult<()> {
    let community = db::communities::by_id(conn, community_id)?;
    // A community nobody elsewhere has fetched has no keys yet, and no followers to tell.
    if community.domain.is_some() || community.public_key.is_none() {
        return Ok(());
    }
    let moderator = db::persons::person(conn, moderator_id)?;
    let actor = crate::federation::objects::person_id(urls, &moderator)?;
    let group = urls.community(&community.name)?;
    let object = serde_json::to_value(crate::federation::objects::GroupObject::build(
        urls, &community,
    )?)
    .map_err(|e| AppError::Internal(e.into()))?;
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let (_, activity) =
        activities::activity(urls, "Update", &actor, object, &group, public).map_err(fed)?;
    announce_to_followers(conn, urls, &community, activity)
}

/// One of our members deleted their account: every server that holds their content
/// hears a `Delete` of the person. Call before their memberships end.
pub(crate) fn federate_account_deletion(
    conn: &mut DbConn,
    urls: &Urls,
    person_id: i64,
) -> AppResult<()> {
    let person = db::persons::person(conn, person_id)?;
    if person.domain.is_some() || person.private_key.is_none() {
        // Never federated: no other server knows them.
        return Ok(());
    }
    let inboxes = servers_holding(conn, person_id)?;
    let actor = urls.person(&person.name)?;
    let (id, delete) = activities::activity(
        urls,
        "Delete",
        &actor,
        serde_json::json!(actor),
        &actor,
        true,
    )
    .map_err(fed)?;
    for inbox in inboxes {
        let inbox = Url::parse(&inbox).map_err(|e| AppError::Internal(e.into()))?;
        enqueue(conn, &id, &delete, &inbox, Signer::Person(person.id))?;
    }
    Ok(())
}

/// The inboxes of every server that holds a member's content: the remote communities they
/// belong to, and the remote followers of ours they belong to.
fn servers_holding(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<String>> {
    let mut inboxes = Vec::new();
    for (membership, _) in db::communities::memberships_of(conn, person_id)? {
        let community = db::communities::by_id(conn, membership.community_id)?;
        match &community.domain {
            Some(_) => inboxes.extend(
                community
                    .shared_inbox_url
                    .clone()
                    .or(community.inbox_url.clone()),
            ),
            None => inboxes.extend(db::federation::remote_follower_inboxes(conn, community.id)?),
        }
    }
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// One of our members was banned from this instance, or the ban lifted (`ban: None`):
/// the servers that hold their content hear it, so they can stop them there too. A ban
/// of someone from another server stays here; it is ours alone.
pub(crate) fn federate_instance_ban(
    conn: &mut DbConn,
    urls: &Urls,
    admin_id: i64,
    person: &DbPerson,
    ban: Option<(&str, Option<chrono::NaiveDateTime>)>,
) -> AppResult<()> {
    if person.domain.is_some() || person.private_key.is_none() {
        return Ok(());
    }
    let admin = urls.person(&db::persons::person(conn, admin_id)?.name)?;
    let object = urls.person(&person.name)?;
    let (id, activity) = activities::instance_ban(urls, &admin, &object, ban).map_err(fed)?;
    for inbox in servers_holding(conn, person.id)? {
        let inbox = Url::parse(&inbox).map_err(|e| AppError::Internal(e.into()))?;
        enqueue(conn, &id, &activity, &inbox, Signer::Person(admin_id))?;
    }
    Ok(())
}

/// A server banned one of its own members instance-wide (`Block` with the instance as
/// target), or lifted the ban: the ban holds here too. The caller checked that the actor
/// is on the banned person's server.
pub async fn receive_instance_ban(
    state: &AppState,
    person: Url,
    undo: bool,
    reason: Option<String>,
    expires_at: Option<chrono::NaiveDateTime>,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            let Some(person) = db::federation::person_by_ap_id(conn, person.as_str())? else {
                tracing::info!(%person, "instance ban of someone unknown here; ignored");
                return Ok(());
            };
            if undo {
                db::moderation::delete_instance_ban(conn, person.id)?;
            } else {
                let reason = reason.as_deref().unwrap_or("suspended by their own server");
                db::moderation::put_instance_ban(conn, person.id, None, reason, expires_at)?;
            }
            Ok(())
        })
        .await
}

/// A member of another server deleted their account: their profile and content go.
pub async fn receive_account_deletion(state: &AppState, person: DbPerson) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            let now = db::now();
            db::communities::delete_memberships_of(conn, person.id)?;
            db::content::delete_posts_by_author(conn, person.id, now)?;
            db::content::delete_comments_by_author(conn, person.id, now)?;
            db::persons::erase_person(conn, person.id, now)
        })
        .await
}

/// Sends a member's report about content in a remote community to that community, as a
/// `Flag`, so its facilitators see it where they work.
pub(crate) fn federate_report(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    reporter_id: i64,
    post: &crate::db::models::DbPost,
    comment_id: Option<i64>,
    reason: &str,
) -> AppResult<()> {
    if community.domain.is_none() {
        return Ok(());
    }
    let reporter = db::persons::person(conn, reporter_id)?;
    let object = match comment_id {
        Some(id) => {
            let comment = db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
            crate::federation::objects::comment_id(urls, &comment)?
        }
        None => crate::federation::objects::post_id(urls, post)?,
    };
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let actor = urls.person(&reporter.name)?;
    let (id, mut flag) = activities::activity(
        urls,
        "Flag",
        &actor,
        serde_json::json!(object),
        &group.id,
        false,
    )
    .map_err(fed)?;
    flag["summary"] = serde_json::json!(reason);
    flag["content"] = serde_json::json!(reason);
    enqueue(
        conn,
        &id,
        &flag,
        &group.delivery_inbox(),
        Signer::Person(reporter.id),
    )
}

/// A report from another server about content in one of our communities.
pub async fn receive_flag(
    state: &AppState,
    reporter: DbPerson,
    objects: Vec<Url>,
    reason: String,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .db
        .write(move |conn| {
            let reason: String = if reason.trim().is_empty() {
                "reported from another server".into()
            } else {
                reason.chars().take(1000).collect()
            };
            let mut filed = 0;
            for url in objects {
                let (post, comment_id) = match find_target(conn, &urls, &url)? {
                    Some(Target::Post(p)) => (p, None),
                    Some(Target::Comment(c)) => {
                        let post = db::content::post(conn, c.post_id)?
                            .ok_or(AppError::NotFound("thread"))?;
                        (post, Some(c.id))
                    }
                    None => continue,
                };
                let community = db::communities::by_id(conn, post.community_id)?;
                if community.domain.is_some() {
                    continue;
                }
                db::moderation::insert_report(
                    conn,
                    community.id,
                    reporter.id,
                    comment_id.is_none().then_some(post.id),
                    comment_id,
                    &reason,
                )?;
                filed += 1;
            }
            if filed == 0 {
                return Err(AppError::NotFound("reported content"));
            }
            Ok(())
        })
        .await
}

/// Marks a stored remote thread pinned, as its community's `featured` collection says.
pub async fn mark_pinned(state: &AppState, id: &Url) -> AppResult<()> {
    let key = id.to_string();
    state
        .db
        .write(move |conn| {
            if let Some(post) = db::federation::post_by_ap_id(conn, &key)? {
                let changes = db::content::PostChanges {
                    pinned: Some(true),
                    ..Default::default()
                };
                db::content::update_post(conn, post.id, &changes)?;
            }
            Ok(())
        })
        .await
}

/// A thread pinned or unpinned, or a facilitator added or removed, in one of our
/// communities: announced as `Add` or `Remove` with the collection as `target`.
pub(crate) fn federate_collection_change(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    moderator_id: i64,
    add: bool,
    object: &Url,
    collection: &str,
) -> AppResult<()> {
    if community.domain.is_some() {
        return Ok(());
    }
    let target = urls.community_part(&community.name, collection)?;
    let kind = if add { "Add" } else { "Remove" };
    let (activity, _, _) =
        facilitator_activity(conn, urls, community, moderator_id, kind, object, &target)?;
    announce_to_followers(conn, urls, community, activity)
}

/// A remote community's pinned threads or facilitators changed, as it announced.
pub async fn receive_collection_change(
    state: &AppState,
    community: DbCommunity,
    add: bool,
    object: Url,
    collection: String,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .db
        .write(move |conn| {
            if collection == "featured" {
                if let Some(Target::Post(post)) = find_target(conn, &urls, &object)?
                    && post.community_id == community.id
                {
                    let changes = db::content::PostChanges {
                        pinned: Some(add),
                        ..Default::default()
                    };
                    db::content::update_post(conn, post.id, &changes)?;
                }
                return Ok(());
            }
            let person = if urls.is_local(&object) {
                match object.path().strip_prefix("/u/") {
                    Some(name) => db::persons::local_person_by_name(conn, name)?,
                    None => None,
                }
            } else {
                db::federation::person_by_ap_id(conn, object.as_str())?
            };
            let Some(person) = person else { return Ok(()) };
            let is_moderator = db::communities::is_moderator(conn, community.id, person.id)?;
            match (add, is_moderator) {
                (true, false) => db::communities::add_moderator(conn, community.id, person.id),
                (false, true) => {
                    db::communities::remove_moderator(conn, community.id, person.id).map(|_| ())
                }
                _ => Ok(()),
            }
        })
        .await
}
