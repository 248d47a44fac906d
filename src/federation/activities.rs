//! The activities our inboxes accept, checked (`verify`) before they change anything
//! (`receive`), and the builders for the ones we send.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{
    AcceptType, AnnounceType, CreateType, DeleteType, DislikeType, FollowType, LikeType,
    RejectType, UndoType, UpdateType,
};
use activitypub_federation::traits::Activity;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

use super::actors::{ActorRow, ApActor};
use super::content;
use super::error::FedError;
use super::objects::context;
use super::urls::Urls;
use crate::error::AppError;
use crate::services;
use crate::state::AppState;

/// A new activity id on this instance.
pub fn new_activity_id(urls: &Urls, kind: &str) -> Result<Url, FedError> {
    let token = crate::services::accounts::new_token();
    Ok(urls
        .instance()?
        .join(&format!("activities/{kind}/{token}"))
        .map_err(activitypub_federation::error::Error::from)?)
}

/// `Follow`: a member (often of another server) follows one of our communities, or one
/// of ours follows a remote community.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Follow {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: FollowType,
    pub actor: ObjectId<ApActor>,
    pub object: ObjectId<ApActor>,
}

/// `Accept` of a Follow. Peers send the Follow embedded or by id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Accept {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: AcceptType,
    pub actor: ObjectId<ApActor>,
    pub object: FollowRef,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FollowRef {
    Embedded(Follow),
    Id(Url),
}

/// `Reject` of a Follow: the community refused the request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reject {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: RejectType,
    pub actor: ObjectId<ApActor>,
    pub object: FollowRef,
}

/// `Undo` of a Follow: the member stops following.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UndoFollow {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: UndoType,
    pub actor: ObjectId<ApActor>,
    pub object: FollowRef,
}

/// An activity about content (`Create`, `Update`, `Delete`, `Like`, `Dislike`, `Undo`, or a
/// community's `Announce` of one). Fields we do not read are kept, so that a community
/// passes the activity on as it came.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Content<K> {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: K,
    pub actor: ObjectId<ApActor>,
    pub object: Value,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

/// An answer to an event, as Mobilizon and Friendica send them: `Join` (going),
/// `TentativeAccept` (maybe), `Leave` (not going, or withdrawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RsvpKind {
    Join,
    TentativeAccept,
    Leave,
}

/// An event's server answering a `Join`: `Accept`, or `Reject` when it is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RsvpReplyKind {
    Accept,
    Reject,
}

/// Everything an inbox accepts. Types are matched exactly, so an unknown shape is refused
/// with a reason instead of being mistaken for another.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum InboxActivity {
    Follow(Follow),
    Accept(Accept),
    Reject(Reject),
    Undo(UndoFollow),
    Create(Content<CreateType>),
    Update(Content<UpdateType>),
    Delete(Content<DeleteType>),
    Like(Content<LikeType>),
    Dislike(Content<DislikeType>),
    UndoVote(Content<UndoType>),
    Announce(Content<AnnounceType>),
    Rsvp(Content<RsvpKind>),
    /// An `Accept` or `Reject` of a `Join` (a Follow's answer is matched first).
    RsvpReply(Content<RsvpReplyKind>),
    /// `Lock`, `Remove` or `Block` by a facilitator; accepted only inside a community's
    /// Announce.
    Moderation(Content<String>),
}

impl InboxActivity {
    /// The activity as JSON, for a community to pass on.
    fn to_json(&self) -> Result<Value, FedError> {
        let value = match self {
            InboxActivity::Create(a) => serde_json::to_value(a),
            InboxActivity::Update(a) => serde_json::to_value(a),
            InboxActivity::Delete(a) => serde_json::to_value(a),
            InboxActivity::Like(a) => serde_json::to_value(a),
            InboxActivity::Dislike(a) => serde_json::to_value(a),
            InboxActivity::UndoVote(a) => serde_json::to_value(a),
            InboxActivity::Announce(a) => serde_json::to_value(a),
            InboxActivity::Moderation(a) => serde_json::to_value(a),
            InboxActivity::Follow(a) => serde_json::to_value(a),
            InboxActivity::Accept(a) => serde_json::to_value(a),
            InboxActivity::Reject(a) => serde_json::to_value(a),
            InboxActivity::Undo(a) => serde_json::to_value(a),
            InboxActivity::Rsvp(a) => serde_json::to_value(a),
            InboxActivity::RsvpReply(a) => serde_json::to_value(a),
        };
        value.map_err(|e| FedError::App(AppError::Internal(e.into())))
    }
}

