//! Secure mode (authorized fetch): with `federation.secure_mode`, threads, comments and
//! collections are served to federation clients only on a valid signed GET from a peer we
//! federate with. Actor documents stay public, since peers fetch them to learn our keys.

use std::collections::BTreeMap;
use std::time::Duration;

use activitypub_federation::config::{Data, FederationConfig};
use activitypub_federation::error::Error as LibError;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Actor;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs8::DecodePublicKey;
use sha2::{Digest, Sha256};
use url::Url;

use super::actors::ApActor;
use super::error::FedError;
use crate::state::AppState;

/// Refuses unsigned or badly signed fetches of objects when secure mode is on.
pub async fn require_signed_fetch(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !state.config.federation.secure_mode || !super::wants_activity_json(request.headers()) {
        return next.run(request).await;
    }
    let Some(federation) = request
        .extensions()
        .get::<FederationConfig<AppState>>()
        .cloned()
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let data = federation.to_request_data();
    let (method, uri, headers) = (
        request.method().clone(),
        request.uri().clone(),
        request.headers().clone(),
    );
    match verify_signed_get(&data, &method, &uri, &headers).await {
        Ok(signer) => {
            tracing::debug!(%signer, path = %request.uri(), "signed fetch");
            next.run(request).await
        }
        Err(e) => {
            tracing::info!(error = %e, path = %request.uri(), "unsigned or unverifiable fetch refused (secure mode)");
            (
                StatusCode::UNAUTHORIZED,
                "sign your fetch: this server runs in secure mode",
            )
                .into_response()
        }
    }
}

/// Checks a GET's draft-cavage signature against its signer's published key, and that we
/// federate with the signer's server. Returns the signer's id.
pub async fn verify_signed_get(
    data: &Data<AppState>,
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    request_headers: &axum::http::HeaderMap,
) -> Result<Url, FedError> {
    let state = data.app_data();
    let mut headers = BTreeMap::new();
    for (name, value) in request_headers {
        if let Ok(value) = value.to_str() {
            headers.insert(name.to_string(), value.to_owned());
        }
    }
    headers
        .entry("host".to_owned())
        .or_insert_with(|| state.config.instance.domain.clone());
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let unverified = http_signature_normalization::Config::new()
        .set_expiration(Duration::from_secs(3600))
        .begin_verify(method.as_str(), path, headers)
        .map_err(|_| LibError::ActivitySignatureInvalid)?;
    let key_id = unverified.key_id();
    let signer = Url::parse(key_id.split('#').next().unwrap_or(key_id)).map_err(LibError::from)?;
    if super::policy::blocked_origin(state, &signer, None)
        .await
        .is_some()
    {
        return Err(FedError::refused(
            "this server does not federate with the signer's",
        ));
    }
    let actor = ObjectId::<ApActor>::from(signer.clone())
        .dereference(data)
        .await?;
    let key = rsa::RsaPublicKey::from_public_key_pem(actor.public_key_pem())
        .map_err(|_| LibError::ActivitySignatureInvalid)?;
    let valid = unverified.verify(|signature, signing_string| {
        STANDARD.decode(signature).is_ok_and(|signature| {
            key.verify(
                rsa::Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signing_string.as_bytes()),
                &signature,
            )
            .is_ok()
        })
    });
    if valid {
        Ok(signer)
    } else {
        Err(LibError::ActivitySignatureInvalid.into())
    }
}
