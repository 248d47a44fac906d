//! How other servers find us: WebFinger, NodeInfo 2.1 and host-meta.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

use super::urls::Urls;
use crate::config::SignupMode;
use crate::error::{AppError, AppResult};
use crate::services::{self, actors::ActorKind};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/2.1", get(nodeinfo))
        .route("/.well-known/host-meta", get(host_meta))
}

fn with_type(body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: Option<String>,
}

/// Which local name a WebFinger resource asks for: `acct:name@domain`, or an actor URL.
fn requested_name(resource: &str, urls: &Urls, domain: &str) -> AppResult<String> {
    if let Some(acct) = resource.strip_prefix("acct:") {
        let acct = acct.strip_prefix('@').unwrap_or(acct);
        let (name, host) = acct.rsplit_once('@').ok_or_else(|| {
            AppError::bad_request("invalid_resource", "expected acct:name@domain")
        })?;
        if !host.eq_ignore_ascii_case(domain) {
            return Err(AppError::NotFound("actor"));
        }
        return Ok(name.to_owned());
    }
    let base = urls.instance()?;
    let url = url::Url::parse(resource).map_err(|_| {
        AppError::bad_request(
            "invalid_resource",
            "expected acct:name@domain or an actor URL",
        )
    })?;
    if url.origin() != base.origin() {
        return Err(AppError::NotFound("actor"));
    }
    let path = url.path();
    path.strip_prefix("/u/")
        .or_else(|| path.strip_prefix("/c/"))
        .map(str::to_owned)
        .ok_or(AppError::NotFound("actor"))
}

async fn webfinger(
    State(state): State<AppState>,
    Query(q): Query<WebfingerQuery>,
) -> AppResult<Response> {
    let resource = q.resource.ok_or_else(|| {
        AppError::bad_request("invalid_resource", "the resource parameter is missing")
    })?;
    let domain = &state.config.instance.domain;
    let urls = Urls::new(&state.config);
    let name = requested_name(&resource, &urls, domain)?;
    // The instance actor answers to acct:domain@domain, as Mastodon's does.
    let (id, kind) = if name.eq_ignore_ascii_case(domain) {
        (urls.instance()?, "Application")
    } else {
        match services::actors::kind_of(&state, &name).await? {
            ActorKind::Person => (urls.person(&name.to_lowercase())?, "Person"),
            ActorKind::Community => (urls.community(&name.to_lowercase())?, "Group"),
        }
    };
    let body = json!({
        "subject": format!("acct:{}@{domain}", name.to_lowercase()),
        "aliases": [id],
        "links": [
            {
                "rel": "self",
                "type": "application/activity+json",
                "href": id,
                "properties": {"https://www.w3.org/ns/activitystreams#type": kind}
            },
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": id}
        ]
    });
    Ok(with_type(body.to_string(), "application/jrd+json"))
}

async fn nodeinfo_links(State(state): State<AppState>) -> Response {
    let body = json!({"links": [{
        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
        "href": format!("{}/nodeinfo/2.1", state.config.base_url())
    }]});
    with_type(body.to_string(), "application/json")
}

async fn nodeinfo(State(state): State<AppState>) -> AppResult<Response> {
    let (users, posts, comments) = services::actors::usage(&state).await?;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "guildhall",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": matches!(state.settings.current().signup_mode, SignupMode::Open | SignupMode::Approval),
        "usage": {
            "users": {"total": users},
            "localPosts": posts,
            "localComments": comments
        },
        "metadata": {"nodeName": state.settings.current().name}
    });
    Ok(with_type(
        body.to_string(),
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
    ))
}

async fn host_meta(State(state): State<AppState>) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" template=\"{}/.well-known/webfinger?resource={{uri}}\"/>\n</XRD>\n",
        state.config.base_url()
    );
    with_type(body, "application/xrd+xml; charset=utf-8")
}
