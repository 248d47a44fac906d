//! `/c/{name}/manage/reports`: what members reported, with the way to resolve a report or
//! remove what it is about.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::super::render::{Layout, WebError, render, see_other};
use super::super::session::{CheckedForm, Viewer};
use super::super::views::{CommunityView, PersonView, Time, query};
use crate::pagination::PageParams;
use crate::services;
use crate::services::moderation::ReportDetail;
use crate::state::AppState;

/// A report as the page lists it.
struct ReportView {
    id: i64,
    /// `a thread` or `a reply`.
    what: &'static str,
    title: String,
    href: String,
    /// The reported reply's text, sanitised when stored.
    excerpt_html: Option<String>,
    /// Where "Remove content" goes, or `None` when it is already removed or deleted.
    remove: Option<String>,
    reporter: PersonView,
    reason: String,
    created: Time,
}

impl ReportView {
    fn new(d: ReportDetail) -> ReportView {
        let r = &d.report;
        let (what, href, excerpt_html, gone, remove) = match &d.comment {
            Some(c) => (
                "a reply",
                format!("/post/{}#comment-{}", d.post.id, c.id),
                Some(c.body_html.clone()),
                c.removed || c.deleted,
                format!("/comment/{}/remove?report={}", c.id, r.id),
            ),
            None => (
                "a thread",
                format!("/post/{}", d.post.id),
                None,
                d.post.removed || d.post.deleted,
                format!("/post/{}/remove?report={}", d.post.id, r.id),
            ),
        };
        ReportView {
            id: r.id,
            what,
            title: d.post.title.clone(),
            href,
            excerpt_html,
            remove: (!gone).then_some(remove),
            reporter: PersonView::new(&d.reporter),
            reason: r.reason.clone(),
            created: Time::new(r.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "manage/reports.html")]
struct ReportsPage {
    layout: Layout,
    community: CommunityView,
    current: &'static str,
    reports: Vec<ReportView>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
struct ReportsQuery {
    cursor: Option<String>,
}

/// `GET /c/{name}/manage/reports`: open reports, oldest first.
pub async fn show_reports(
    State(state): State<AppState>,
    Path(name): Path<String>,
    uri: Uri,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let (actor, d) = super::facilitator(&state, &viewer, &name).await?;
    let q: ReportsQuery = query(&uri);
    let params = PageParams {
        cursor: q.cursor,
        limit: Some(50),
    };
    let reports = services::moderation::report_details(&state, actor, &name, false, params).await?;
    let page = ReportsPage {
        layout: Layout::new(&state, &viewer, format!("Reports in {}", d.community.title))
            .in_section("communities"),
        community: CommunityView::new(&d.community),
        current: "reports",
        reports: reports.items.into_iter().map(ReportView::new).collect(),
        next: reports.next_cursor,
    };
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct ResolveForm {
    report: i64,
}

/// `POST /c/{name}/manage/reports/resolve`
pub async fn resolve_report(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<ResolveForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    services::moderation::resolve(&state, actor, form.report).await?;
    Ok(see_other(&format!("{}/reports", super::home(&name))))
}