/// The activity types [`InboxActivity`] understands; others are acknowledged and ignored.
pub const ACCEPTED_TYPES: &[&str] = &[
    "Follow",
    "Accept",
    "Reject",
    "Undo",
    "Create",
    "Update",
    "Delete",
    "Like",
    "Dislike",
    "Announce",
    "Lock",
    "Remove",
    "Block",
    "Flag",
    "Add",
    "Join",
    "Leave",
    "TentativeAccept",
];

#[async_trait]
impl Activity for InboxActivity {
    type DataType = AppState;
    type Error = FedError;

    fn id(&self) -> &Url {
        match self {
            InboxActivity::Follow(a) => &a.id,
            InboxActivity::Accept(a) => &a.id,
            InboxActivity::Reject(a) => &a.id,
            InboxActivity::Undo(a) => &a.id,
            InboxActivity::Create(a) => &a.id,
            InboxActivity::Update(a) => &a.id,
            InboxActivity::Delete(a) => &a.id,
            InboxActivity::Like(a) => &a.id,
            InboxActivity::Dislike(a) => &a.id,
            InboxActivity::UndoVote(a) => &a.id,
            InboxActivity::Announce(a) => &a.id,
            InboxActivity::Moderation(a) => &a.id,
            InboxActivity::Rsvp(a) => &a.id,
            InboxActivity::RsvpReply(a) => &a.id,
        }
    }

    fn actor(&self) -> &Url {
        match self {
            InboxActivity::Follow(a) => a.actor.inner(),
            InboxActivity::Accept(a) => a.actor.inner(),
            InboxActivity::Reject(a) => a.actor.inner(),
            InboxActivity::Undo(a) => a.actor.inner(),
            InboxActivity::Create(a) => a.actor.inner(),
            InboxActivity::Update(a) => a.actor.inner(),
            InboxActivity::Delete(a) => a.actor.inner(),
            InboxActivity::Like(a) => a.actor.inner(),
            InboxActivity::Dislike(a) => a.actor.inner(),
            InboxActivity::UndoVote(a) => a.actor.inner(),
            InboxActivity::Announce(a) => a.actor.inner(),
            InboxActivity::Moderation(a) => a.actor.inner(),
            InboxActivity::Rsvp(a) => a.actor.inner(),
            InboxActivity::RsvpReply(a) => a.actor.inner(),
        }
    }

    async fn verify(&self, data: &Data<AppState>) -> Result<(), FedError> {
        let urls = Urls::new(&data.app_data().config);
        // The library compares host names only; scheme and port must match too.
        if self.id().origin() != self.actor().origin() {
            return Err(FedError::refused(
                "the activity's id is not on its actor's server",
            ));
        }
        match self {
            InboxActivity::Follow(follow) => {
                if !urls.is_local(follow.object.inner()) {
                    return Err(FedError::refused(
                        "a Follow must name an actor on this instance",
                    ));
                }
            }
            InboxActivity::Accept(accept) => {
                if let FollowRef::Embedded(follow) = &accept.object {
                    if !urls.is_local(follow.actor.inner()) {
                        return Err(FedError::refused("that Follow was not ours"));
                    }
                    if follow.object.inner() != accept.actor.inner() {
                        return Err(FedError::refused(
                            "only the followed actor may accept a Follow",
                        ));
                    }
                }
            }
            InboxActivity::Reject(reject) => {
                if let FollowRef::Embedded(follow) = &reject.object
                    && (!urls.is_local(follow.actor.inner())
                        || follow.object.inner() != reject.actor.inner())
                {
                    return Err(FedError::refused(
                        "only the followed actor may reject our Follow",
                    ));
                }
            }
            InboxActivity::Undo(undo) => {
                if let FollowRef::Embedded(follow) = &undo.object
                    && follow.actor.inner() != undo.actor.inner()
                {
                    return Err(FedError::refused("only the follower may undo a Follow"));
                }
            }
            InboxActivity::Create(a) => verify_authored(a.actor.inner(), &a.object)?,
            InboxActivity::Update(a) if is_actor(&a.object) => {}
            InboxActivity::Update(a) => verify_authored(a.actor.inner(), &a.object)?,
            InboxActivity::Delete(a) => {
                verify_same_origin(a.actor.inner(), &content::object_url(&a.object)?)?
            }
            InboxActivity::Like(_) | InboxActivity::Dislike(_) | InboxActivity::Announce(_) => {}
            InboxActivity::Rsvp(a) => {
                if !content::urls_in(&a.object)
                    .first()
                    .is_some_and(|e| urls.is_local(e))
                {
                    return Err(FedError::refused(
                        "an answer must name an event of this instance",
                    ));
                }
            }
            InboxActivity::RsvpReply(a) => {
                let join_actor = a.object.get("actor").map(content::urls_in);
                if a.object.get("type").and_then(Value::as_str) != Some("Join")
                    || !join_actor
                        .as_ref()
                        .and_then(|j| j.first())
                        .is_some_and(|j| urls.is_local(j))
                {
                    return Err(FedError::refused(
                        "only answers to our own members' Join are read",
                    ));
                }
            }
            InboxActivity::Moderation(a) => {
                if !matches!(
                    a.kind.as_str(),
                    "Lock" | "Remove" | "Block" | "Flag" | "Add"
                ) {
                    return Err(FedError::refused(format!("{} is not handled", a.kind)));
                }
            }
            InboxActivity::UndoVote(a) => {
                if let Some(inner) = a.object.get("actor").map(content::urls_in)
                    && inner.first() != Some(a.actor.inner())
                {
                    return Err(FedError::refused("only the voter may undo a vote"));
                }
            }
        }
        Ok(())
    }

