//! Actors as the federation library sees them: local or remote members and communities,
//! with their ids, inboxes and keys. Remote actors are stored as rows on first sight and
//! refreshed when stale.

use activitypub_federation::config::Data;
use activitypub_federation::protocol::verification::verify_domains_match;
use activitypub_federation::traits::{Actor, Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::error::FedError;
use super::objects::{GroupObject, PersonObject};
use super::urls::Urls;
use crate::db;
use crate::db::models::{DbCommunity, DbPerson, RemoteActorRow};
use crate::error::AppError;
use crate::state::AppState;
use crate::types::Visibility;

/// Which row an actor is.
#[derive(Debug, Clone)]
pub enum ActorRow {
    Person(DbPerson),
    Community(DbCommunity),
}

/// A member or community, local or remote, ready to sign or to verify.
#[derive(Debug, Clone)]
pub struct ApActor {
    pub row: ActorRow,
    pub id: Url,
    pub inbox: Url,
    pub shared_inbox: Option<Url>,
    public_key_pem: String,
    private_key_pem: Option<String>,
    last_refreshed_at: Option<DateTime<Utc>>,
}

fn parse_url(url: &str) -> Result<Url, FedError> {
    Url::parse(url).map_err(|e| FedError::App(AppError::Internal(e.into())))
}

impl ApActor {
    pub fn person(urls: &Urls, p: DbPerson) -> Result<ApActor, FedError> {
        let (id, inbox, shared) = match &p.domain {
            None => (
                urls.person(&p.name)?,
                urls.person_part(&p.name, "inbox")?,
                Some(urls.shared_inbox()?),
            ),
            Some(_) => (
                parse_url(p.ap_id.as_deref().unwrap_or_default())?,
                parse_url(p.inbox_url.as_deref().unwrap_or_default())?,
                p.shared_inbox_url.as_deref().map(parse_url).transpose()?,
            ),
        };
        Ok(ApActor {
            id,
            inbox,
            shared_inbox: shared,
            public_key_pem: p.public_key.clone().unwrap_or_default(),
            private_key_pem: p.private_key.clone(),
            last_refreshed_at: p
                .domain
                .as_ref()
                .and(p.last_refreshed_at)
                .map(|t| t.and_utc()),
            row: ActorRow::Person(p),
        })
    }

    pub fn community(urls: &Urls, c: DbCommunity) -> Result<ApActor, FedError> {
        let (id, inbox, shared) = match &c.domain {
            None => (
                urls.community(&c.name)?,
                urls.community_part(&c.name, "inbox")?,
                Some(urls.shared_inbox()?),
            ),
            Some(_) => (
                parse_url(c.ap_id.as_deref().unwrap_or_default())?,
                parse_url(c.inbox_url.as_deref().unwrap_or_default())?,
                c.shared_inbox_url.as_deref().map(parse_url).transpose()?,
            ),
        };
        Ok(ApActor {
            id,
            inbox,
            shared_inbox: shared,
            public_key_pem: c.public_key.clone().unwrap_or_default(),
            private_key_pem: c.private_key.clone(),
            last_refreshed_at: c
                .domain
                .as_ref()
                .and(c.last_refreshed_at)
                .map(|t| t.and_utc()),
            row: ActorRow::Community(c),
        })
    }

    /// Where to deliver to this actor: its server's shared inbox if it has one.
    pub fn delivery_inbox(&self) -> Url {
        self.shared_inbox
            .clone()
            .unwrap_or_else(|| self.inbox.clone())
    }
}

/// An actor document as other servers publish it: only what we need, everything else
/// optional, unknown fields ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActorDoc {
    #[serde(rename = "type")]
    kind: String,
    id: Url,
    preferred_username: Option<String>,
    name: Option<String>,
    summary: Option<String>,
    inbox: Url,
    endpoints: Option<EndpointsDoc>,
    public_key: KeyDoc,
    manually_approves_followers: Option<bool>,
    posting_restricted_to_mods: Option<bool>,
    discoverable: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EndpointsDoc {
    shared_inbox: Option<Url>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyDoc {
    owner: Option<Url>,
    public_key_pem: String,
}

fn actor_doc(json: &Value) -> Result<ActorDoc, FedError> {
    ActorDoc::deserialize(json)
        .map_err(|e| FedError::refused(format!("not an actor we can read: {e}")))
}

/// The name and `host[:port]` of a remote id.
fn name_and_domain(doc: &ActorDoc) -> Result<(String, String), FedError> {
    let host = doc
        .id
        .host_str()
        .ok_or_else(|| FedError::refused("actor id has no host"))?;
    let domain = match doc.id.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let name = doc
        .preferred_username
        .clone()
        .or_else(|| {
            doc.id
                .path_segments()
                .and_then(|mut s| s.next_back().map(str::to_owned))
        })
        .filter(|n| !n.is_empty() && n.len() <= 255)
        .ok_or_else(|| FedError::refused("actor has no usable name"))?;
    Ok((name, domain))
}

/// Finds a local actor from one of our own ids, making its keys if it has none yet.
pub async fn local_actor(state: &AppState, id: &Url) -> Result<Option<ApActor>, FedError> {
    let urls = Urls::new(&state.config);
    let path = id.path();
    if let Some(name) = path.strip_prefix("/u/") {
        return match crate::services::actors::local_person(state, name).await {
            Ok(p) => Ok(Some(ApActor::person(&urls, p)?)),
            Err(AppError::NotFound(_) | AppError::Gone(_)) => Ok(None),
            Err(e) => Err(e.into()),
        };
    }
    if let Some(name) = path.strip_prefix("/c/") {
        return match crate::services::actors::local_community(state, name).await {
            Ok(c) => Ok(Some(ApActor::community(&urls, c)?)),
            Err(AppError::NotFound(_) | AppError::Gone(_)) => Ok(None),
            Err(e) => Err(e.into()),
        };
    }
    Ok(None)
}

#[async_trait]
impl Object for ApActor {
    type DataType = AppState;
    type Kind = Value;
    type Error = FedError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        self.last_refreshed_at
    }

    async fn read_from_id(id: Url, data: &Data<AppState>) -> Result<Option<Self>, FedError> {
        let state = data.app_data();
        if Urls::new(&state.config).is_local(&id) {
            return local_actor(state, &id).await;
        }
        let urls = Urls::new(&state.config);
        let key = id.to_string();
        let found = state
            .db
            .read(move |conn| {
                if let Some(p) = db::federation::person_by_ap_id(conn, &key)? {
                    return Ok(Some(ActorRow::Person(p)));
                }
                Ok(db::federation::community_by_ap_id(conn, &key)?.map(ActorRow::Community))
            })
            .await?;
        match found {
            Some(ActorRow::Person(p)) => Ok(Some(ApActor::person(&urls, p)?)),
            Some(ActorRow::Community(c)) => Ok(Some(ApActor::community(&urls, c)?)),
            None => Ok(None),
        }
    }

    /// Called when a refetch answers 410: the actor was deleted on its own server.
    async fn delete(&self, data: &Data<AppState>) -> Result<(), FedError> {
        if let ActorRow::Person(person) = &self.row
            && person.domain.is_some()
        {
            crate::services::federation::receive_account_deletion(data.app_data(), person.clone())
                .await?;
        }
        Ok(())
    }

    async fn into_json(self, data: &Data<AppState>) -> Result<Value, FedError> {
        let urls = Urls::new(&data.app_data().config);
        let json = match &self.row {
            ActorRow::Person(p) => serde_json::to_value(PersonObject::build(&urls, p)?),
            ActorRow::Community(c) => serde_json::to_value(GroupObject::build(&urls, c)?),
        };
        json.map_err(|e| FedError::App(AppError::Internal(e.into())))
    }

    async fn verify(
        json: &Value,
        expected_domain: &Url,
        _data: &Data<AppState>,
    ) -> Result<(), FedError> {
        let doc = actor_doc(json)?;
        verify_domains_match(&doc.id, expected_domain)?;
        if let Some(owner) = &doc.public_key.owner
            && owner != &doc.id
        {
            return Err(FedError::refused("the actor's key belongs to someone else"));
        }
        verify_domains_match(&doc.id, &doc.inbox)?;
        Ok(())
    }

    async fn from_json(json: Value, data: &Data<AppState>) -> Result<Self, FedError> {
        let state = data.app_data();
        let urls = Urls::new(&state.config);
        let doc = actor_doc(&json)?;
        if urls.is_local(&doc.id) {
            return local_actor(state, &doc.id)
                .await?
                .ok_or_else(|| FedError::refused("unknown local actor"));
        }
        let (name, domain) = name_and_domain(&doc)?;
        let row = RemoteActorRow {
            ap_id: doc.id.to_string(),
            name,
            domain,
            display_name: doc.name.clone().map(|n| n.chars().take(255).collect()),
            summary_html: doc
                .summary
                .as_deref()
                .map(crate::markdown::sanitize)
                .unwrap_or_default(),
            public_key: doc.public_key.public_key_pem.clone(),
            inbox_url: doc.inbox.to_string(),
            shared_inbox_url: doc
                .endpoints
                .as_ref()
                .and_then(|e| e.shared_inbox.as_ref())
                .map(Url::to_string),
        };
        if doc.kind == "Group" {
            // A group that approves followers and hides itself is private (our own groups
            // publish themselves that way); one that only approves followers is restricted.
            let visibility = match (
                doc.manually_approves_followers.unwrap_or(false),
                doc.discoverable,
            ) {
                (true, Some(false)) => Visibility::Private,
                (true, _) => Visibility::Restricted,
                (false, _) => Visibility::Public,
            };
            let restricted = doc.posting_restricted_to_mods.unwrap_or(false);
            let c = state
                .db
                .write(move |conn| {
                    db::federation::upsert_remote_community(
                        conn,
                        &row,
                        visibility.as_str(),
                        restricted,
                    )
                })
                .await?;
            ApActor::community(&urls, c)
        } else {
            let p = state
                .db
                .write(move |conn| db::federation::upsert_remote_person(conn, &row))
                .await?;
            ApActor::person(&urls, p)
        }
    }
}

impl Actor for ApActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        self.private_key_pem.clone()
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.shared_inbox.clone()
    }
}

