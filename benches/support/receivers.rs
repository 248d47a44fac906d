//! Stand-in peer instances for the benchmarks: each is a loopback listener of its own, a
//! distinct host `localhost:PORT` with a shared inbox at `/inbox`, that verifies the HTTP
//! signature and the digest of every delivery against the sending actor's public key
//! before it counts it, as a real peer would before accepting anything.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use guildhall::db::Db;
use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// The key every delivery must be signed with: its id and the public key.
struct Trusted {
    key_id: String,
    key: RsaPublicKey,
}

/// What the receivers have seen, shared by all of them.
#[derive(Default)]
pub struct Log {
    trusted: OnceLock<Trusted>,
    /// Deliveries whose signature and digest checked out.
    pub verified: AtomicUsize,
    /// Why deliveries were refused (answered 401), the first few of them.
    refusals: Mutex<Vec<String>>,
    pub refused: AtomicUsize,
    /// For each object an activity carries (a thread's or comment's URL), the receivers
    /// that verified an activity about it, once per delivery.
    by_object: Mutex<HashMap<String, Vec<usize>>>,
}

impl Log {
    /// How many distinct receivers have verified an activity about `object`, and how many
    /// such deliveries there were in all.
    pub fn reached(&self, object: &str) -> (usize, usize) {
        let Ok(by_object) = self.by_object.lock() else {
            return (0, 0);
        };
        let Some(receivers) = by_object.get(object) else {
            return (0, 0);
        };
        let mut distinct = receivers.clone();
        distinct.sort_unstable();
        distinct.dedup();
        (distinct.len(), receivers.len())
    }

    /// The receivers that got an activity about `object` more than once.
    pub fn duplicates(&self, object: &str) -> Vec<usize> {
        let Ok(by_object) = self.by_object.lock() else {
            return Vec::new();
        };
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for &receiver in by_object.get(object).into_iter().flatten() {
            *counts.entry(receiver).or_default() += 1;
        }
        counts
            .into_iter()
            .filter(|&(_, n)| n > 1)
            .map(|(r, _)| r)
            .collect()
    }

    /// The first refusals, for an error message.
    pub fn refusals(&self) -> Vec<String> {
        self.refusals.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn record(&self, receiver: usize, object: Option<String>) {
        self.verified.fetch_add(1, Ordering::SeqCst);
        if let Some(object) = object
            && let Ok(mut by_object) = self.by_object.lock()
        {
            by_object.entry(object).or_default().push(receiver);
        }
    }

    fn refuse(&self, why: String) {
        self.refused.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut refusals) = self.refusals.lock()
            && refusals.len() < 5
        {
            refusals.push(why);
        }
    }

