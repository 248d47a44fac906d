//! Downloading a library document's file: the address its thread's `Document`
//! attachment carries to other servers, and the one the library pages link to. Another
//! server's member of a private community gets it on a GET signed as them.

use activitypub_federation::config::Data;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;

use super::render::WebError;
use super::session::Viewer;
use crate::services;
use crate::services::library::Reader;
use crate::state::AppState;

/// `GET /c/{name}/files/{id}/v/{version}`
pub async fn download_document(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((name, id, version)): Path<(String, i64, i32)>,
    data: Data<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    // A signature that does not verify (or a signer we cannot fetch) is no reason to
    // refuse a public file: the request then counts as anonymous.
    let signer = match viewer.actor {
        None if headers.contains_key("signature") => {
            crate::federation::secure::verify_signed_get(&data, &Method::GET, &uri, &headers)
                .await
                .inspect_err(|e| {
                    tracing::info!(error = %e, path = %uri, "unverifiable signed file fetch");
                })
                .ok()
        }
        _ => None,
    };
    let reader = match signer {
        Some(signer) => Reader::Signer(signer),
        None => Reader::Member(viewer.actor),
    };
    let (found, body) =
        services::library::download(&state, reader, Some(&name), id, version).await?;
    Ok(crate::api::documents::file_response(&found, body, &headers))
}
