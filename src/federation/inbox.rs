//! The inboxes: every POST is size-limited, de-duplicated by activity id, and must carry a
//! valid signature from its actor's key and a matching digest before anything changes.
//! Draft-cavage signatures (with `Digest`) go through the federation library; RFC 9421
//! signatures (with `Content-Digest`) through [`super::rfc9421`]. Whatever cannot be
//! verified gets 401, so that a peer able to sign the other way retries with it.

use std::collections::BTreeMap;
use std::time::Duration;

use activitypub_federation::axum::inbox::{ActivityData, receive_activity};
use activitypub_federation::config::Data;
use activitypub_federation::error::Error as LibError;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::verification::verify_domains_match;
use activitypub_federation::traits::{Activity, Actor};
use axum::body::Body;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use super::activities::{ACCEPTED_TYPES, InboxActivity};
use super::actors::ApActor;
use super::error::FedError;
use super::rfc9421;
use crate::config::Config;
use crate::db;
use crate::state::AppState;

fn answer(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": status.as_u16(), "message": message})),
    )
        .into_response()
}

/// Just enough of an activity to route and de-duplicate it before verifying it.
#[derive(Deserialize)]
struct RawPeek {
    id: Option<url::Url>,
    #[serde(rename = "type")]
    kind: Option<serde_json::Value>,
    actor: Option<serde_json::Value>,
}

/// What the inbox reads of a body before anything else: the activity's id, its type
/// (empty when it is not a string) and its actor as sent.
#[derive(Debug)]
pub struct Peek {
    pub id: Url,
    pub kind: String,
    pub actor: Option<serde_json::Value>,
}

impl Peek {
    /// Whether [`InboxActivity`] reads this type; others are acknowledged and ignored.
    pub fn is_accepted_type(&self) -> bool {
        ACCEPTED_TYPES.contains(&self.kind.as_str())
    }
}