    async fn receive(self, data: &Data<AppState>) -> Result<(), FedError> {
        let state = data.app_data();
        match self {
            InboxActivity::Follow(follow) => {
                let follower = follow.actor.dereference(data).await?;
                let ActorRow::Person(person) = follower.row else {
                    return Err(FedError::refused("only people can follow communities"));
                };
                let target = follow.object.dereference_local(data).await?;
                let payload = serde_json::to_value(&follow)
                    .map_err(|e| FedError::App(AppError::Internal(e.into())))?;
                let community = match target.row {
                    ActorRow::Community(community) => community,
                    ActorRow::Person(member) => {
                        services::federation::receive_person_follow(
                            state,
                            person,
                            member,
                            payload,
                            follow.id.to_string(),
                        )
                        .await?;
                        return Ok(());
                    }
                };
                // How the community will reach this follower's server depends on its software.
                super::nodeinfo::learn(state, follow.actor.inner()).await;
                services::federation::receive_follow(
                    state,
                    person,
                    community,
                    follow.id.to_string(),
                    payload,
                )
                .await?;
            }
            InboxActivity::Accept(accept) => {
                let group = accept.actor.dereference(data).await?;
                let ActorRow::Community(community) = group.row else {
                    return Err(FedError::refused("only communities accept follows here"));
                };
                let follow_id = match &accept.object {
                    FollowRef::Embedded(follow) => follow.id.to_string(),
                    FollowRef::Id(id) => id.to_string(),
                };
                services::federation::receive_accept(state, community.clone(), follow_id).await?;
                // Fill the community in with what it already holds, without holding up the answer.
                tokio::spawn(content::backfill(data.reset_request_count(), community));
            }
            InboxActivity::Reject(reject) => {
                let group = reject.actor.dereference(data).await?;
                let ActorRow::Community(community) = group.row else {
                    return Err(FedError::refused("only communities reject follows here"));
                };
                let follow_id = match &reject.object {
                    FollowRef::Embedded(follow) => follow.id.to_string(),
                    FollowRef::Id(id) => id.to_string(),
                };
                services::federation::receive_reject(state, community, follow_id).await?;
            }
            InboxActivity::Undo(undo) => {
                let follower = undo.actor.dereference(data).await?;
                let ActorRow::Person(person) = follower.row else {
                    return Err(FedError::refused("only people undo follows"));
                };
                let target = match &undo.object {
                    FollowRef::Embedded(follow) => Some(follow.object.inner().clone()),
                    FollowRef::Id(_) => None,
                };
                let (community, followed) = match target {
                    Some(id) => match ObjectId::<ApActor>::from(id)
                        .dereference_local(data)
                        .await?
                        .row
                    {
                        ActorRow::Community(c) => (Some(c), None),
                        ActorRow::Person(p) => (None, Some(p.id)),
                    },
                    None => (None, None),
                };
                let follow_id = match &undo.object {
                    FollowRef::Embedded(follow) => follow.id.to_string(),
                    FollowRef::Id(id) => id.to_string(),
                };
                services::federation::receive_unfollow(
                    state, person, community, followed, follow_id,
                )
                .await?;
            }
            InboxActivity::Announce(announce) => {
                let group = announce.actor.dereference(data).await?;
                let ActorRow::Community(community) = group.row else {
                    return Err(FedError::refused("only communities announce"));
                };
                if community.domain.is_none() {
                    return Err(FedError::refused(
                        "our own communities do not announce to us",
                    ));
                }
                let Value::Object(_) = &announce.object else {
                    tracing::info!(id = %announce.id, "announce of an activity by id only; ignored");
                    return Ok(());
                };
                let inner: InboxActivity = serde_json::from_value(announce.object.clone())
                    .map_err(|e| {
                        FedError::refused(format!("unreadable announced activity: {e}"))
                    })?;
                if matches!(
                    inner,
                    InboxActivity::Announce(_)
                        | InboxActivity::Follow(_)
                        | InboxActivity::Accept(_)
                ) {
                    return Err(FedError::refused("that cannot be announced"));
                }
                // The inner activity must come from its author's server or the group's.
                let inner_origin = inner.actor().origin();
                if inner.id().origin() != inner_origin && inner.id().origin() != group.id.origin() {
                    return Err(FedError::refused("announced activity from a third origin"));
                }
                inner.verify(data).await?;
                Box::pin(apply(inner, data, Some(community))).await?;
            }
            InboxActivity::Rsvp(rsvp) => {
                let actor = rsvp.actor.dereference(data).await?;
                let ActorRow::Person(person) = actor.row else {
                    return Err(FedError::refused("only people answer events"));
                };
                let event = content::object_url(&rsvp.object)?;
                let kind = match rsvp.kind {
                    RsvpKind::Join => "Join",
                    RsvpKind::TentativeAccept => "TentativeAccept",
                    RsvpKind::Leave => "Leave",
                };
                let raw = serde_json::to_value(&rsvp)
                    .map_err(|e| FedError::App(AppError::Internal(e.into())))?;
                services::federation::receive_rsvp(state, person, kind.to_owned(), event, raw)
                    .await?;
            }
            InboxActivity::RsvpReply(reply) => {
                let join = content::object_url(&reply.object)?;
                services::federation::receive_rsvp_reply(
                    state,
                    reply.kind == RsvpReplyKind::Accept,
                    join,
                )
                .await?;
            }
            other => apply(other, data, None).await?,
        }
        Ok(())
    }
}

