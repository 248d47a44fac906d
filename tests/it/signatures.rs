//! Real HTTP signatures at the inbox: a stand-in remote server publishes its members and
//! their keys, and the tests sign a Follow by hand, in draft-cavage and in RFC 9421 form,
//! once rightly and once in each way a forger or a replayer might try, to prove that only
//! the right signature changes anything.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use activitypub_federation::http_signatures::Keypair;
use axum::extract::{Path, State};
use axum::http::{StatusCode as AxumStatus, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use guildhall::db::schema::deliveries;
use reqwest::StatusCode;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::harness::*;
use crate::on_both_backends;

/// The keys of the stand-in server's members, and one that nobody publishes. Making RSA
/// keys is slow, so every test shares these.
struct Keys {
    mallory: Keypair,
    eve: Keypair,
    stranger: Keypair,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        mallory: crate::peer::new_keypair(),
        eve: crate::peer::new_keypair(),
        stranger: crate::peer::new_keypair(),
    })
}

/// Another server on loopback that publishes `mallory` and `eve` with their public keys,
/// and keeps whatever is delivered to their inboxes.
struct Remote {
    base: String,
    received: Arc<Mutex<Vec<Value>>>,
    serving: tokio::task::JoinHandle<()>,
}

struct RemoteState {
    base: String,
    public_keys: HashMap<&'static str, String>,
    received: Arc<Mutex<Vec<Value>>>,
}

async fn actor_document(
    State(remote): State<Arc<RemoteState>>,
    Path(name): Path<String>,
) -> Response {
    let Some(pem) = remote.public_keys.get(name.as_str()) else {
        return AxumStatus::NOT_FOUND.into_response();
    };
    let id = format!("{}/u/{name}", remote.base);
    let document = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "type": "Person",
        "id": id,
        "preferredUsername": name,
        "inbox": format!("{id}/inbox"),
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem},
    });
    (
        [(header::CONTENT_TYPE, "application/activity+json")],
        document.to_string(),
    )
        .into_response()
}

async fn inbox(State(remote): State<Arc<RemoteState>>, body: String) -> AxumStatus {
    if let Ok(activity) = serde_json::from_str(&body) {
        remote.received.lock().expect("inbox").push(activity);
    }
    AxumStatus::ACCEPTED
}

impl Remote {
    async fn start() -> Remote {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        let base = format!(
            "http://localhost:{}",
            listener.local_addr().expect("address").port()
        );
        let keys = keys();
        let received = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(RemoteState {
            base: base.clone(),
            public_keys: HashMap::from([
                ("mallory", keys.mallory.public_key.clone()),
                ("eve", keys.eve.public_key.clone()),
            ]),
            received: received.clone(),
        });
        let app = axum::Router::new()
            .route("/u/{name}", get(actor_document))
            .route("/u/{name}/inbox", post(inbox))
            .with_state(state);
        let serving = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Remote {
            base,
            received,
            serving,
        }
    }

    fn actor(&self, name: &str) -> String {
        format!("{}/u/{name}", self.base)
    }

    /// A Follow of `community` on `app` by one of this server's members.
    fn follow(&self, name: &str, app: &TestApp, community: &str, n: u32) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/follow/{n}", self.base),
            "type": "Follow",
            "actor": self.actor(name),
            "object": format!("{}/c/{community}", app.base),
        })
    }

    /// Whether `app` has delivered an Accept of the activity `follow_id`.
    fn has_accept_of(&self, follow_id: &Value) -> bool {
        self.received.lock().expect("inbox").iter().any(|a| {
            a["type"] == "Accept" && (a["object"]["id"] == *follow_id || a["object"] == *follow_id)
        })
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.serving.abort();
    }
}

/// An inbox delivery signed by hand, draft-cavage style: RSA PKCS#1 v1.5 over SHA-256 of
/// the signing string. By default it is signed rightly, now, over the body it carries.
struct Delivery {
    body: String,
    key_id: String,
    key: &'static Keypair,
    date: DateTime<Utc>,
    signed_headers: &'static str,
    digest_of: Option<String>,
    garbled: bool,
}

