//! Downloading a library document's file: the address its thread's `Document`
//! attachment carries to other servers, and the one the library pages link to. Another
//! server's member of a private community gets it on a GET signed as them; and our
//! members get files of other servers' private communities through `/remote-file`.

use activitypub_federation::config::Data;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::WebError;
use super::session::Viewer;
use crate::error::AppError;
use crate::services;
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
    if viewer.actor.is_none() && headers.contains_key("signature") {
        let signer =
            crate::federation::secure::verify_signed_get(&data, &Method::GET, &uri, &headers)
                .await
                .map_err(|e| {
                    tracing::info!(error = %e, path = %uri, "unverifiable signed file fetch");
                    AppError::BadCredentials {
                        code: "invalid_signature",
                        message: "the request's signature could not be verified".into(),
                    }
                })?;
        let (found, body) =
            services::library::download_for_remote(&state, &signer, &name, id, version).await?;
        return Ok(crate::api::documents::file_response(&found, body, &headers));
    }
    let document = services::library::get(&state, viewer.actor.as_ref(), id).await?;
    if document.community.name != name {
        return Err(WebError::NotFound);
    }
    let (found, body) =
        services::library::download(&state, viewer.actor.as_ref(), id, version).await?;
    Ok(crate::api::documents::file_response(&found, body, &headers))
}

#[derive(Deserialize)]
pub struct RemoteFileQuery {
    url: String,
}

/// `GET /remote-file?url=…`: a file of a private community on another server, fetched
/// for the signed-in member with a request signed as them.
pub async fn remote_file(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<RemoteFileQuery>,
) -> Result<Response, WebError> {
    let actor = viewer.actor.ok_or(WebError::SignInFirst)?;
    let response = services::remote_files::fetch(&state, &actor, &query.url).await?;
    Ok(crate::api::documents::remote_file_response(response))
}