/// One of our members' answers to an event elsewhere (`Join`, `TentativeAccept` or
/// `Leave`), addressed to the event's community.
pub fn rsvp(
    urls: &Urls,
    kind: &str,
    person: &Url,
    event: &Url,
    group: &Url,
) -> Result<(Url, Value), FedError> {
    let id = new_activity_id(urls, &kind.to_lowercase())?;
    Ok((
        id.clone(),
        json!({
            "@context": context(),
            "id": id,
            "type": kind,
            "actor": person,
            "object": event,
            "to": [group],
        }),
    ))
}

/// A community's answer to a `Join` of one of its events: `Accept`, or `Reject`.
pub fn rsvp_reply(
    urls: &Urls,
    accepted: bool,
    group: &Url,
    participant: &Url,
    join: Value,
) -> Result<(Url, Value), FedError> {
    let kind = if accepted { "Accept" } else { "Reject" };
    let id = new_activity_id(urls, &kind.to_lowercase())?;
    Ok((
        id.clone(),
        json!({
            "@context": context(),
            "id": id,
            "type": kind,
            "actor": group,
            "object": without_context(join),
            "to": [participant],
        }),
    ))
}

/// The `Follow` one of our members sends to a remote community.
pub fn follow(urls: &Urls, person: &Url, group: &Url) -> Result<(Url, Value), FedError> {
    let id = new_activity_id(urls, "follow")?;
    Ok((
        id.clone(),
        json!({
            "@context": context(),
            "id": id,
            "type": "Follow",
            "actor": person,
            "object": group,
            "to": [group],
        }),
    ))
}

/// The `Accept` a community sends for a member's Follow.
pub fn accept(
    urls: &Urls,
    group: &Url,
    follower: &Url,
    follow: Value,
) -> Result<(Url, Value), FedError> {
    let id = new_activity_id(urls, "accept")?;
    let mut follow = follow;
    if let Some(object) = follow.as_object_mut() {
        object.remove("@context");
    }
    Ok((
        id.clone(),
        json!({
            "@context": context(),
            "id": id,
            "type": "Accept",
            "actor": group,
            "object": follow,
            "to": [follower],
        }),
    ))
}