impl Delivery {
    fn signed_by(remote: &Remote, name: &str, key: &'static Keypair, activity: &Value) -> Delivery {
        Delivery {
            body: activity.to_string(),
            key_id: format!("{}#main-key", remote.actor(name)),
            key,
            date: Utc::now(),
            signed_headers: "(request-target) host date digest",
            digest_of: None,
            garbled: false,
        }
    }

    /// Sends a signature that is not base64 at all.
    fn garbled(mut self) -> Delivery {
        self.garbled = true;
        self
    }

    /// Signs with another key, still under the key id first given.
    fn with_key(mut self, key: &'static Keypair) -> Delivery {
        self.key = key;
        self
    }

    /// Sends, and signs if `date` is among the signed headers, this `Date`.
    fn dated(mut self, date: DateTime<Utc>) -> Delivery {
        self.date = date;
        self
    }

    /// Signs only these headers; the others are still sent.
    fn signing_only(mut self, headers: &'static str) -> Delivery {
        self.signed_headers = headers;
        self
    }

    /// Sends, and signs, the digest of another body than the one delivered.
    fn with_digest_of(mut self, body: &str) -> Delivery {
        self.digest_of = Some(body.to_owned());
        self
    }
}

/// A delivery that can be posted to an inbox, however it is signed.
trait Deliver {
    /// Signs and posts the delivery to `path` on `app`, and returns the answer's status.
    async fn post_to(&self, app: &TestApp, path: &str) -> StatusCode;
}

impl Deliver for Delivery {
    async fn post_to(&self, app: &TestApp, path: &str) -> StatusCode {
        let host = app.base.trim_start_matches("http://");
        let date = self.date.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let digested = self.digest_of.as_deref().unwrap_or(&self.body);
        let digest = format!(
            "SHA-256={}",
            BASE64.encode(Sha256::digest(digested.as_bytes()))
        );
        let signing_string = self
            .signed_headers
            .split(' ')
            .map(|h| match h {
                "(request-target)" => format!("(request-target): post {path}"),
                "host" => format!("host: {host}"),
                "date" => format!("date: {date}"),
                "digest" => format!("digest: {digest}"),
                other => panic!("no value for signed header {other}"),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let private_key =
            RsaPrivateKey::from_pkcs8_pem(&self.key.private_key).expect("private key");
        let signature = private_key
            .sign(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signing_string.as_bytes()),
            )
            .expect("signature");
        let signature = if self.garbled {
            "not base64!".to_owned()
        } else {
            BASE64.encode(signature)
        };
        let signature = format!(
            r#"keyId="{}",algorithm="rsa-sha256",headers="{}",signature="{}""#,
            self.key_id, self.signed_headers, signature
        );
        reqwest::Client::new()
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/activity+json")
            .header("date", date)
            .header("digest", digest)
            .header("signature", signature)
            .body(self.body.clone())
            .send()
            .await
            .expect("delivery sent")
            .status()
    }
}

/// An inbox delivery signed by hand the RFC 9421 way: the signature base of RFC 9421
/// section 2.5 over the covered components, signed with RSA PKCS#1 v1.5 over SHA-256, and
/// the body's SHA-256 in `Content-Digest` (RFC 9530). By default it is signed rightly, now,
/// over `@method`, `@target-uri` and `content-digest`.
struct Signed9421 {
    body: String,
    key_id: String,
    key: &'static Keypair,
    created: DateTime<Utc>,
    covered: &'static [&'static str],
    alg: Option<&'static str>,
    sent_body: Option<String>,
    signature_input: Option<&'static str>,
}

