//! The federation policy: which peer servers this instance sends to and accepts from. It
//! combines `federation.policy`, `federation.domains` and the entries admins set at run
//! time, and answers from a short-lived cache because it runs on every inbox request,
//! fetch and delivery.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use url::Url;

use super::Actor;
use super::accounts::require_admin;
use crate::config::FederationPolicy;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// How long run-time entries are trusted before they are read again. Changes made in this
/// process apply at once; this bounds how long one made elsewhere (the CLI, another
/// server process on the same database) takes to apply.
const CACHE_TTL: Duration = Duration::from_secs(5);

/// What an admin decided about a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PeerState {
    /// Federate with it, even under the `allowlist` policy.
    Allowed,
    /// Send it nothing and accept nothing from it, whatever the policy.
    Blocked,
}

impl PeerState {
    pub fn as_str(self) -> &'static str {
        match self {
            PeerState::Allowed => "allowed",
            PeerState::Blocked => "blocked",
        }
    }

    fn from_db(value: &str) -> Option<PeerState> {
        match value {
            "allowed" => Some(PeerState::Allowed),
            "blocked" => Some(PeerState::Blocked),
            _ => None,
        }
    }
}

/// A peer's host and port as they appear in its URLs; the port only when it is not the
/// scheme's default, as in actor ids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Peer {
    host: String,
    port: Option<u16>,
}

impl Peer {
    fn from_url(url: &Url) -> Option<Peer> {
        let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        (!host.is_empty()).then_some(Peer {
            host,
            port: url.port(),
        })
    }

    /// Reads `host` or `host:port`, normalised as a URL would be.
    fn parse(domain: &str) -> Option<Peer> {
        let url = Url::parse(&format!("http://{}/", domain.trim())).ok()?;
        // Anything beyond host and port (a path, credentials) is not a domain.
        if url.path() != "/" || !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        Peer::from_url(&url)
    }
}

/// A domain in a block- or allow-list: `host`, `host:port`, or `*.parent` for every
/// sub-domain of `parent`. A pattern without a port matches every port of its host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerPattern {
    host: String,
    port: Option<u16>,
    subdomains: bool,
}

impl PeerPattern {
    /// Parses and lower-cases a pattern; the message says what a domain looks like.
    pub fn parse(input: &str) -> AppResult<PeerPattern> {
        let invalid = || {
            AppError::bad_request(
                "invalid_domain",
                format!(
                    "{input:?} is not a domain such as \"east.example.org\", \"localhost:8081\" or \"*.example.org\""
                ),
            )
        };
        let trimmed = input.trim();
        let (subdomains, bare) = match trimmed.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        if bare.is_empty() || bare.contains(['*', '/', '\\', '@', '?', '#']) || bare.contains("//")
        {
            return Err(invalid());
        }
        let peer = Peer::parse(bare).ok_or_else(invalid)?;
        // A wildcard over an address would match nothing.
        if subdomains && !matches!(url::Host::parse(&peer.host), Ok(url::Host::Domain(_))) {
            return Err(invalid());
        }
        Ok(PeerPattern {
            host: peer.host,
            port: peer.port,
            subdomains,
        })
    }

    fn matches(&self, peer: &Peer) -> bool {
        let host = if self.subdomains {
            peer.host
                .strip_suffix(self.host.as_str())
                .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
        } else {
            peer.host == self.host
        };
        host && self.port.is_none_or(|port| peer.port == Some(port))
    }

    /// The peer this pattern names exactly, if it is not a wildcard.
    fn exact(&self) -> Option<Peer> {
        (!self.subdomains).then(|| Peer {
            host: self.host.clone(),
            port: self.port,
        })
    }
}

impl fmt::Display for PeerPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.subdomains {
            f.write_str("*.")?;
        }
        f.write_str(&self.host)?;
        match self.port {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
        }
    }
}

