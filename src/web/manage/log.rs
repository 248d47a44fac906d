//! `/c/{name}/manage/log`: what the community's facilitators did, newest first.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::super::render::{Layout, WebError, render};
use super::super::session::Viewer;
use super::super::views::{CommunityView, Time, query};
use crate::db::models::DbModAction;
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

/// One line of the log as the page shows it.
struct EntryView {
    at: Time,
    facilitator: String,
    action: String,
    target: Option<String>,
    /// The thread or reply acted on.
    link: Option<String>,
    reason: Option<String>,
}

/// What a logged action says in the page's words.
fn describe(action: &str) -> String {
    match action {
        "update_community" => "Changed the settings",
        "approve_member" => "Approved a request to join",
        "reject_member" => "Rejected a request to join",
        "add_moderator" => "Made a facilitator",
        "remove_moderator" => "Stopped a facilitator",
        "ban" => "Banned",
        "unban" => "Lifted a ban",
        "resolve_report" => "Resolved a report",
        "pin_post" => "Pinned a thread",
        "unpin_post" => "Unpinned a thread",
        "lock_post" => "Locked a thread",
        "unlock_post" => "Unlocked a thread",
        "remove_post" => "Removed a thread",
        "restore_post" => "Restored a thread",
        "remove_comment" => "Removed a reply",
        "restore_comment" => "Restored a reply",
        other => return other.replace('_', " "),
    }
    .to_owned()
}

impl EntryView {
    fn new((a, facilitator, target): (DbModAction, String, Option<String>)) -> EntryView {
        let link = match (a.post_id, a.comment_id) {
            (Some(post), Some(comment)) => Some(format!("/post/{post}#comment-{comment}")),
            (Some(post), None) => Some(format!("/post/{post}")),
            (None, Some(comment)) => Some(format!("/comment/{comment}")),
            (None, None) => None,
        };
        EntryView {
            at: Time::new(a.created_at),
            facilitator,
            action: describe(&a.action),
            target,
            link,
            reason: a.reason,
        }
    }
}

#[derive(Template)]
#[template(path = "manage/log.html")]
struct LogPage {
    layout: Layout,
    community: CommunityView,
    current: &'static str,
    entries: Vec<EntryView>,
    older: Option<String>,
}

#[derive(Deserialize, Default)]
struct LogQuery {
    cursor: Option<String>,
}

/// `GET /c/{name}/manage/log?cursor=…`
pub async fn show_log(
    State(state): State<AppState>,
    Path(name): Path<String>,
    uri: Uri,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let (actor, d) = super::facilitator(&state, &viewer, &name).await?;
    let q: LogQuery = query(&uri);
    let params = PageParams {
        cursor: q.cursor,
        limit: Some(50),
    };
    let log = services::moderation::log(&state, Some(actor), &name, params).await?;
    let page = LogPage {
        layout: Layout::new(
            &state,
            &viewer,
            format!("Moderation log of {}", d.community.title),
        )
        .in_section("communities"),
        community: CommunityView::new(&d.community),
        current: "log",
        entries: log.items.into_iter().map(EntryView::new).collect(),
        older: log.next_cursor,
    };
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}