impl Signed9421 {
    fn signed_by(
        remote: &Remote,
        name: &str,
        key: &'static Keypair,
        activity: &Value,
    ) -> Signed9421 {
        Signed9421 {
            body: activity.to_string(),
            key_id: format!("{}#main-key", remote.actor(name)),
            key,
            created: Utc::now(),
            covered: &["@method", "@target-uri", "content-digest"],
            alg: Some("rsa-v1_5-sha256"),
            sent_body: None,
            signature_input: None,
        }
    }

    /// Signs with another key, still under the key id first given.
    fn with_key(mut self, key: &'static Keypair) -> Signed9421 {
        self.key = key;
        self
    }

    fn created_at(mut self, created: DateTime<Utc>) -> Signed9421 {
        self.created = created;
        self
    }

    /// Covers only these components, without naming the algorithm.
    fn covering(mut self, covered: &'static [&'static str]) -> Signed9421 {
        self.covered = covered;
        self.alg = None;
        self
    }

    /// Sends another body than the one signed and digested, as a tamperer would.
    fn sending(mut self, body: &Value) -> Signed9421 {
        self.sent_body = Some(body.to_string());
        self
    }

    /// Sends this `Signature-Input` instead of the one signed.
    fn with_signature_input(mut self, value: &'static str) -> Signed9421 {
        self.signature_input = Some(value);
        self
    }
}

impl Deliver for Signed9421 {
    async fn post_to(&self, app: &TestApp, path: &str) -> StatusCode {
        let authority = app.base.trim_start_matches("http://");
        let content_digest = format!(
            "sha-256=:{}:",
            BASE64.encode(Sha256::digest(self.body.as_bytes()))
        );
        let mut lines = Vec::new();
        for component in self.covered {
            let value = match *component {
                "@method" => "POST".to_owned(),
                "@target-uri" => format!("{}{path}", app.base),
                "@authority" => authority.to_owned(),
                "@path" => path.to_owned(),
                "content-digest" => content_digest.clone(),
                "content-type" => "application/activity+json".to_owned(),
                other => panic!("no value for covered component {other}"),
            };
            lines.push(format!("\"{component}\": {value}"));
        }
        let components = self
            .covered
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(" ");
        let alg = self
            .alg
            .map(|alg| format!(";alg=\"{alg}\""))
            .unwrap_or_default();
        let params = format!(
            "({components});created={};keyid=\"{}\"{alg}",
            self.created.timestamp(),
            self.key_id
        );
        lines.push(format!("\"@signature-params\": {params}"));
        let base = lines.join("\n");
        let private_key =
            RsaPrivateKey::from_pkcs8_pem(&self.key.private_key).expect("private key");
        let signature = private_key
            .sign(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(base.as_bytes()),
            )
            .expect("signature");
        let signature_input = match self.signature_input {
            Some(raw) => raw.to_owned(),
            None => format!("sig1={params}"),
        };
        reqwest::Client::new()
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/activity+json")
            .header("content-digest", content_digest)
            .header("signature-input", signature_input)
            .header("signature", format!("sig1=:{}:", BASE64.encode(signature)))
            .body(self.sent_body.clone().unwrap_or_else(|| self.body.clone()))
            .send()
            .await
            .expect("delivery sent")
            .status()
    }
}

/// Alpha with ana's public community `planners`, and a remote server that wants in.
struct Scene {
    alpha: TestApp,
    ana: Member,
    remote: Remote,
}

impl Scene {
    async fn start(backend: Backend) -> Scene {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let remote = Remote::start().await;
        Scene { alpha, ana, remote }
    }

