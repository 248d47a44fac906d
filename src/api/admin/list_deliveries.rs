use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::api::prelude::*;
use crate::services::delivery::{PeerDelivery, PeerHealth};

/// How deliveries to one peer are going.
#[derive(Serialize, ToSchema)]
pub struct PeerDeliveryView {
    /// Host name, with `:port` if any.
    host: String,
    /// The software its NodeInfo names, when we have asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    software: Option<String>,
    health: PeerHealth,
    #[serde(skip_serializing_if = "Option::is_none")]
    failing_since: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_success_at: Option<DateTime<Utc>>,
    /// Deliveries waiting for it.
    pending: i64,
    /// The latest error among those waiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_error: Option<String>,
}

impl From<PeerDelivery> for PeerDeliveryView {
    fn from(peer: PeerDelivery) -> Self {
        PeerDeliveryView {
            host: peer.host,
            software: peer.software,
            health: peer.health,
            failing_since: peer.failing_since.map(|t| t.and_utc()),
            last_success_at: peer.last_success_at.map(|t| t.and_utc()),
            pending: peer.pending,
            last_error: peer.last_error,
        }
    }
}

/// Every peer we deliver to, with whether it answers and how much waits for it. Admins
/// only.
#[utoipa::path(get, path = "/admin/federation/deliveries", tag = "admin",
    responses((status = 200, body = Vec<PeerDeliveryView>), (status = 403, body = ErrorBody)))]
pub async fn list_deliveries(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<PeerDeliveryView>>> {
    let peers = services::delivery::peer_deliveries(&state, &auth).await?;
    Ok(Json(
        peers.into_iter().map(PeerDeliveryView::from).collect(),
    ))
}