/// A stored activity on its way out: sent as it was written.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct RawActivity {
    pub json: Value,
    #[serde(skip)]
    pub id: Url,
    #[serde(skip)]
    pub actor: Url,
}

#[async_trait]
impl Activity for RawActivity {
    type DataType = AppState;
    type Error = FedError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<AppState>) -> Result<(), FedError> {
        Err(FedError::refused("outgoing activities are never received"))
    }

    async fn receive(self, _data: &Data<AppState>) -> Result<(), FedError> {
        Err(FedError::refused("outgoing activities are never received"))
    }
}

fn without_context(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("@context");
    }
    value
}

/// An activity by `actor` about `object` (`Create`, `Update`, `Delete`, `Like`, `Dislike`,
/// `Undo`), addressed to the community and the public as FEP-1b12 asks.
pub fn activity(
    urls: &Urls,
    kind: &str,
    actor: &Url,
    object: Value,
    group: &Url,
    public: bool,
) -> Result<(Url, Value), FedError> {
    let id = new_activity_id(urls, &kind.to_lowercase())?;
    let mut to = vec![json!(group)];
    if public {
        to.push(json!(super::objects::PUBLIC));
    }
    Ok((
        id.clone(),
        json!({
            "@context": context(),
            "id": id,
            "type": kind,
            "actor": actor,
            "object": without_context(object),
            "to": to,
            "cc": [],
            "audience": group,
        }),
    ))
}

/// One of our members' votes in a poll elsewhere, as Mastodon sends it: a `Create` of a
/// `Note` whose `name` is the option, replying to the poll and addressed to its author.
/// Returns the Note's id and the activity.
pub fn poll_vote(
    urls: &Urls,
    voter: &Url,
    poll_author: &Url,
    question: &Url,
    option: &str,
) -> Result<(Url, Value), FedError> {
    let note_id = new_activity_id(urls, "vote")?;
    let id = new_activity_id(urls, "create")?;
    Ok((
        note_id.clone(),
        json!({
            "@context": context(),
            "id": id,
            "type": "Create",
            "actor": voter,
            "to": [poll_author],
            "object": {
                "id": note_id,
                "type": "Note",
                "name": option,
                "attributedTo": voter,
                "inReplyTo": question,
                "to": [poll_author],
            },
        }),
    ))
}

/// An administrator's instance-wide ban of one of the instance's own members, or with
/// `ban: None` the `Undo` that lifts it: a `Block` whose `target` is the instance actor,
/// as Lemmy shapes site bans.
pub fn instance_ban(
    urls: &Urls,
    admin: &Url,
    person: &Url,
    ban: Option<(&str, Option<chrono::NaiveDateTime>)>,
) -> Result<(Url, Value), FedError> {
    let id = new_activity_id(urls, "block")?;
    let mut block = json!({
        "id": id,
        "type": "Block",
        "actor": admin,
        "object": person,
        "target": urls.instance().map_err(FedError::App)?,
        "to": [super::objects::PUBLIC],
        "cc": [person],
        "removeData": false,
    });
    let Some((reason, expires)) = ban else {
        let undo_id = new_activity_id(urls, "undo")?;
        return Ok((
            undo_id.clone(),
            json!({
                "@context": context(),
                "id": undo_id,
                "type": "Undo",
                "actor": admin,
                "object": block,
                "to": [super::objects::PUBLIC],
                "cc": [person],
            }),
        ));
    };
    block["summary"] = json!(reason);
    if let Some(expires) = expires {
        block["expires"] = json!(expires.and_utc().to_rfc3339());
    }
    block["@context"] = context();
    Ok((id, block))
}

/// The community passing an activity on to its followers (FEP-1b12).
pub fn announce(
    urls: &Urls,
    group: &Url,
    inner: Value,
    public: bool,
) -> Result<(Url, Value), FedError> {
    let id = new_activity_id(urls, "announce")?;
    let followers = group
        .join("followers")
        .map_err(activitypub_federation::error::Error::from)?;
    let mut to = vec![json!(followers)];
    if public {
        to.push(json!(super::objects::PUBLIC));
    }
    Ok((
        id.clone(),
        json!({
            "@context": context(),
            "id": id,
            "type": "Announce",
            "actor": group,
            "object": without_context(inner),
            "to": to,
            "cc": [],
            "audience": group,
        }),
    ))
}