    /// Everything a Follow could change on alpha: the members of planners, accepted and
    /// pending, and the deliveries alpha has queued (an Accept would be one).
    async fn what_alpha_holds(&self) -> (Vec<String>, Vec<String>, i64) {
        let names_in = |state: &'static str| async move {
            let page = self
                .ana
                .get(&format!("/communities/planners/members?state={state}"))
                .await
                .ok();
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|m| m["member"]["name"].as_str().expect("name").to_owned())
                .collect::<Vec<_>>()
        };
        let queued = self
            .alpha
            .state
            .db
            .read(|conn| Ok(deliveries::table.count().get_result::<i64>(conn)?))
            .await
            .expect("deliveries");
        (
            names_in("accepted").await,
            names_in("pending").await,
            queued,
        )
    }

    /// Whether alpha recorded the activity as received.
    async fn alpha_has_seen(&self, activity: &Value) -> bool {
        let id = activity["id"].as_str().expect("id").to_owned();
        self.alpha
            .state
            .db
            .read(move |conn| guildhall::db::federation::activity_seen(conn, &id))
            .await
            .expect("received activities")
    }

    /// Asserts that alpha answered `delivery` of `activity` with one of `statuses` and holds
    /// exactly what it held before.
    async fn refuses(
        &self,
        what: &str,
        delivery: &impl Deliver,
        activity: &Value,
        statuses: &[StatusCode],
    ) {
        let before = self.what_alpha_holds().await;
        let status = delivery.post_to(&self.alpha, "/c/planners/inbox").await;
        assert!(statuses.contains(&status), "{what}: answered {status}");
        assert_eq!(
            self.what_alpha_holds().await,
            before,
            "{what}: something was stored"
        );
        assert!(
            !self.alpha_has_seen(activity).await,
            "{what}: the activity was recorded"
        );
    }

    /// Asserts that alpha accepted `delivery`, `name` became a member and alpha answered
    /// with an Accept.
    async fn accepts(&self, what: &str, delivery: &impl Deliver, name: &str, activity: &Value) {
        let status = delivery.post_to(&self.alpha, "/c/planners/inbox").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{what}");
        let (accepted, _, _) = self.what_alpha_holds().await;
        assert!(
            accepted.iter().any(|m| m == name),
            "{what}: members are {accepted:?}"
        );
        assert!(self.alpha_has_seen(activity).await, "{what}: not recorded");
        eventually("alpha's Accept reaches the remote inbox", || async {
            self.remote.has_accept_of(&activity["id"])
        })
        .await;
    }
}

/// What the inbox answers a delivery it cannot verify.
const UNVERIFIED: &[StatusCode] = &[StatusCode::UNAUTHORIZED];

/// What the inbox may answer a well-signed activity it must not believe.
const REFUSED: &[StatusCode] = &[
    StatusCode::BAD_REQUEST,
    StatusCode::UNAUTHORIZED,
    StatusCode::FORBIDDEN,
];

