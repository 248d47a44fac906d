//! What the delivery queue is doing for each peer, for administrators: whether the peer
//! answers, since when it has been failing, and how much waits for it.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use url::Url;

use super::Actor;
use super::accounts::require_admin;
use crate::db;
use crate::error::AppResult;
use crate::state::AppState;

/// How deliveries to a peer are going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PeerHealth {
    /// Its last delivery got through.
    Answering,
    /// Deliveries fail and are retried with backoff.
    Failing,
    /// It has failed for longer than `federation.dead_after_hours` (or
    /// `dead_after_seconds`): new deliveries wait, and it is probed every six hours.
    Dead,
}

impl PeerHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            PeerHealth::Answering => "answering",
            PeerHealth::Failing => "failing",
            PeerHealth::Dead => "dead",
        }
    }
}

/// One peer's delivery state.
#[derive(Debug, Clone)]
pub struct PeerDelivery {
    /// `host[:port]`.
    pub host: String,
    /// The software its NodeInfo names, when we have asked.
    pub software: Option<String>,
    pub health: PeerHealth,
    pub failing_since: Option<NaiveDateTime>,
    pub last_success_at: Option<NaiveDateTime>,
    /// Deliveries waiting for it.
    pub pending: i64,
    /// The latest error among those waiting.
    pub last_error: Option<String>,
}

/// `host[:port]` of an inbox URL, the key peer health is kept under.
pub fn peer_host(inbox: &str) -> String {
    Url::parse(inbox)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(port) => format!("{h}:{port}"),
                None => h.to_owned(),
            })
        })
        .unwrap_or_default()
}

/// Every peer we have delivered to or have deliveries waiting for, by host. Admins only.
pub async fn peer_deliveries(state: &AppState, actor: &Actor) -> AppResult<Vec<PeerDelivery>> {
    require_admin(actor)?;
    let (health, pending, software) = state
        .db
        .read(|conn| {
            Ok((
                db::federation::peer_health_all(conn)?,
                db::federation::pending_per_inbox(conn)?,
                db::federation::peer_software_all(conn)?,
            ))
        })
        .await?;
    let software: BTreeMap<String, String> = software.into_iter().collect();
    let mut peers: BTreeMap<String, PeerDelivery> = BTreeMap::new();
    let blank = |host: &str| PeerDelivery {
        host: host.to_owned(),
        software: software.get(host).cloned(),
        health: PeerHealth::Answering,
        failing_since: None,
        last_success_at: None,
        pending: 0,
        last_error: None,
    };
    for row in health {
        let mut peer = blank(&row.host);
        peer.health = match (row.dead, row.failing_since) {
            (true, _) => PeerHealth::Dead,
            (false, Some(_)) => PeerHealth::Failing,
            (false, None) => PeerHealth::Answering,
        };
        peer.failing_since = row.failing_since;
        peer.last_success_at = row.last_success_at;
        peers.insert(row.host, peer);
    }
    for (inbox, count, error) in pending {
        let host = peer_host(&inbox);
        let peer = peers.entry(host.clone()).or_insert_with(|| blank(&host));
        peer.pending += count;
        if error.is_some() {
            peer.last_error = error;
        }
    }
    Ok(peers.into_values().collect())
}
