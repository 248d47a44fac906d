//! A stand-in for another fediverse server on loopback: it publishes its NodeInfo (under
//! the software name a test picks), WebFinger, people at `/users/{name}` and `/u/{name}`, groups at
//! `/c/{name}` and an instance actor at `/actor`; it signs what it sends the
//! draft-cavage way, as Mastodon and Lemmy do, and keeps everything delivered to it.

use std::sync::{Arc, Mutex, OnceLock};

use activitypub_federation::http_signatures::Keypair;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode as AxumStatus, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::StatusCode;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::harness::{TestApp, domain};

/// A fresh RSA key pair, made by the server's own (fast) generator.
pub fn new_keypair() -> Keypair {
    let keys = guildhall::services::actors::generate_pair().expect("key");
    Keypair {
        public_key: keys.public_key,
        private_key: keys.private_key,
    }
}

/// One key for every actor of every stand-in server: making RSA keys is slow.
fn key() -> &'static Keypair {
    static KEY: OnceLock<Keypair> = OnceLock::new();
    KEY.get_or_init(new_keypair)
}

pub struct Peer {
    pub base: String,
    received: Arc<Mutex<Vec<Value>>>,
    serving: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Shared {
    base: String,
    software: &'static str,
    received: Arc<Mutex<Vec<Value>>>,
}

fn activity_json(document: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/activity+json")],
        document.to_string(),
    )
        .into_response()
}

fn public_key(id: &str) -> Value {
    json!({"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": key().public_key})
}

fn empty_collection(id: String) -> Response {
    activity_json(json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "OrderedCollection",
        "totalItems": 0,
        "orderedItems": [],
    }))
}

async fn nodeinfo_index(State(shared): State<Shared>) -> Response {
    axum::Json(json!({"links": [{
        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
        "href": format!("{}/nodeinfo/2.0", shared.base),
    }]}))
    .into_response()
}

async fn nodeinfo(State(shared): State<Shared>) -> Response {
    axum::Json(json!({
        "version": "2.0",
        "software": {"name": shared.software, "version": "1.0.0"},
        "protocols": ["activitypub"],
        "usage": {"users": {"total": 1}},
        "openRegistrations": false,
    }))
    .into_response()
}

#[derive(serde::Deserialize)]
struct Resource {
    resource: String,
}

async fn webfinger(State(shared): State<Shared>, Query(q): Query<Resource>) -> Response {
    let Some((name, _)) = q
        .resource
        .strip_prefix("acct:")
        .and_then(|a| a.split_once('@'))
    else {
        return AxumStatus::NOT_FOUND.into_response();
    };
    // Names starting with "c-" are groups here; the rest are people.
    let href = match name.strip_prefix("c-") {
        Some(group) => format!("{}/c/{group}", shared.base),
        None => format!("{}/users/{name}", shared.base),
    };
    axum::Json(json!({
        "subject": q.resource,
        "links": [{"rel": "self", "type": "application/activity+json", "href": href}],
    }))
    .into_response()
}

async fn person(State(shared): State<Shared>, Path(name): Path<String>) -> Response {
    person_at(&shared, format!("{}/users/{name}", shared.base), &name)
}

/// People at `/u/{name}`, as Lemmy publishes them.
async fn lemmy_person(State(shared): State<Shared>, Path(name): Path<String>) -> Response {
    person_at(&shared, format!("{}/u/{name}", shared.base), &name)
}

fn person_at(shared: &Shared, id: String, name: &str) -> Response {
    activity_json(json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": name,
        "name": format!("{name} of {}", shared.software),
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "endpoints": {"sharedInbox": format!("{}/inbox", shared.base)},
        "publicKey": public_key(&id),
    }))
}

async fn group(State(shared): State<Shared>, Path(name): Path<String>) -> Response {
    let id = format!("{}/c/{name}", shared.base);
    activity_json(json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Group",
        "preferredUsername": name,
        "name": format!("The {name}"),
        "summary": "<p>A community elsewhere.</p>",
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "featured": format!("{id}/featured"),
        "attributedTo": format!("{id}/moderators"),
        "postingRestrictedToMods": false,
        "endpoints": {"sharedInbox": format!("{}/inbox", shared.base)},
        "publicKey": public_key(&id),
        "published": "2026-01-01T00:00:00Z",
    }))
}

