//! Downloading a library document's file: the address its thread's `Document`
//! attachment carries to other servers, and the one the library pages link to.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::render::WebError;
use super::session::Viewer;
use crate::services;
use crate::state::AppState;

/// `GET /c/{name}/files/{id}/v/{version}`
pub async fn download_document(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((name, id, version)): Path<(String, i64, i32)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let document = services::library::get(&state, viewer.actor.as_ref(), id).await?;
    if document.community.name != name {
        return Err(WebError::NotFound);
    }
    let (found, body) =
        services::library::download(&state, viewer.actor.as_ref(), id, version).await?;
    Ok(crate::api::documents::file_response(&found, body, &headers))
}
