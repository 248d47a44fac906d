//! A stand-in remote server for the benchmarks: it publishes one member, mallory, with her
//! public key, and signs her deliveries to our inbox as another server would.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use activitypub_federation::http_signatures::Keypair;
use anyhow::{Context, bail};
use axum::http::{StatusCode, header};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// A remote server that publishes one member, mallory, with her public key, and counts
/// how often her actor document is fetched.
pub async fn start_remote(public_key: &str) -> anyhow::Result<(String, Arc<AtomicUsize>)> {
    let fetches = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://localhost:{}", listener.local_addr()?.port());
    let id = format!("{base}/u/mallory");
    let document = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "type": "Person",
        "id": id,
        "preferredUsername": "mallory",
        "inbox": format!("{id}/inbox"),
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": public_key},
    })
    .to_string();
    let counter = fetches.clone();
    let router = axum::Router::new()
        .route(
            "/u/mallory",
            get(move || {
                counter.fetch_add(1, Ordering::Relaxed);
                let document = document.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/activity+json")],
                        document,
                    )
                }
            }),
        )
        .route("/u/mallory/inbox", post(|| async { StatusCode::ACCEPTED }));
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("the stand-in remote server stopped: {e}");
        }
    });
    Ok((base, fetches))
}

/// One inbox POST, signed beforehand draft-cavage style, as tests/it/signatures.rs does.
pub struct SignedDelivery {
    pub body: String,
    pub date: String,
    pub digest: String,
    pub signature: String,
}

/// A reply by mallory to `thread` on the server at `base`, in the community whose actor
/// is `group`, as her server would send it.
pub fn reply(remote: &str, base: &str, group: &str, thread: i64, n: &str) -> Value {
    let actor = format!("{remote}/u/mallory");
    let public = "https://www.w3.org/ns/activitystreams#Public";
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{remote}/activities/create/{n}"),
        "type": "Create",
        "actor": actor,
        "to": [group, public],
        "cc": [],
        "audience": group,
        "object": {
            "id": format!("{remote}/notes/{n}"),
            "type": "Note",
            "attributedTo": actor,
            "content": format!("<p>Reply {n}: the <strong>housing</strong> figures look low.</p>"),
            "source": {"content": format!("Reply {n}: the **housing** figures look low."), "mediaType": "text/markdown"},
            "inReplyTo": format!("{base}/post/{thread}"),
            "to": [group, public],
            "audience": group,
            "published": chrono::Utc::now().to_rfc3339(),
        },
    })
}

/// Signs each activity for `POST path` on `host` with mallory's key: RSA PKCS#1 v1.5 over
/// SHA-256 of `(request-target) host date digest`. Spread over the cores, and done before
/// the clock starts, because signing is the sender's cost, not the inbox's.
pub fn sign_all(
    activities: Vec<Value>,
    key_id: &str,
    key: &Keypair,
    host: &str,
    path: &str,
) -> anyhow::Result<Vec<SignedDelivery>> {
    let private_key =
        RsaPrivateKey::from_pkcs8_pem(&key.private_key).context("reading mallory's key")?;
    let date = chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let sign = |activity: &Value| -> anyhow::Result<SignedDelivery> {
        let body = activity.to_string();
        let digest = format!("SHA-256={}", BASE64.encode(Sha256::digest(body.as_bytes())));
        let signing_string =
            format!("(request-target): post {path}\nhost: {host}\ndate: {date}\ndigest: {digest}");
        let signature = private_key.sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(signing_string.as_bytes()),
        )?;
        Ok(SignedDelivery {
            body,
            date: date.clone(),
            digest,
            signature: format!(
                r#"keyId="{key_id}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="{}""#,
                BASE64.encode(signature)
            ),
        })
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = activities.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = activities
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(sign).collect::<anyhow::Result<Vec<_>>>()))
            .collect();
        let mut signed = Vec::with_capacity(activities.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => signed.extend(part?),
                Err(_) => bail!("a signing thread panicked"),
            }
        }
        Ok(signed)
    })
}