async fn group_collection(
    State(shared): State<Shared>,
    Path((name, part)): Path<(String, String)>,
) -> Response {
    empty_collection(format!("{}/c/{name}/{part}", shared.base))
}

async fn instance_actor(State(shared): State<Shared>) -> Response {
    let id = format!("{}/actor", shared.base);
    activity_json(json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Application",
        "preferredUsername": "localhost",
        "inbox": format!("{id}/inbox"),
        "endpoints": {"sharedInbox": format!("{}/inbox", shared.base)},
        "publicKey": public_key(&id),
    }))
}

async fn inbox(State(shared): State<Shared>, body: String) -> AxumStatus {
    if let Ok(activity) = serde_json::from_str(&body) {
        shared.received.lock().expect("inbox").push(activity);
    }
    AxumStatus::ACCEPTED
}

impl Peer {
    /// Starts a server whose NodeInfo names `software` ("mastodon", "lemmy", …).
    pub async fn start(software: &'static str) -> Peer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        Self::start_on(software, listener)
    }

    /// Starts one on a listener the test already holds, such as one bound to the port
    /// of a server that was away.
    pub fn start_on(software: &'static str, listener: tokio::net::TcpListener) -> Peer {
        let base = format!(
            "http://localhost:{}",
            listener.local_addr().expect("address").port()
        );
        let received = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            base: base.clone(),
            software,
            received: received.clone(),
        };
        let app = axum::Router::new()
            .route("/.well-known/nodeinfo", get(nodeinfo_index))
            .route("/.well-known/webfinger", get(webfinger))
            .route("/nodeinfo/2.0", get(nodeinfo))
            .route("/users/{name}", get(person))
            .route("/users/{name}/inbox", post(inbox))
            .route("/u/{name}", get(lemmy_person))
            .route("/u/{name}/inbox", post(inbox))
            .route("/c/{name}", get(group))
            .route("/c/{name}/inbox", post(inbox))
            .route("/c/{name}/{part}", get(group_collection))
            .route("/actor", get(instance_actor))
            .route("/inbox", post(inbox))
            .with_state(shared);
        let serving = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Peer {
            base,
            received,
            serving,
        }
    }

    /// The id of the person `name` on this server.
    pub fn person(&self, name: &str) -> String {
        format!("{}/users/{name}", self.base)
    }

    /// The id of the group `name` on this server.
    pub fn group(&self, name: &str) -> String {
        format!("{}/c/{name}", self.base)
    }

    /// Everything delivered to this server so far.
    pub fn received(&self) -> Vec<Value> {
        self.received.lock().expect("inbox").clone()
    }

    /// Signs `activity` as the actor `signer` of this server (draft-cavage, RSA-SHA256,
    /// over the request line, host, date and digest) and posts it to `path` on `app`.
    pub async fn sends_as(
        &self,
        signer: &str,
        app: &TestApp,
        path: &str,
        activity: Value,
    ) -> StatusCode {
        self.sends_as_answered(signer, app, path, activity).await.0
    }

    /// `sends_as`, answering the status, any `Retry-After` and the body.
    pub async fn sends_as_answered(
        &self,
        signer: &str,
        app: &TestApp,
        path: &str,
        activity: Value,
    ) -> (StatusCode, Option<String>, String) {
        let body = activity.to_string();
        let host = domain(app);
        let date = chrono::Utc::now()
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        let digest = format!("SHA-256={}", BASE64.encode(Sha256::digest(body.as_bytes())));
        let signing_string =
            format!("(request-target): post {path}\nhost: {host}\ndate: {date}\ndigest: {digest}");
        let private_key = RsaPrivateKey::from_pkcs8_pem(&key().private_key).expect("key");
        let signature = private_key
            .sign(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signing_string.as_bytes()),
            )
            .expect("signature");
        let signature = format!(
            r#"keyId="{signer}#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="{}""#,
            BASE64.encode(signature)
        );
        let response = reqwest::Client::new()
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/activity+json")
            .header("date", date)
            .header("digest", digest)
            .header("signature", signature)
            .body(body)
            .send()
            .await
            .expect("delivery");
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (
            status,
            retry_after,
            response.text().await.unwrap_or_default(),
        )
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.serving.abort();
    }
}