/// Everything a decision needs, read together.
#[derive(Debug)]
struct Rules {
    policy: FederationPolicy,
    configured: Vec<PeerPattern>,
    entries: Vec<(PeerPattern, PeerState)>,
}

impl Rules {
    fn from_config(state: &AppState) -> Rules {
        let federation = &state.config.federation;
        Rules {
            policy: federation.policy,
            // Validated at start-up; a pattern that no longer parses cannot match anyway.
            configured: federation
                .domains
                .iter()
                .filter_map(|d| PeerPattern::parse(d).ok())
                .collect(),
            entries: Vec::new(),
        }
    }

    fn allows(&self, peer: &Peer) -> bool {
        let entry = |wanted: PeerState| {
            self.entries
                .iter()
                .any(|(pattern, state)| *state == wanted && pattern.matches(peer))
        };
        if entry(PeerState::Blocked) {
            return false;
        }
        let configured = self.configured.iter().any(|p| p.matches(peer));
        match self.policy {
            FederationPolicy::Open => true,
            FederationPolicy::Blocklist => !configured,
            FederationPolicy::Allowlist => configured || entry(PeerState::Allowed),
        }
    }
}

/// The run-time entries, cached per application state. A generation counter keeps a read
/// that started before a change from storing what it read after the change.
#[derive(Debug, Default)]
pub struct PeerCache {
    generation: AtomicU64,
    cached: RwLock<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    generation: u64,
    loaded: Instant,
    rules: Arc<Rules>,
}

impl PeerCache {
    pub fn new() -> PeerCache {
        PeerCache::default()
    }

    /// The cached rules and whether they are still fresh.
    fn get(&self) -> Option<(Arc<Rules>, bool)> {
        let guard = self.cached.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().map(|c| {
            let fresh = c.generation == self.generation.load(Ordering::Acquire)
                && c.loaded.elapsed() < CACHE_TTL;
            (c.rules.clone(), fresh)
        })
    }

    fn store(&self, generation: u64, rules: Arc<Rules>) {
        let mut guard = self.cached.write().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::Acquire) == generation {
            *guard = Some(Cached {
                generation,
                loaded: Instant::now(),
                rules,
            });
        }
    }

    /// Forgets the cached entries, so the next decision reads the database.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        *self.cached.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

async fn rules(state: &AppState) -> Arc<Rules> {
    let stale = match state.peers.get() {
        Some((rules, true)) => return rules,
        Some((rules, false)) => Some(rules),
        None => None,
    };
    let generation = state.peers.generation.load(Ordering::Acquire);
    match state.db.read(db::policy::peers).await {
        Ok(rows) => {
            let mut rules = Rules::from_config(state);
            for row in rows {
                match (
                    PeerPattern::parse(&row.domain),
                    PeerState::from_db(&row.state),
                ) {
                    (Ok(pattern), Some(peer_state)) => rules.entries.push((pattern, peer_state)),
                    _ => {
                        tracing::warn!(domain = %row.domain, state = %row.state, "ignoring an unreadable federation peer entry")
                    }
                }
            }
            let rules = Arc::new(rules);
            state.peers.store(generation, rules.clone());
            rules
        }
        Err(e) => {
            // Without the database nothing federates anyway; keep deciding on what we
            // last knew, or on the configuration alone.
            tracing::warn!(error = %e, "reading federation peer entries failed");
            stale.unwrap_or_else(|| Arc::new(Rules::from_config(state)))
        }
    }
}

fn is_own(state: &AppState, peer: &Peer) -> bool {
    Peer::parse(&state.config.instance.domain).is_some_and(|own| own == *peer)
}

async fn decide(state: &AppState, peer: &Peer) -> bool {
    is_own(state, peer) || rules(state).await.allows(peer)
}

/// Whether we federate with `domain` (`host` or `host:port`). Our own domain always is;
/// something that is not a domain never is.
pub async fn allows(state: &AppState, domain: &str) -> bool {
    match Peer::parse(domain) {
        Some(peer) => decide(state, &peer).await,
        None => false,
    }
}

