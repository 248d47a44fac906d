//! The federation policy at the protocol edge: the library asks our URL verifier about
//! every received activity id, every URL it fetches and every inbox before sending, so a
//! blocked peer is neither fetched from, accepted from, nor sent to.

use activitypub_federation::config::UrlVerifier;
use activitypub_federation::error::Error as LibError;
use async_trait::async_trait;
use serde_json::Value;
use url::Url;

use crate::services::policy;
use crate::state::AppState;

/// Why a URL was refused, for logs and the library's errors.
pub const BLOCKED: &str = "domain is blocked by federation policy";

/// Refuses URLs on peers the policy blocks.
#[derive(Clone)]
pub struct PolicyVerifier {
    state: AppState,
}

impl PolicyVerifier {
    pub fn new(state: AppState) -> PolicyVerifier {
        PolicyVerifier { state }
    }
}

#[async_trait]
impl UrlVerifier for PolicyVerifier {
    async fn verify(&self, url: &Url) -> Result<(), LibError> {
        if policy::allows_url(&self.state, url).await {
            Ok(())
        } else {
            tracing::debug!(%url, "refused by federation policy");
            Err(LibError::Other(BLOCKED.into()))
        }
    }
}

/// The host of an incoming activity's id or actor that the policy blocks, if any. The
/// inbox asks before verifying, so a blocked peer gets a plain 403 and costs no key fetch.
pub async fn blocked_origin(state: &AppState, id: &Url, actor: Option<&Value>) -> Option<String> {
    let actor = actor
        .and_then(|a| a.as_str().or_else(|| a.get("id").and_then(Value::as_str)))
        .and_then(|a| Url::parse(a).ok());
    for url in std::iter::once(id).chain(actor.as_ref()) {
        if !policy::allows_url(state, url).await {
            return Some(url[url::Position::BeforeHost..url::Position::AfterPort].to_owned());
        }
    }
    None
}
