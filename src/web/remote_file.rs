//! `GET /remote-file?url=…`: a file of a private community on another server, for one
//! of our members of it (see `services::remote_files`).

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::render::WebError;
use super::session::Viewer;
use crate::services;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct RemoteFileQuery {
    url: String,
}

/// Fetched for the signed-in member with a request signed as them.
pub async fn remote_file(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<RemoteFileQuery>,
) -> Result<Response, WebError> {
    let actor = viewer.actor.ok_or(WebError::SignInFirst)?;
    let response = services::remote_files::fetch(&state, &actor, &query.url).await?;
    Ok(crate::api::documents::remote_file_response(response))
}
