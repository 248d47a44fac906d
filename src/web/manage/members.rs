//! `/c/{name}/manage/members`: join requests to approve or reject, the members, and who
//! facilitates.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::super::render::{Layout, WebError, render, see_other};
use super::super::session::{CheckedForm, Viewer};
use super::super::views::{CommunityView, Errors, FieldError, PersonView, Time, query};
use crate::error::AppResult;
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;
use crate::types::MembershipState;

/// A member or a request as the page lists it.
struct MemberView {
    person: PersonView,
    since: Time,
    facilitator: bool,
}

#[derive(Template)]
#[template(path = "manage/members.html")]
struct MembersPage {
    layout: Layout,
    community: CommunityView,
    current: &'static str,
    errors: Errors,
    pending: Vec<MemberView>,
    members: Vec<MemberView>,
    facilitators: Vec<PersonView>,
    next: Option<String>,
}

/// The member a button acts on: `name`, or `name@host` for someone from another server.
#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    member: String,
}

#[derive(Deserialize, Default)]
struct MembersQuery {
    cursor: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    status: StatusCode,
    errors: Errors,
    cursor: Option<String>,
) -> Result<Response, WebError> {
    let (actor, d) = super::facilitator(state, viewer, name).await?;
    let list = |which, cursor| {
        let params = PageParams {
            cursor,
            limit: Some(100),
        };
        services::communities::members(state, Some(actor), name, which, params)
    };
    let pending = list(MembershipState::Pending, None).await?;
    let members = list(MembershipState::Accepted, cursor).await?;
    let facilitator_ids: Vec<i64> = d.moderators.iter().map(|p| p.id).collect();
    let view =
        |(m, p): (crate::db::models::DbMembership, crate::db::models::DbPerson)| MemberView {
            person: PersonView::new(&p),
            since: Time::new(m.created_at),
            facilitator: facilitator_ids.contains(&p.id),
        };
    let page = MembersPage {
        layout: Layout::new(state, viewer, format!("Members of {}", d.community.title))
            .in_section("communities"),
        community: CommunityView::new(&d.community),
        current: "members",
        errors,
        pending: pending.items.into_iter().map(view).collect(),
        members: members.items.into_iter().map(view).collect(),
        facilitators: d.moderators.iter().map(PersonView::new).collect(),
        next: members.next_cursor,
    };
    Ok(render(state, viewer, status, &page))
}

/// `GET /c/{name}/manage/members`
pub async fn show_members(
    State(state): State<AppState>,
    Path(name): Path<String>,
    uri: Uri,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let q: MembersQuery = query(&uri);
    page(
        &state,
        &viewer,
        &name,
        StatusCode::OK,
        Errors::default(),
        q.cursor,
    )
    .await
}

/// Back to the page after a change; a refusal (say, removing the last facilitator) shows
/// in the error summary.
async fn finish(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    done: AppResult<()>,
) -> Result<Response, WebError> {
    match done {
        Ok(()) => Ok(see_other(&format!("{}/members", super::home(name)))),
        Err(e) if e.status().is_client_error() && e.status() != StatusCode::FORBIDDEN => {
            let errors = Errors::one(FieldError {
                field: "members-title",
                message: super::super::render::upper_first(&e.to_string()),
            });
            page(state, viewer, name, e.status(), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /c/{name}/manage/members/approve`
pub async fn approve_member(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<MemberForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let done =
        services::communities::decide_request(&state, actor, &name, &form.member, true).await;
    finish(&state, &viewer, &name, done).await
}

/// `POST /c/{name}/manage/members/reject`
pub async fn reject_member(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<MemberForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let done =
        services::communities::decide_request(&state, actor, &name, &form.member, false).await;
    finish(&state, &viewer, &name, done).await
}

/// `POST /c/{name}/manage/facilitators/add`
pub async fn add_facilitator(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<MemberForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let done = services::communities::add_moderator(&state, actor, &name, &form.member).await;
    finish(&state, &viewer, &name, done).await
}

/// `POST /c/{name}/manage/facilitators/remove`
pub async fn remove_facilitator(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<MemberForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let done = services::communities::remove_moderator(&state, actor, &name, &form.member).await;
    finish(&state, &viewer, &name, done).await
}