/// Why a body was refused before its signature was looked at (answered with 400).
#[derive(Debug, thiserror::Error)]
pub enum Unreadable {
    #[error("the body is not a JSON activity")]
    NotJson(#[source] serde_json::Error),
    #[error("the activity has no id")]
    NoId,
}

/// Reads a body as the inbox does first, with no network or database. Pure, so that the
/// fuzz target `inbox_activity` exercises the inbox's own code.
pub fn peek(body: &[u8]) -> Result<Peek, Unreadable> {
    let raw: RawPeek = serde_json::from_slice(body).map_err(Unreadable::NotJson)?;
    let id = raw.id.ok_or(Unreadable::NoId)?;
    let kind = raw
        .kind
        .as_ref()
        .and_then(|k| k.as_str())
        .unwrap_or_default()
        .to_owned();
    Ok(Peek {
        id,
        kind,
        actor: raw.actor,
    })
}

/// Reads an activity of an accepted type as the federation library does before it
/// verifies the signature (its `receive_activity` parses the same way).
pub fn parse_activity(body: &[u8]) -> Result<InboxActivity, serde_json::Error> {
    serde_json::from_slice(body)
}

/// How far ahead of our clock a signed `Date` may be.
const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

/// How long a draft-cavage signature stays valid, as the federation library has it.
const SIGNATURE_LIFETIME: Duration = Duration::from_secs(3600);

/// The library checks that the signature is valid and not expired; we also require it to
/// cover the request line, the host, the body digest and a time, and refuse dates from
/// the future, so that a signature is bound to this request at this time.
pub fn signature_covers_enough(headers: &axum::http::HeaderMap) -> Result<(), &'static str> {
    let signature = headers
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .ok_or("the request is not signed")?;
    let covered = signature
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .find(|(name, _)| name.trim() == "headers")
        .map(|(_, value)| value.trim().trim_matches('"').to_ascii_lowercase())
        .unwrap_or_else(|| "date".into());
    let covered: Vec<&str> = covered.split_whitespace().collect();
    let has = |name: &str| covered.contains(&name);
    if !(has("(request-target)")
        && has("host")
        && has("digest")
        && (has("date") || has("(created)")))
    {
        return Err("the signature must cover (request-target), host, digest and date");
    }
    if let Some(date) = headers.get("date").and_then(|v| v.to_str().ok()) {
        let date = chrono::DateTime::parse_from_rfc2822(date)
            .map_err(|_| "the Date header is not an HTTP date")?;
        if (date.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds()
            > MAX_CLOCK_SKEW_SECONDS
        {
            return Err("the Date header is in the future");
        }
    }
    Ok(())
}

/// Reads the draft-cavage signature as the library will, so that a malformed, expired or
/// undecodable one is answered 401 here rather than 400 from the library's generic error.
fn signature_readable(parts: &Parts, state: &AppState) -> Result<(), String> {
    let uri = original_uri(parts);
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
    cavage_signature_readable(
        parts.method.as_str(),
        path,
        &parts.headers,
        &state.config.instance.domain,
    )
}

/// [`signature_readable`] without the request around it: `domain` stands in for a
/// missing `Host`. Pure, for the fuzz target `signature_headers`.
pub fn cavage_signature_readable(
    method: &str,
    path_and_query: &str,
    headers: &axum::http::HeaderMap,
    domain: &str,
) -> Result<(), String> {
    let mut fields = BTreeMap::new();
    for (name, value) in headers {
        if let Ok(value) = value.to_str() {
            fields.insert(name.to_string(), value.to_owned());
        }
    }
    fields
        .entry("host".to_owned())
        .or_insert_with(|| domain.to_owned());
    let unverified = http_signature_normalization::Config::new()
        .set_expiration(SIGNATURE_LIFETIME)
        .require_digest()
        .begin_verify(method, path_and_query, fields)
        .map_err(|e| e.to_string())?;
    STANDARD
        .decode(unverified.signature())
        .map(|_| ())
        .map_err(|_| "the signature is not base64".to_owned())
}

/// The URI as the peer sent it, before routing.
fn original_uri(parts: &Parts) -> &axum::http::Uri {
    parts
        .extensions
        .get::<OriginalUri>()
        .map(|original| &original.0)
        .unwrap_or(&parts.uri)
}

/// `POST /inbox`, `/c/{name}/inbox` and `/u/{name}/inbox`.
pub async fn receive(data: Data<AppState>, request: Request) -> Response {
    let state = data.app_data();
    let limit = state.config.http.body_limit_bytes;
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return answer(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the activity is larger than this inbox accepts",
        );
    };
    let peek = match peek(&bytes) {
        Ok(peek) => peek,
        Err(e) => {
            if let Unreadable::NotJson(cause) = &e {
                tracing::info!(error = %cause, "inbox: unreadable JSON");
            }
            return answer(StatusCode::BAD_REQUEST, &e.to_string());
        }
    };
    let id = peek.id.clone();
    // Before the type check and the signature: a blocked peer learns nothing more, and
    // gets 403 rather than the 401 that would invite it to retry with other signatures.
    if let Some(origin) = super::policy::blocked_origin(state, &id, peek.actor.as_ref()).await {
        tracing::info!(%id, %origin, "inbox: refused by federation policy");
        return answer(
            StatusCode::FORBIDDEN,
            "this server does not federate with yours",
        );
    }
    if let Some(peer) = id.host_str()
        && state
            .limiter
            .check_key(crate::rate_limit::Limit::Inbox, peer)
            .is_err()
    {
        tracing::info!(%peer, "inbox: peer over its rate limit");
        let mut response = answer(
            StatusCode::TOO_MANY_REQUESTS,
            "too many activities from your server; retry later",
        );
        response
            .headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("30"));
        return response;
    }
    let kind = peek.kind.clone();
    if !peek.is_accepted_type() {
        tracing::info!(%id, %kind, "inbox: activity type not handled; ignored");
        return answer(
            StatusCode::ACCEPTED,
            "accepted; this activity type changes nothing here",
        );
    }
    let seen = {
        let id = id.to_string();
        state
            .db
            .read(move |conn| db::federation::activity_seen(conn, &id))
            .await
    };
    match seen {
        Ok(true) => return answer(StatusCode::ACCEPTED, "already received"),
        Ok(false) => {}
        Err(e) => return e.into_response(),
    }
    if parts.headers.contains_key("signature-input") {
        let outcome = receive_rfc9421(&data, &parts, &bytes, &id).await;
        return finish(state, &id, &kind, outcome).await;
    }
    if let Err(reason) = signature_covers_enough(&parts.headers)
        .map_err(str::to_owned)
        .and_then(|()| signature_readable(&parts, state))
    {
        tracing::info!(%id, %reason, "inbox: signature refused");
        return answer(StatusCode::UNAUTHORIZED, &reason);
    }
    let request = Request::from_parts(parts, Body::from(bytes));
    let activity = match ActivityData::from_request(request, &()).await {
        Ok(activity) => activity,
        Err(response) => return response,
    };
    let outcome = receive_activity::<InboxActivity, ApActor, AppState>(activity, &data).await;
    finish(state, &id, &kind, outcome).await
}