on_both_backends! {
    async fn a_follow_signed_with_its_actors_key_is_accepted_once(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        let delivery = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("a right signature", &delivery, "mallory", &follow).await;
        let held = scene.what_alpha_holds().await;
        assert_eq!(held.0, ["ana", "mallory"]);

        // The very same request again, as a replayer would send it, changes nothing more.
        assert_eq!(delivery.post_to(&scene.alpha, "/c/planners/inbox").await, StatusCode::ACCEPTED);
        assert_eq!(scene.what_alpha_holds().await, held);
    }

    async fn a_signature_by_a_key_the_actor_does_not_publish_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        let forged = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow).with_key(&keys.stranger);
        scene.refuses("a stranger's key under mallory's key id", &forged, &follow, UNVERIFIED).await;

        let right = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the same Follow, rightly signed", &right, "mallory", &follow).await;
    }

    async fn a_signature_dated_over_an_hour_ago_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        let two_hours_ago = Utc::now() - chrono::Duration::hours(2);
        let stale = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow).dated(two_hours_ago);
        scene.refuses("a signed Date two hours old", &stale, &follow, UNVERIFIED).await;
        // The verifier reads the Date header even when the signature leaves it out.
        let unsigned_stale = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow)
            .signing_only("(request-target) host digest")
            .dated(two_hours_ago);
        scene.refuses("an unsigned Date two hours old", &unsigned_stale, &follow, UNVERIFIED).await;

        // Signatures stay valid for an hour, for slow queues and loose clocks.
        let late = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow)
            .dated(Utc::now() - chrono::Duration::minutes(50));
        scene.accepts("a signed Date fifty minutes old", &late, "mallory", &follow).await;
    }

    async fn a_digest_of_another_body_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        // A signature captured from some other delivery, replayed with this body.
        let other = scene.remote.follow("mallory", &scene.alpha, "planners", 2).to_string();
        let swapped = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow).with_digest_of(&other);
        scene.refuses("a signed digest of another body", &swapped, &follow, UNVERIFIED).await;

        let right = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the same Follow, rightly signed", &right, "mallory", &follow).await;
    }

    async fn an_activity_id_on_another_host_than_its_actor_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let mut follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        follow["id"] = json!("http://elsewhere.example/activities/follow/1");
        let spoofed = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.refuses("an id on elsewhere.example, signed by mallory", &spoofed, &follow, REFUSED).await;

        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        let right = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the Follow with its own id", &right, "mallory", &follow).await;
    }

    async fn a_signature_by_one_actor_for_another_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("eve", &scene.alpha, "planners", 1);
        let impersonation = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.refuses("mallory's signature on eve's Follow", &impersonation, &follow, UNVERIFIED).await;
        // Naming eve's key does not help when it is mallory's key that signed.
        let relabelled = Delivery::signed_by(&scene.remote, "eve", &keys.mallory, &follow);
        scene.refuses("mallory's signature under eve's key id", &relabelled, &follow, UNVERIFIED).await;

        let right = Delivery::signed_by(&scene.remote, "eve", &keys.eve, &follow);
        scene.accepts("eve's own signature", &right, "eve", &follow).await;
    }

    async fn a_signature_must_cover_the_request_the_host_the_digest_and_a_time(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        for covers in ["digest", "(request-target) digest", "(request-target) host digest", "(request-target) host date"] {
            let thin = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow).signing_only(covers);
            scene.refuses(&format!("a signature over only {covers}"), &thin, &follow, UNVERIFIED).await;
        }
        let future = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow)
            .dated(Utc::now() + chrono::Duration::hours(2));
        scene.refuses("a Date two hours in the future", &future, &follow, UNVERIFIED).await;

        // The port is part of the origin: an id on the same host but another port is refused.
        let mut other_port = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        other_port["id"] = json!("http://localhost:1/activities/follow/1");
        let spoofed = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &other_port);
        assert!(spoofed.post_to(&scene.alpha, "/c/planners/inbox").await.is_client_error());

        let right = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the same Follow, rightly signed", &right, "mallory", &follow).await;
    }

    async fn a_draft_cavage_signature_that_is_not_base64_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        let garbled = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow).garbled();
        scene.refuses("a signature that is not base64", &garbled, &follow, UNVERIFIED).await;

        let right = Delivery::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the same Follow, rightly signed", &right, "mallory", &follow).await;
    }

    async fn a_follow_signed_the_rfc_9421_way_is_accepted_once(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        let delivery = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("an RFC 9421 signature", &delivery, "mallory", &follow).await;
        let held = scene.what_alpha_holds().await;
        assert_eq!(held.0, ["ana", "mallory"]);

        // The very same request again, as a replayer would send it, changes nothing more.
        assert_eq!(delivery.post_to(&scene.alpha, "/c/planners/inbox").await, StatusCode::ACCEPTED);
        assert_eq!(scene.what_alpha_holds().await, held);

        // Authority and path may stand for the target URI, and without `alg` an RSA key
        // means RSA PKCS#1 v1.5; signatures stay valid for an hour.
        let follow = scene.remote.follow("eve", &scene.alpha, "planners", 2);
        let delivery = Signed9421::signed_by(&scene.remote, "eve", &keys.eve, &follow)
            .covering(&["@method", "@authority", "@path", "content-type", "content-digest"])
            .created_at(Utc::now() - chrono::Duration::minutes(50));
        scene.accepts("an RFC 9421 signature over authority and path", &delivery, "eve", &follow).await;
    }

    async fn an_rfc_9421_signature_by_a_key_the_actor_does_not_publish_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        let forged = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow).with_key(&keys.stranger);
        scene.refuses("a stranger's key under mallory's keyid", &forged, &follow, UNVERIFIED).await;

        let right = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the same Follow, rightly signed", &right, "mallory", &follow).await;
    }

    async fn a_body_changed_after_an_rfc_9421_signature_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        // The signature and digest of one Follow, sent with another.
        let other = scene.remote.follow("mallory", &scene.alpha, "planners", 2);
        let tampered = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &other).sending(&follow);
        scene.refuses("a body that is not the one digested", &tampered, &follow, UNVERIFIED).await;

        let right = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the same Follow, rightly signed", &right, "mallory", &follow).await;
    }

    async fn an_rfc_9421_signature_must_cover_the_digest_and_be_recent(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        for covered in [
            &["@method", "@target-uri"][..],
            &["@target-uri", "content-digest"],
            &["@method", "@authority", "content-digest"],
        ] {
            let thin = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow).covering(covered);
            scene.refuses(&format!("a signature over only {covered:?}"), &thin, &follow, UNVERIFIED).await;
        }
        let stale = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow)
            .created_at(Utc::now() - chrono::Duration::minutes(61));
        scene.refuses("a signature created 61 minutes ago", &stale, &follow, UNVERIFIED).await;
        let future = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow)
            .created_at(Utc::now() + chrono::Duration::minutes(10));
        scene.refuses("a signature created ten minutes ahead", &future, &follow, UNVERIFIED).await;

        let right = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the same Follow, rightly signed", &right, "mallory", &follow).await;
    }

    async fn an_rfc_9421_signature_by_one_actor_for_another_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("eve", &scene.alpha, "planners", 1);
        let impersonation = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.refuses("mallory's keyid and signature on eve's Follow", &impersonation, &follow, UNVERIFIED).await;
        let relabelled = Signed9421::signed_by(&scene.remote, "eve", &keys.mallory, &follow);
        scene.refuses("mallory's signature under eve's keyid", &relabelled, &follow, UNVERIFIED).await;

        let right = Signed9421::signed_by(&scene.remote, "eve", &keys.eve, &follow);
        scene.accepts("eve's own signature", &right, "eve", &follow).await;
    }

    async fn an_rfc_9421_signed_activity_from_another_origin_than_its_actor_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        for (n, id) in ["http://elsewhere.example/activities/follow/1", "http://localhost:1/activities/follow/1"].into_iter().enumerate() {
            let mut spoofed = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
            spoofed["id"] = json!(id);
            let delivery = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &spoofed);
            scene.refuses(&format!("spoof {n}: an id at {id}, signed by mallory"), &delivery, &spoofed, REFUSED).await;
        }

        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        let right = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the Follow with its own id", &right, "mallory", &follow).await;
    }

    async fn a_malformed_signature_input_is_refused(backend: Backend) {
        let scene = Scene::start(backend).await;
        let keys = keys();
        let follow = scene.remote.follow("mallory", &scene.alpha, "planners", 1);
        for malformed in [
            r#"sig1=("@method" "@target-uri" "content-digest";created=1"#,
            r#"sig1=("@method" "@target-uri" "content-digest")"#,
            r#"sig1=("@method" "@target-uri" "content-digest");created=now;keyid="x""#,
            r#"sig1=:AAAA:"#,
            r#"Sig1=("@method")"#,
            "",
        ] {
            let delivery = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow)
                .with_signature_input(malformed);
            scene.refuses(&format!("Signature-Input {malformed:?}"), &delivery, &follow, UNVERIFIED).await;
        }

        let right = Signed9421::signed_by(&scene.remote, "mallory", &keys.mallory, &follow);
        scene.accepts("the same Follow, rightly signed", &right, "mallory", &follow).await;
    }
}
