//! A facilitator removing a thread or a reply, with the reason the moderation log keeps.
//! Reached from the thread's page or from a report, which it resolves too.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer};
use super::views::{CommunityView, Errors, FieldError, PersonView, query};
use crate::error::{AppError, AppResult};
use crate::services::posts::ModAction;
use crate::services::{self, Actor};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "remove.html")]
struct RemovePage {
    layout: Layout,
    errors: Errors,
    /// `thread` or `reply`.
    what: &'static str,
    title: String,
    author: String,
    action: String,
    back: String,
    reason: String,
    report: Option<i64>,
}

#[derive(Deserialize, Default)]
pub struct FromReport {
    report: Option<i64>,
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    reason: String,
    report: Option<i64>,
}

/// What is being removed: a thread, or a reply in one.
#[derive(Clone, Copy)]
enum Target {
    Post(i64),
    Comment(i64),
}

/// What the page names: the kind of content, its thread's title, its author and where
/// "Cancel" goes. Only the community's facilitators get the form.
async fn describe(
    state: &AppState,
    viewer: &Viewer,
    target: Target,
) -> Result<(&'static str, String, String, String), WebError> {
    let actor = viewer.member()?;
    let (what, post, author, back) = match target {
        Target::Post(id) => {
            let d = services::posts::get(state, Some(actor), id).await?;
            let author = PersonView::new(&d.author).handle;
            ("thread", d, author, format!("/post/{id}"))
        }
        Target::Comment(id) => {
            let c = services::comments::get(state, Some(actor), id).await?;
            let d = services::posts::get(state, Some(actor), c.comment.post_id).await?;
            let back = format!("/post/{}#comment-{id}", c.comment.post_id);
            ("reply", d, PersonView::new(&c.author).handle, back)
        }
    };
    let community = CommunityView::new(&post.community);
    if !services::communities::moderates(state, actor, &community.handle).await? {
        return Err(AppError::denied(
            "not_moderator",
            "only this community's facilitators can do that",
        )
        .into());
    }
    Ok((what, post.post.title, author, back))
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    target: Target,
    errors: Errors,
    form: RemoveForm,
) -> Result<Response, WebError> {
    let (what, title, author, back) = describe(state, viewer, target).await?;
    let action = match target {
        Target::Post(id) => format!("/post/{id}/remove"),
        Target::Comment(id) => format!("/comment/{id}/remove"),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = RemovePage {
        layout: Layout::new(state, viewer, format!("Remove a {what}")).in_section("communities"),
        errors,
        what,
        title,
        author,
        action,
        back,
        reason: form.reason,
        report: form.report,
    };
    Ok(render(state, viewer, status, &page))
}

/// Removes the content; returns its community's address and where the content was.
async fn apply(
    state: &AppState,
    actor: &Actor,
    target: Target,
    reason: String,
) -> AppResult<(String, String)> {
    match target {
        Target::Post(id) => {
            let d =
                services::posts::moderate(state, actor, id, ModAction::Remove(true), Some(reason))
                    .await?;
            Ok((CommunityView::new(&d.community).href, format!("/post/{id}")))
        }
        Target::Comment(id) => {
            let c = services::comments::remove(state, actor, id, true, Some(reason)).await?;
            let post = c.comment.post_id;
            let d = services::posts::get(state, Some(actor), post).await?;
            Ok((
                CommunityView::new(&d.community).href,
                format!("/post/{post}#comment-{id}"),
            ))
        }
    }
}

/// Removes the content, resolves the report it came from, and says where to go next.
async fn remove(
    state: &AppState,
    viewer: &Viewer,
    target: Target,
    form: RemoveForm,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    if form.reason.trim().is_empty() {
        let error = FieldError {
            field: "reason",
            message: "Enter why you are removing it".to_owned(),
        };
        return page(state, viewer, target, Errors::one(error), form).await;
    }
    let (community, back) = match apply(state, actor, target, form.reason.clone()).await {
        Ok(done) => done,
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let errors = Errors::one(FieldError::from_app(&e, "reason"));
            return page(state, viewer, target, errors, form).await;
        }
        Err(e) => return Err(e.into()),
    };
    let Some(report) = form.report else {
        return Ok(see_other(&back));
    };
    match services::moderation::resolve(state, actor, report).await {
        // Another facilitator may have resolved it first; the removal stands either way.
        Ok(_) => {}
        Err(e) if e.code() == "already_resolved" => {}
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("{community}/manage/reports")))
}

/// `GET /post/{id}/remove?report=…`
pub async fn remove_thread_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    uri: Uri,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let q: FromReport = query(&uri);
    let form = RemoveForm {
        reason: String::new(),
        report: q.report,
    };
    page(&state, &viewer, Target::Post(id), Errors::default(), form).await
}

/// `POST /post/{id}/remove`
pub async fn remove_thread(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<RemoveForm>,
) -> Result<Response, WebError> {
    remove(&state, &viewer, Target::Post(id), form).await
}

/// `GET /comment/{id}/remove?report=…`
pub async fn remove_comment_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    uri: Uri,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let q: FromReport = query(&uri);
    let form = RemoveForm {
        reason: String::new(),
        report: q.report,
    };
    page(
        &state,
        &viewer,
        Target::Comment(id),
        Errors::default(),
        form,
    )
    .await
}

/// `POST /comment/{id}/remove`
pub async fn remove_comment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<RemoveForm>,
) -> Result<Response, WebError> {
    remove(&state, &viewer, Target::Comment(id), form).await
}