/// The community boosting one of its threads to microblog servers, which cannot read an
/// announced activity: the object is named by id, and fetched from us.
pub fn announce_object(
    urls: &Urls,
    group: &Url,
    object: &Url,
    public: bool,
) -> Result<(Url, Value), FedError> {
    let id = new_activity_id(urls, "announce")?;
    let followers = group
        .join("followers")
        .map_err(activitypub_federation::error::Error::from)?;
    let (to, cc) = if public {
        (json!([super::objects::PUBLIC]), json!([followers]))
    } else {
        (json!([followers]), json!([]))
    };
    Ok((
        id.clone(),
        json!({
            "@context": context(),
            "id": id,
            "type": "Announce",
            "actor": group,
            "object": object,
            "to": to,
            "cc": cc,
            "audience": group,
            "published": chrono::Utc::now().to_rfc3339(),
        }),
    ))
}

/// Whether an object is an actor (an `Update` of a profile or a community).
fn is_actor(object: &Value) -> bool {
    matches!(
        object.get("type").and_then(Value::as_str),
        Some("Person" | "Group" | "Service" | "Application" | "Organization")
    )
}

/// A profile or community changed on its own server: refresh our copy. Only the actor
/// itself, or a community announcing its own update, may do this.
async fn refresh_actor(
    data: &Data<AppState>,
    actor: &Url,
    object: &Value,
    via: Option<&crate::db::models::DbCommunity>,
) -> Result<(), FedError> {
    let id = content::object_url(object)?;
    let by_itself = &id == actor;
    let by_its_group = via.and_then(|c| c.ap_id.as_deref()) == Some(id.as_str());
    if !by_itself && !by_its_group {
        return Err(FedError::refused(
            "only an actor, or its community, may update it",
        ));
    }
    <ApActor as activitypub_federation::traits::Object>::verify(object, &id, data).await?;
    <ApActor as activitypub_federation::traits::Object>::from_json(object.clone(), data).await?;
    Ok(())
}

/// The object of a `Create` or `Update` must be written by the activity's actor, on the
/// actor's own server.
fn verify_authored(actor: &Url, object: &Value) -> Result<(), FedError> {
    let doc = content::ContentDoc::parse(object)?;
    if doc.author().as_ref() != Some(actor) {
        return Err(FedError::refused(
            "the object's author is not the activity's actor",
        ));
    }
    verify_same_origin(actor, &doc.id)
}

fn verify_same_origin(actor: &Url, object: &Url) -> Result<(), FedError> {
    if actor.origin() == object.origin() {
        Ok(())
    } else {
        Err(FedError::refused(
            "the object is not from the actor's server",
        ))
    }
}