/// Records the id of an activity received, or answers why it was refused.
async fn finish(state: &AppState, id: &Url, kind: &str, outcome: Result<(), FedError>) -> Response {
    match outcome {
        Ok(()) => {
            let key = id.to_string();
            if let Err(e) = state
                .db
                .write(move |conn| db::federation::record_activity(conn, &key))
                .await
            {
                tracing::warn!(error = %e, %id, "inbox: could not record the activity id");
            }
            tracing::debug!(%id, %kind, "inbox: received");
            answer(StatusCode::ACCEPTED, "accepted")
        }
        Err(e) => {
            tracing::info!(%id, %kind, error = %e, "inbox: refused");
            e.into_response()
        }
    }
}

/// An activity signed the RFC 9421 way, taken in the library's order for draft-cavage:
/// digest, activity, actor, signature, then the activity's own checks.
async fn receive_rfc9421(
    data: &Data<AppState>,
    parts: &Parts,
    body: &[u8],
    id: &Url,
) -> Result<(), FedError> {
    let state = data.app_data();
    // Behind a reverse proxy the wire scheme is not ours; the configured public one is.
    let scheme = if state.config.instance.https {
        "https"
    } else {
        "http"
    };
    let authority = parts
        .headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .unwrap_or(&state.config.instance.domain);
    let target = rfc9421::Target {
        method: &parts.method,
        uri: original_uri(parts),
        headers: &parts.headers,
        scheme,
        authority,
    };
    let signature =
        rfc9421::prepare(&target, chrono::Utc::now().timestamp()).map_err(unverified)?;
    rfc9421::check_content_digest(&parts.headers, body).map_err(unverified)?;
    let activity: InboxActivity =
        serde_json::from_slice(body).map_err(|err| LibError::ParseReceivedActivity {
            err,
            id: Some(id.clone()),
        })?;
    check_ids(&state.config, &activity)?;
    let signer = signature.signer().map_err(unverified)?;
    if &signer != activity.actor() {
        return Err(FedError::Unverified(
            "the signature's keyid is not a key of the activity's actor".into(),
        ));
    }
    let actor = ObjectId::<ApActor>::from(signer).dereference(data).await?;
    signature
        .verify(actor.public_key_pem())
        .map_err(unverified)?;
    tracing::debug!(%id, label = %signature.label, "inbox: RFC 9421 signature verified");
    activity.verify(data).await?;
    activity.receive(data).await
}

fn unverified(reason: rfc9421::Refusal) -> FedError {
    FedError::Unverified(reason.to_string())
}

/// What the library checks of an activity's id before it fetches the actor, which it
/// keeps to itself: on the actor's host, a scheme we accept, not ours, and without an
/// explicit port outside development. (The federation policy was asked already.)
/// Pure, for the fuzz target `inbox_activity`.
pub fn check_ids(config: &Config, activity: &InboxActivity) -> Result<(), FedError> {
    let id = activity.id();
    verify_domains_match(id, activity.actor())?;
    match id.scheme() {
        "https" => {}
        "http" if super::setup::allows_plain_http(config) => {}
        _ => return Err(LibError::UrlVerificationError("Invalid url scheme").into()),
    }
    let authority = &id[url::Position::BeforeHost..url::Position::AfterPort];
    if authority.eq_ignore_ascii_case(&config.instance.domain) {
        return Err(LibError::UrlVerificationError("Activity was sent from local instance").into());
    }
    if !config.federation.allow_private_addresses && id.port().is_some() {
        return Err(LibError::UrlVerificationError("Explicit port is not allowed").into());
    }
    Ok(())
}
