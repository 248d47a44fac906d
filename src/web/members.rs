//! The member directory: find peers on this instance by name, role, organisation or region.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render};
use super::session::Viewer;
use super::views::{self, Errors, FieldError, query};
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

/// A member as the directory lists them.
struct MemberEntry {
    name: String,
    display_name: String,
    /// Job title, organisation and region, as far as given.
    role: String,
    interests: String,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    layout: Layout,
    errors: Errors,
    q: String,
    members: Vec<MemberEntry>,
    /// The next page's link, when there is one.
    more: Option<String>,
}

#[derive(Deserialize, Default)]
struct MembersQuery {
    q: Option<String>,
    cursor: Option<String>,
}

/// `GET /members?q=…`: for signed-in members.
pub async fn list_members(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let member = viewer.member()?;
    let MembersQuery { q, cursor } = query(&uri);
    let q = q.unwrap_or_default().trim().to_owned();
    let params = PageParams {
        cursor,
        limit: None,
    };
    let text = (!q.is_empty()).then_some(q.as_str());
    let (members, next, errors, status) =
        match services::accounts::directory(&state, member, text, params).await {
            Ok(page) => {
                let members = page
                    .items
                    .iter()
                    .map(|p| MemberEntry {
                        name: p.name.clone(),
                        display_name: p.display_name.clone().unwrap_or_else(|| p.name.clone()),
                        role: [&p.job_title, &p.organisation, &p.region]
                            .iter()
                            .filter_map(|v| v.as_deref())
                            .collect::<Vec<_>>()
                            .join(", "),
                        interests: p.interests.clone().unwrap_or_default(),
                    })
                    .collect();
                (members, page.next_cursor, Errors::default(), StatusCode::OK)
            }
            Err(e) if e.status().is_client_error() => {
                let mut error = FieldError::from_app(&e, "q");
                error.field = "q";
                (Vec::new(), None, Errors::one(error), e.status())
            }
            Err(e) => return Err(e.into()),
        };
    let page = MembersPage {
        layout: Layout::new(&state, &viewer, "Members").in_section("members"),
        errors,
        more: views::next_page_link("/members", &q, next),
        q,
        members,
    };
    Ok(render(&state, &viewer, status, &page))
}