/// Applies a content activity. `via` is the remote community that announced it; without
/// it, the activity came straight to one of our communities, which then announces it.
async fn apply(
    activity: InboxActivity,
    data: &Data<AppState>,
    via: Option<crate::db::models::DbCommunity>,
) -> Result<(), FedError> {
    let state = data.app_data();
    let raw = activity.to_json()?;
    if let InboxActivity::Update(a) = &activity
        && is_actor(&a.object)
    {
        return refresh_actor(data, a.actor.inner(), &a.object, via.as_ref()).await;
    }
    let actor = ObjectId::<ApActor>::from(activity.actor().clone())
        .dereference(data)
        .await?;
    let ActorRow::Person(person) = actor.row else {
        return Err(FedError::refused("only people write, vote and delete"));
    };
    match activity {
        InboxActivity::Create(a) => store(data, person, &a.object, via, raw).await,
        InboxActivity::Update(a) => store(data, person, &a.object, via, raw).await,
        InboxActivity::Delete(a)
            if content::object_url(&a.object).is_ok_and(|t| &t == a.actor.inner()) =>
        {
            // An account deleted on its own server.
            Ok(services::federation::receive_account_deletion(state, person).await?)
        }
        InboxActivity::Delete(a) => {
            let target = content::object_url(&a.object)?;
            Ok(services::federation::receive_delete(state, person, target, via, raw).await?)
        }
        InboxActivity::Like(a) => vote(state, person, &a.object, 1, via, raw).await,
        InboxActivity::Dislike(a) => vote(state, person, &a.object, -1, via, raw).await,
        InboxActivity::Moderation(a) if a.kind == "Flag" => {
            // Reports come straight to the community's server; Mastodon names the account
            // and the statuses, and puts the reason in `content`.
            let reason = ["summary", "content"]
                .iter()
                .find_map(|k| a.rest.get(*k).and_then(Value::as_str))
                .unwrap_or_default()
                .to_owned();
            let objects = content::urls_in(&a.object);
            Ok(services::federation::receive_flag(state, person, objects, reason).await?)
        }
        InboxActivity::Moderation(a)
            if matches!(a.kind.as_str(), "Add" | "Remove")
                && a.rest
                    .get("target")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.ends_with("/featured") || t.ends_with("/moderators")) =>
        {
            let Some(community) = via else {
                return Err(FedError::refused(
                    "collection changes are accepted only from the community itself",
                ));
            };
            let target = a
                .rest
                .get("target")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let collection = if target.ends_with("/featured") {
                "featured"
            } else {
                "moderators"
            };
            let object = content::object_url(&a.object)?;
            Ok(services::federation::receive_collection_change(
                state,
                community,
                a.kind == "Add",
                object,
                collection.to_owned(),
            )
            .await?)
        }
        InboxActivity::Moderation(a) if a.kind == "Block" && via.is_none() => {
            let Some(object) = own_member_banned(a.actor.inner(), &a.object, a.rest.get("target"))?
            else {
                return Err(FedError::refused(
                    "community bans are accepted only from the community itself",
                ));
            };
            let reason = a
                .rest
                .get("summary")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let expires = a
                .rest
                .get("expires")
                .and_then(Value::as_str)
                .and_then(|e| chrono::DateTime::parse_from_rfc3339(e).ok())
                .map(|e| e.naive_utc());
            Ok(
                services::federation::receive_instance_ban(state, object, false, reason, expires)
                    .await?,
            )
        }
        InboxActivity::Moderation(a) => {
            moderate(state, &a.kind, &a.object, false, a.rest.get("summary"), via).await
        }
        InboxActivity::UndoVote(a)
            if via.is_none()
                && a.object.get("type").and_then(Value::as_str) == Some("Block")
                && a.object.get("target").is_some() =>
        {
            let inner = a.object.get("object").cloned().unwrap_or(Value::Null);
            let Some(object) = own_member_banned(a.actor.inner(), &inner, a.object.get("target"))?
            else {
                return Err(FedError::refused(
                    "community bans are lifted only by the community itself",
                ));
            };
            Ok(services::federation::receive_instance_ban(state, object, true, None, None).await?)
        }
        InboxActivity::UndoVote(a)
            if matches!(
                a.object.get("type").and_then(Value::as_str),
                Some("Lock" | "Remove" | "Block")
            ) =>
        {
            let kind = a
                .object
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let object = a.object.get("object").cloned().unwrap_or(Value::Null);
            moderate(state, &kind, &object, true, None, via).await
        }
        InboxActivity::UndoVote(a) => {
            let kind = a
                .object
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !matches!(kind, "Like" | "Dislike") {
                tracing::info!(%kind, "undo of something other than a vote; ignored");
                return Ok(());
            }
            let target = a.object.get("object").cloned().unwrap_or(Value::Null);
            vote(state, person, &target, 0, via, raw).await
        }
        _ => Ok(()),
    }
}

/// For a `Block` sent straight to us, the person a server banned instance-wide: the
/// `target` is that server's instance actor (its root URL) and the person is one of its
/// own members. `None` when the target is something else, such as a community; a server
/// banning someone of another server is refused, since that ban holds only there.
fn own_member_banned(
    actor: &Url,
    object: &Value,
    target: Option<&Value>,
) -> Result<Option<Url>, FedError> {
    let Some(target) = target
        .map(content::urls_in)
        .and_then(|t| t.into_iter().next())
    else {
        return Ok(None);
    };
    if target.path() != "/" || target.origin() != actor.origin() {
        return Ok(None);
    }
    let person = content::object_url(object)?;
    if person.origin() != actor.origin() {
        return Err(FedError::refused(
            "a server's ban of someone from another server holds only there",
        ));
    }
    Ok(Some(person))
}

/// A facilitator's action, trusted only when the community itself announced it.
async fn moderate(
    state: &AppState,
    kind: &str,
    object: &Value,
    undo: bool,
    summary: Option<&Value>,
    via: Option<crate::db::models::DbCommunity>,
) -> Result<(), FedError> {
    let Some(community) = via else {
        return Err(FedError::refused(
            "moderation is accepted only from the community itself",
        ));
    };
    let object = content::object_url(object)?;
    let reason = summary.and_then(Value::as_str).map(str::to_owned);
    Ok(services::federation::receive_moderation(
        state,
        community,
        kind.to_owned(),
        object,
        undo,
        reason,
    )
    .await?)
}