/// Whether we federate with the server a URL points at.
pub async fn allows_url(state: &AppState, url: &Url) -> bool {
    match Peer::from_url(url) {
        Some(peer) => decide(state, &peer).await,
        None => false,
    }
}

/// A run-time entry as the service reports it.
#[derive(Debug, Clone)]
pub struct PeerEntry {
    pub domain: String,
    pub state: PeerState,
    pub created_at: NaiveDateTime,
    /// Whether the policy as a whole lets this domain federate, which can differ from
    /// `state` (an `allowed` entry does not lift a block-list in the configuration). None
    /// for `*.` patterns, which name no single server.
    pub federates: Option<bool>,
}

/// The policy, the configured domains and the run-time entries.
#[derive(Debug, Clone)]
pub struct PeerList {
    pub policy: FederationPolicy,
    pub configured: Vec<String>,
    pub entries: Vec<PeerEntry>,
}

fn authorise(actor: Option<&Actor>) -> AppResult<()> {
    match actor {
        Some(actor) => require_admin(actor),
        // The command line: whoever can run it can read the configuration and database.
        None => Ok(()),
    }
}

fn who(actor: Option<&Actor>) -> &str {
    actor.map_or("the command line", |a| a.name.as_str())
}

async fn entry(state: &AppState, row: db::policy::DbPeer) -> AppResult<PeerEntry> {
    let peer_state = PeerState::from_db(&row.state).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "federation_peers.state {:?} for {}",
            row.state,
            row.domain
        ))
    })?;
    let federates = match PeerPattern::parse(&row.domain).ok().and_then(|p| p.exact()) {
        Some(peer) => Some(decide(state, &peer).await),
        None => None,
    };
    Ok(PeerEntry {
        domain: row.domain,
        state: peer_state,
        created_at: row.created_at,
        federates,
    })
}

/// Allows or blocks a peer (admins only when `actor` is set; None is the command line).
#[tracing::instrument(skip(state, actor), fields(by = who(actor)))]
pub async fn set_peer(
    state: &AppState,
    actor: Option<&Actor>,
    domain: &str,
    peer_state: PeerState,
) -> AppResult<PeerEntry> {
    authorise(actor)?;
    let pattern = PeerPattern::parse(domain)?;
    if pattern.exact().is_some_and(|peer| is_own(state, &peer)) {
        return Err(AppError::bad_request(
            "own_domain",
            "that is this instance's own domain; it always federates with itself",
        ));
    }
    let key = pattern.to_string();
    let row = state
        .db
        .write(move |conn| db::policy::set_peer(conn, &key, peer_state.as_str()))
        .await;
    state.peers.invalidate();
    let row = row?;
    tracing::info!(domain = %row.domain, state = %row.state, "federation peer entry set");
    entry(state, row).await
}

/// Removes a peer's entry, so the configured policy alone decides about it again, and
/// returns the domain as stored.
#[tracing::instrument(skip(state, actor), fields(by = who(actor)))]
pub async fn remove_peer(
    state: &AppState,
    actor: Option<&Actor>,
    domain: &str,
) -> AppResult<String> {
    authorise(actor)?;
    let key = PeerPattern::parse(domain)?.to_string();
    let removed = {
        let key = key.clone();
        state
            .db
            .write(move |conn| db::policy::remove_peer(conn, &key))
            .await
    };
    state.peers.invalidate();
    if !removed? {
        return Err(AppError::NotFound("peer entry"));
    }
    tracing::info!(domain = %key, "federation peer entry removed");
    Ok(key)
}

