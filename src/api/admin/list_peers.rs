use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::api::prelude::*;
use crate::config::FederationPolicy;
use crate::services::policy::{PeerEntry, PeerList, PeerState};

/// A peer an admin allowed or blocked.
#[derive(Serialize, ToSchema)]
pub struct PeerView {
    /// Host name, with `:port` if any, or `*.example.org` for every sub-domain.
    domain: String,
    state: PeerState,
    created_at: DateTime<Utc>,
    /// Whether the policy as a whole federates with this domain: an `allowed` entry does
    /// not lift a block in the configuration. Absent for `*.` patterns.
    #[serde(skip_serializing_if = "Option::is_none")]
    federates: Option<bool>,
}

impl From<PeerEntry> for PeerView {
    fn from(entry: PeerEntry) -> Self {
        PeerView {
            domain: entry.domain,
            state: entry.state,
            created_at: entry.created_at.and_utc(),
            federates: entry.federates,
        }
    }
}

/// The federation policy: the configured policy and domains, and the run-time entries.
#[derive(Serialize, ToSchema)]
pub struct PeerPolicyView {
    policy: FederationPolicy,
    /// `federation.domains` from the configuration: the block-list or allow-list.
    configured: Vec<String>,
    entries: Vec<PeerView>,
}

/// The federation policy and every peer allowed or blocked at run time. Admins only.
#[utoipa::path(get, path = "/admin/federation/peers", tag = "admin",
    responses((status = 200, body = PeerPolicyView), (status = 403, body = ErrorBody)))]
pub async fn list_peers(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<PeerPolicyView>> {
    let PeerList {
        policy,
        configured,
        entries,
    } = services::policy::list_peers(&state, Some(&auth)).await?;
    Ok(Json(PeerPolicyView {
        policy,
        configured,
        entries: entries.into_iter().map(PeerView::from).collect(),
    }))
}