    /// Waits until `instances` distinct receivers have verified an activity about
    /// `object`, and returns when the last one did.
    pub async fn wait_for(
        &self,
        object: &str,
        instances: usize,
        limit: Duration,
    ) -> anyhow::Result<Instant> {
        let deadline = Instant::now() + limit;
        loop {
            let (reached, _) = self.reached(object);
            if reached >= instances {
                return Ok(Instant::now());
            }
            ensure!(
                self.refused.load(Ordering::SeqCst) == 0,
                "a receiver refused a delivery: {:?}",
                self.refusals()
            );
            ensure!(
                Instant::now() < deadline,
                "after {limit:?} only {reached} of {instances} instances have {object}"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

/// A set of stand-in instances, each listening on its own loopback port.
pub struct Receivers {
    /// `localhost:PORT` of each, in order.
    pub hosts: Vec<String>,
    pub log: Arc<Log>,
}

impl Receivers {
    /// Starts `count` instances on the current runtime; they serve until it ends.
    pub async fn start(count: usize) -> anyhow::Result<Receivers> {
        let log = Arc::new(Log::default());
        let mut hosts = Vec::with_capacity(count);
        for receiver in 0..count {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .context("binding a receiver")?;
            let host = format!("localhost:{}", listener.local_addr()?.port());
            let seen = log.clone();
            let router = axum::Router::new().route(
                "/inbox",
                post(move |headers: HeaderMap, body: Bytes| {
                    let log = seen.clone();
                    async move {
                        match verify(&log, "/inbox", &headers, &body) {
                            Ok(object) => {
                                log.record(receiver, object);
                                StatusCode::ACCEPTED
                            }
                            Err(why) => {
                                log.refuse(format!("{why:#}"));
                                StatusCode::UNAUTHORIZED
                            }
                        }
                    }
                }),
            );
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    eprintln!("a receiver stopped: {e}");
                }
            });
            hosts.push(host);
        }
        Ok(Receivers { hosts, log })
    }

    /// From now on, accept deliveries signed by the actor whose ActivityPub document is
    /// at `actor_url` (fetched once, as a peer fetches a sender's key), and only those.
    pub async fn trust(&self, client: &reqwest::Client, actor_url: &str) -> anyhow::Result<()> {
        let actor: Value = client
            .get(actor_url)
            .header("accept", "application/activity+json")
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
            .with_context(|| format!("reading the actor {actor_url}"))?;
        let key_id = actor["publicKey"]["id"]
            .as_str()
            .context("the actor has no publicKey.id")?;
        let pem = actor["publicKey"]["publicKeyPem"]
            .as_str()
            .context("the actor has no publicKey.publicKeyPem")?;
        let key = RsaPublicKey::from_public_key_pem(pem).context("reading the actor's key")?;
        let _ = self.log.trusted.set(Trusted {
            key_id: key_id.to_owned(),
            key,
        });
        Ok(())
    }
}

/// Checks a delivery's draft-cavage signature over `(request-target) host date digest`
/// against the trusted key, and its `Digest` against the body; returns the object the
/// activity is about.
fn verify(
    log: &Log,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> anyhow::Result<Option<String>> {
    let trusted = log
        .trusted
        .get()
        .context("no sender's key is trusted yet")?;
    let mut map = BTreeMap::new();
    for (name, value) in headers {
        if let Ok(value) = value.to_str() {
            map.insert(name.to_string(), value.to_owned());
        }
    }
    let digest = map.get("digest").context("no Digest header")?;
    let expected = format!("SHA-256={}", BASE64.encode(Sha256::digest(body)));
    ensure!(*digest == expected, "the Digest does not match the body");
    let unverified = http_signature_normalization::Config::new()
        .set_expiration(Duration::from_secs(3600))
        .begin_verify("POST", path, map)
        .map_err(|e| anyhow::anyhow!("reading the signature: {e}"))?;
    ensure!(
        unverified.key_id() == trusted.key_id,
        "signed with {}, not {}",
        unverified.key_id(),
        trusted.key_id
    );
    for required in ["(request-target)", "host", "date", "digest"] {
        ensure!(
            unverified
                .signing_string()
                .lines()
                .any(|line| line.starts_with(&format!("{required}: "))),
            "the signature does not cover {required}"
        );
    }
    let valid = unverified.verify(|signature, signing_string| {
        BASE64.decode(signature).is_ok_and(|signature| {
            trusted
                .key
                .verify(
                    rsa::Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(signing_string.as_bytes()),
                    &signature,
                )
                .is_ok()
        })
    });
    ensure!(valid, "the signature does not verify");
    let activity: Value = serde_json::from_slice(body).context("the body is not JSON")?;
    Ok(object_of(&activity))
}

/// The thread or comment an activity is about: `Announce{Create{Page}}` carries it two
/// levels down, `Announce{Page}` one.
fn object_of(activity: &Value) -> Option<String> {
    let inner = &activity["object"];
    let target = match &inner["object"] {
        Value::Null => inner,
        deeper => deeper,
    };
    match target {
        Value::String(id) => Some(id.clone()),
        other => other["id"].as_str().map(str::to_owned),
    }
}

/// Makes `per_instance` remote members on each receiver accepted members (followers) of
/// the community, each with the receiver's shared inbox, as follows from those servers
/// leave them.
pub async fn add_followers(
    db: &Db,
    community_id: i64,
    hosts: &[String],
    per_instance: usize,
) -> anyhow::Result<()> {
    let hosts = hosts.to_vec();
    db.write(move |conn| {
        for host in &hosts {
            for n in 0..per_instance {
                let name = format!("follower{n}");
                let person = guildhall::db::federation::upsert_remote_person(
                    conn,
                    &guildhall::db::models::RemoteActorRow {
                        ap_id: format!("http://{host}/u/{name}"),
                        name: name.clone(),
                        domain: host.clone(),
                        display_name: None,
                        summary_html: String::new(),
                        public_key: String::new(),
                        inbox_url: format!("http://{host}/u/{name}/inbox"),
                        shared_inbox_url: Some(format!("http://{host}/inbox")),
                    },
                )?;
                guildhall::db::communities::set_membership(
                    conn,
                    community_id,
                    person.id,
                    "accepted",
                )?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(())
}