/// The instance actor, as the library needs it to sign fetches for the instance.
#[derive(Debug, Clone)]
pub struct InstanceActor {
    id: Url,
    public_key_pem: String,
    private_key_pem: String,
}

impl InstanceActor {
    pub fn new(id: Url, keys: crate::services::actors::Keys) -> InstanceActor {
        InstanceActor {
            id,
            public_key_pem: keys.public_key,
            private_key_pem: keys.private_key,
        }
    }
}

#[async_trait]
impl Object for InstanceActor {
    type DataType = AppState;
    type Kind = Value;
    type Error = FedError;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(_id: Url, _data: &Data<AppState>) -> Result<Option<Self>, FedError> {
        Ok(None)
    }

    async fn into_json(self, _data: &Data<AppState>) -> Result<Value, FedError> {
        Err(FedError::refused(
            "the instance actor is served by its own route",
        ))
    }

    async fn verify(
        _json: &Value,
        _expected: &Url,
        _data: &Data<AppState>,
    ) -> Result<(), FedError> {
        Err(FedError::refused("the instance actor is never received"))
    }

    async fn from_json(_json: Value, _data: &Data<AppState>) -> Result<Self, FedError> {
        Err(FedError::refused("the instance actor is never received"))
    }
}

impl Actor for InstanceActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        Some(self.private_key_pem.clone())
    }

    fn inbox(&self) -> Url {
        self.id.clone()
    }
}
