//! ActivityPub: actors and objects served by content negotiation on the same URLs as the
//! pages, WebFinger, NodeInfo and host-meta. Protocol types live in `objects` and are
//! built explicitly from database rows.

pub mod activities;
pub mod actors;
pub mod check;
pub mod content;
pub mod delivery;
pub mod error;
pub mod inbox;
pub mod nodeinfo;
pub mod objects;
pub mod policy;
pub mod rfc9421;
pub mod secure;
pub mod setup;
pub mod urls;

mod actor_routes;
mod discovery;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;

/// The media type of ActivityPub documents.
pub const ACTIVITY_JSON: &str = "application/activity+json";

pub fn router(state: AppState) -> Router<AppState> {
    let inboxes = Router::new()
        .route("/inbox", axum::routing::post(inbox::receive))
        .route("/c/{name}/inbox", axum::routing::post(inbox::receive))
        .route("/u/{name}/inbox", axum::routing::post(inbox::receive));
    actor_routes::router(state)
        .merge(discovery::router())
        .merge(inboxes)
}

/// Whether the client asked for ActivityPub JSON rather than a page.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let part = part.trim().to_ascii_lowercase();
            part.starts_with(ACTIVITY_JSON)
                || (part.starts_with("application/ld+json")
                    && part.contains("https://www.w3.org/ns/activitystreams"))
        })
}

/// An ActivityPub document with its media type; it varies with `Accept`.
pub struct ActivityJson<T>(pub T);

impl<T: Serialize> IntoResponse for ActivityJson<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => {
                let mut response = body.into_response();
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/activity+json; charset=utf-8"),
                );
                headers.insert(header::VARY, HeaderValue::from_static("Accept"));
                response
            }
            Err(e) => AppError::Internal(e.into()).into_response(),
        }
    }
}
