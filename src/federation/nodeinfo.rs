//! Which software a peer server runs, read from its NodeInfo. It decides how a community
//! reaches that server's followers: group-aware servers (Lemmy and its kin) read every
//! activity wrapped in the community's `Announce` (FEP-1b12); microblog servers (Mastodon
//! and its kin) cannot, so they get `Announce` of the thread itself, and only new threads.

use chrono::TimeDelta;
use serde_json::Value;
use url::Url;

use crate::db;
use crate::state::AppState;

/// Servers that read FEP-1b12's `Announce` of an activity.
const GROUP_AWARE: &[&str] = &[
    "guildhall",
    "lemmy",
    "mbin",
    "kbin",
    "piefed",
    "lotide",
    "nodebb",
    "friendica",
    "sublinks",
];

/// How long what we learnt stays good before we ask again.
const RECHECK_AFTER: TimeDelta = TimeDelta::days(7);

/// NodeInfo documents are small; more than this is not one.
const MAX_BYTES: usize = 64 * 1024;

/// The name stored when a server has no readable NodeInfo.
pub const UNKNOWN: &str = "unknown";

/// Whether a server running `software` reads FEP-1b12 group activities. Servers we know
/// nothing about are treated as microblogs: they at least see the threads.
pub fn is_group_aware(software: &str) -> bool {
    GROUP_AWARE.contains(&software)
}

/// `host[:port]` of a URL, the key peers are known by.
pub fn host_key(url: &Url) -> Option<String> {
    url.host_str().map(|host| match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Learns which software the server of `actor` runs, unless we learnt it recently.
/// Failures are logged and remembered as [`UNKNOWN`]; they never stop the caller.
pub async fn learn(state: &AppState, actor: &Url) {
    let Some(host) = host_key(actor) else { return };
    let known = {
        let host = host.clone();
        state
            .db
            .read(move |conn| db::federation::peer_software(conn, &host))
            .await
    };
    match known {
        Ok(Some((_, checked_at))) if db::now() - checked_at < RECHECK_AFTER => return,
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, %host, "reading a peer's software failed");
            return;
        }
    }
    let software = match fetch(state, actor).await {
        Ok(name) => name,
        Err(reason) => {
            tracing::info!(%host, %reason, "no readable NodeInfo; treating the peer as a microblog");
            UNKNOWN.to_owned()
        }
    };
    tracing::debug!(%host, %software, "peer software");
    let stored = state
        .db
        .write(move |conn| db::federation::set_peer_software(conn, &host, &software))
        .await;
    if let Err(e) = stored {
        tracing::warn!(error = %e, "recording a peer's software failed");
    }
}

/// Reads `software.name` from the NodeInfo the server of `actor` links to.
async fn fetch(state: &AppState, actor: &Url) -> Result<String, String> {
    let well_known = actor
        .join("/.well-known/nodeinfo")
        .map_err(|e| e.to_string())?;
    let links = get_json(state, &well_known).await?;
    let href = links
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|link| {
            link.get("rel")
                .and_then(Value::as_str)
                .is_some_and(|rel| rel.contains("nodeinfo.diaspora.software/ns/schema/"))
        })
        .filter_map(|link| link.get("href").and_then(Value::as_str))
        .filter_map(|href| Url::parse(href).ok())
        // The document must live on the same server: no fetching elsewhere on its word.
        .filter(|href| href.host_str() == actor.host_str())
        .max_by_key(|href| href.path().to_owned())
        .ok_or("the NodeInfo index links no schema on the same host")?;
    let nodeinfo = get_json(state, &href).await?;
    let name = nodeinfo
        .get("software")
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .ok_or("the NodeInfo document names no software")?;
    let name = name.trim().to_ascii_lowercase();
    if name.is_empty() || name.len() > 100 {
        return Err("the NodeInfo software name is empty or too long".into());
    }
    Ok(name)
}

async fn get_json(state: &AppState, url: &Url) -> Result<Value, String> {
    let client = state.http().map_err(|e| e.to_string())?;
    let mut response = client
        .get(url.clone())
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("{url}: answered {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| format!("{url}: {e}"))? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(format!("{url}: larger than {MAX_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| format!("{url}: not JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lemmy_like_servers_are_group_aware_and_the_rest_microblogs() {
        assert!(is_group_aware("lemmy"));
        assert!(is_group_aware("guildhall"));
        assert!(!is_group_aware("mastodon"));
        assert!(!is_group_aware(UNKNOWN));
    }

    #[test]
    fn hosts_keep_their_port() {
        let url = Url::parse("http://localhost:8080/u/ana").unwrap();
        assert_eq!(host_key(&url).as_deref(), Some("localhost:8080"));
        let url = Url::parse("https://social.example/users/bo").unwrap();
        assert_eq!(host_key(&url).as_deref(), Some("social.example"));
    }
}
