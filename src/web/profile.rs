//! A member's public profile page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::render::{Layout, WebError, render};
use super::session::Viewer;
use super::views::Time;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    display_name: String,
    handle: String,
    role: String,
    interests: String,
    bio_html: String,
    joined: Time,
    /// The viewer is looking at their own profile.
    own: bool,
    blog: Vec<BlogItem>,
    more_blog: Option<String>,
}

struct BlogItem {
    id: i64,
    title: String,
    created: Time,
    comments: i32,
}

#[derive(serde::Deserialize, Default)]
struct BlogQuery {
    blog: Option<String>,
}

/// `GET /u/{name}` for browsers.
pub async fn show_member(
    state: &AppState,
    viewer: Viewer,
    name: &str,
    uri: &axum::http::Uri,
) -> Result<Response, WebError> {
    let p = services::accounts::profile(state, name).await?;
    let display_name = p.display_name.clone().unwrap_or_else(|| p.name.clone());
    let own = viewer.actor.as_ref().is_some_and(|a| a.person_id == p.id);
    let mut layout =
        Layout::new(state, &viewer, display_name.clone()).with_feed(format!("/u/{}/feed", p.name));
    if own {
        layout = layout.in_section("account");
    }
    let role = [&p.job_title, &p.organisation, &p.region]
        .iter()
        .filter_map(|v| v.as_deref())
        .collect::<Vec<_>>()
        .join(", ");
    let params = crate::pagination::PageParams {
        cursor: super::views::query::<BlogQuery>(uri).blog,
        limit: Some(10),
    };
    let (_, posts) = services::blogs::list(state, &p.name, params).await?;
    let blog = posts
        .items
        .iter()
        .map(|b| BlogItem {
            id: b.id,
            title: b.title.clone(),
            created: Time::new(b.created_at),
            comments: b.comment_count,
        })
        .collect();
    let page = ProfilePage {
        blog,
        more_blog: posts.next_cursor,
        layout,
        display_name,
        handle: p.name,
        role,
        interests: p.interests.unwrap_or_default(),
        // Sanitised when stored.
        bio_html: p.bio_html,
        joined: Time::new(p.created_at),
        own,
    };
    Ok(render(state, &viewer, StatusCode::OK, &page))
}