async fn vote(
    state: &AppState,
    person: crate::db::models::DbPerson,
    object: &Value,
    score: i32,
    via: Option<crate::db::models::DbCommunity>,
    raw: Value,
) -> Result<(), FedError> {
    let target = content::object_url(object)?;
    Ok(services::federation::receive_vote(state, person, target, score, via, raw).await?)
}

/// Stores a thread or comment. Missing parents of a comment are fetched, a bounded
/// number of times per request.
async fn store(
    data: &Data<AppState>,
    person: crate::db::models::DbPerson,
    object: &Value,
    via: Option<crate::db::models::DbCommunity>,
    raw: Value,
) -> Result<(), FedError> {
    let doc = content::ContentDoc::parse(object)?;
    let state = data.app_data();
    if Urls::new(&state.config).is_local(&doc.id) {
        // Our own object, coming back to us in a community's Announce.
        return Ok(());
    }
    if doc.is_poll_vote() {
        // A vote, never a comment; counted only if it is on one of our polls.
        let (Some(question), Some(choice)) = (doc.in_reply_to.clone(), doc.name.clone()) else {
            return Err(FedError::refused("a vote names its poll and its option"));
        };
        return Ok(services::polls::receive_vote(state, person, doc.id, question, choice).await?);
    }
    if let Some(parent) = doc.in_reply_to.clone()
        && services::blogs::replies_to_blog(state, &parent).await?
    {
        return Ok(services::blogs::receive_comment(state, person, doc).await?);
    }
    match doc.kind.as_str() {
        // A blog post from someone our members follow addresses no community: kept as
        // their blog post rather than refused.
        "Article" if doc.in_reply_to.is_none() && via.is_none() => {
            match services::federation::receive_thread(
                state,
                person.clone(),
                doc.clone(),
                None,
                raw,
            )
            .await
            {
                Err(crate::error::AppError::NotFound("community")) => {
                    Ok(services::blogs::receive_article(state, person, doc).await?)
                }
                other => Ok(other?),
            }
        }
        "Page" | "Article" | "Video" | "Event" | "Question" if doc.in_reply_to.is_none() => {
            Ok(services::federation::receive_thread(state, person, doc, via, raw).await?)
        }
        "Note" if doc.in_reply_to.is_none() => {
            // A microblog post that mentions a community starts a thread there.
            doc.may_start_thread(via.is_some())
                .map_err(FedError::refused)?;
            Ok(services::federation::receive_thread(state, person, doc, via, raw).await?)
        }
        "Note" | "Page" | "Article" => {
            let Some(parent) = doc.in_reply_to.clone() else {
                return Err(FedError::refused(
                    "a Note that replies to nothing is not a comment",
                ));
            };
            ensure_known(data, &parent, 0).await?;
            Ok(services::federation::receive_comment(state, person, doc, via, raw).await?)
        }
        other => Err(FedError::refused(format!(
            "objects of type {other} are not stored"
        ))),
    }
}

/// How far up a reply chain we fetch missing parents.
const MAX_PARENT_DEPTH: usize = 10;

/// Fetches a reply's missing parents from their servers, up to a bounded depth.
async fn ensure_known(data: &Data<AppState>, url: &Url, depth: usize) -> Result<(), FedError> {
    let state = data.app_data();
    if Urls::new(&state.config).is_local(url) || services::federation::is_known(state, url).await? {
        return Ok(());
    }
    if depth >= MAX_PARENT_DEPTH {
        return Err(FedError::refused("reply chain too deep to fetch"));
    }
    let fetched: Value = activitypub_federation::fetch::fetch_object_http(url, data)
        .await?
        .object;
    let doc = content::ContentDoc::parse(&fetched)?;
    if doc.id.origin() != url.origin() {
        return Err(FedError::refused("fetched object claims another origin"));
    }
    let author = doc
        .author()
        .ok_or_else(|| FedError::refused("object without author"))?;
    if author.origin() != doc.id.origin() {
        return Err(FedError::refused("object's author is on another server"));
    }
    let person = ObjectId::<ApActor>::from(author).dereference(data).await?;
    let ActorRow::Person(person) = person.row else {
        return Err(FedError::refused("only people write"));
    };
    if let Some(parent) = doc.in_reply_to.clone() {
        Box::pin(ensure_known(data, &parent, depth + 1)).await?;
        services::federation::receive_comment(state, person, doc, None, Value::Null).await?;
    } else {
        services::federation::receive_thread(state, person, doc, None, Value::Null).await?;
    }
    Ok(())
}
