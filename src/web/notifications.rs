//! The signed-in member's notifications page, and marking them read.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer};
use super::views::{PersonView, Time, query};
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

struct NotificationItem {
    id: i64,
    summary: String,
    link: String,
    actor: Option<PersonView>,
    created: Time,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    items: Vec<NotificationItem>,
    unread: i64,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
struct NotificationsQuery {
    cursor: Option<String>,
}

/// `GET /notifications`
pub async fn show_notifications(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let NotificationsQuery { cursor } = query(&uri);
    let params = PageParams {
        cursor,
        limit: Some(50),
    };
    let page = services::notifications::list(&state, actor, false, params).await?;
    let unread = services::notifications::unread_count(&state, actor).await?;
    let items = page
        .items
        .iter()
        .map(|d| NotificationItem {
            id: d.notification.id,
            summary: d.notification.summary.clone(),
            link: d.notification.link.clone(),
            actor: d.actor.as_ref().map(PersonView::new),
            created: Time::new(d.notification.created_at),
            unread: d.notification.read_at.is_none(),
        })
        .collect();
    let page = NotificationsPage {
        layout: Layout::new(&state, &viewer, "Notifications").in_section("notifications"),
        items,
        unread,
        next: page.next_cursor,
    };
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct MarkForm {}

/// `POST /notifications/read`: marks them all read.
pub async fn mark_all_read(
    State(state): State<AppState>,
    CheckedForm(viewer, _): CheckedForm<MarkForm>,
) -> Result<Response, WebError> {
    services::notifications::mark_all_read(&state, viewer.member()?).await?;
    Ok(see_other("/notifications"))
}

/// `POST /notifications/{id}/read`: marks one read.
pub async fn mark_read(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, _): CheckedForm<MarkForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    services::notifications::mark_read(&state, actor, id).await?;
    Ok(see_other("/notifications"))
}