/// The whole policy, read from the database rather than the cache.
pub async fn list_peers(state: &AppState, actor: Option<&Actor>) -> AppResult<PeerList> {
    authorise(actor)?;
    let rows = state.db.read(db::policy::peers).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        entries.push(entry(state, row).await?);
    }
    Ok(PeerList {
        policy: state.config.federation.policy,
        configured: Rules::from_config(state)
            .configured
            .iter()
            .map(ToString::to_string)
            .collect(),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(domain: &str) -> Peer {
        Peer::parse(domain).unwrap()
    }

    fn rules(
        policy: FederationPolicy,
        configured: &[&str],
        entries: &[(&str, PeerState)],
    ) -> Rules {
        Rules {
            policy,
            configured: configured
                .iter()
                .map(|d| PeerPattern::parse(d).unwrap())
                .collect(),
            entries: entries
                .iter()
                .map(|(d, s)| (PeerPattern::parse(d).unwrap(), *s))
                .collect(),
        }
    }

    #[test]
    fn patterns_are_normalised_and_checked() {
        assert_eq!(
            PeerPattern::parse(" East.Example.ORG. ")
                .unwrap()
                .to_string(),
            "east.example.org"
        );
        assert_eq!(
            PeerPattern::parse("*.Example.org:8443")
                .unwrap()
                .to_string(),
            "*.example.org:8443"
        );
        assert_eq!(
            PeerPattern::parse("localhost:8081").unwrap().to_string(),
            "localhost:8081"
        );
        for bad in [
            "",
            "*",
            "*.",
            "a.*.org",
            "https://east.example.org",
            "east.example.org/inbox",
            "ana@east.example.org",
            "east example.org",
            "x:port",
            "*.127.0.0.1",
        ] {
            let e = PeerPattern::parse(bad).unwrap_err();
            assert_eq!(e.code(), "invalid_domain", "{bad:?}");
        }
    }

    #[test]
    fn wildcards_match_sub_domains_and_ports_are_optional() {
        let any = PeerPattern::parse("*.example.org").unwrap();
        assert!(any.matches(&peer("east.example.org")));
        assert!(any.matches(&peer("a.b.example.org:8443")));
        assert!(!any.matches(&peer("example.org")));
        assert!(!any.matches(&peer("badexample.org")));
        let host = PeerPattern::parse("localhost").unwrap();
        assert!(host.matches(&peer("localhost:8081")));
        let port = PeerPattern::parse("localhost:8081").unwrap();
        assert!(port.matches(&peer("localhost:8081")));
        assert!(!port.matches(&peer("localhost:8082")));
        assert!(!port.matches(&peer("localhost")));
        let url = Url::parse("https://East.Example.org./u/ana").unwrap();
        assert_eq!(Peer::from_url(&url), Some(peer("east.example.org")));
    }

    #[test]
    fn the_policy_combines_configuration_and_entries() {
        use FederationPolicy::*;
        use PeerState::*;
        let open = rules(
            Open,
            &[],
            &[("evil.example", Blocked), ("ok.example", Allowed)],
        );
        assert!(open.allows(&peer("any.example")));
        assert!(open.allows(&peer("ok.example")));
        assert!(!open.allows(&peer("evil.example")));

        let blocklist = rules(
            Blocklist,
            &["*.spam.example"],
            &[("evil.example", Blocked), ("a.spam.example", Allowed)],
        );
        assert!(blocklist.allows(&peer("any.example")));
        assert!(!blocklist.allows(&peer("evil.example")));
        assert!(!blocklist.allows(&peer("b.spam.example")));
        assert!(
            !blocklist.allows(&peer("a.spam.example")),
            "an allowed entry does not lift a configured block"
        );

        let allowlist = rules(
            Allowlist,
            &["*.gov.uk"],
            &[("partner.example", Allowed), ("rogue.gov.uk", Blocked)],
        );
        assert!(allowlist.allows(&peer("leeds.gov.uk")));
        assert!(allowlist.allows(&peer("partner.example")));
        assert!(!allowlist.allows(&peer("any.example")));
        assert!(
            !allowlist.allows(&peer("rogue.gov.uk")),
            "a blocked entry always blocks"
        );
    }
}
