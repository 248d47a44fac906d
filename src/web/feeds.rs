//! Atom feeds of a community's newest threads and of the threads a member started, for
//! feed readers. They are public: a private or restricted community has none, and a
//! member's feed holds only what they posted in public communities.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;

use super::render::WebError;
use crate::db::content::PostSort;
use crate::db::models::{DbCommunity, DbPerson, DbPost};
use crate::error::AppError;
use crate::federation::urls::Urls;
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

/// How many entries a feed holds.
const ENTRIES: i64 = 20;

struct Entry {
    id: String,
    title: String,
    link: String,
    author: String,
    author_uri: String,
    published: String,
    updated: String,
    /// A content warning, given as the summary; the body follows it in `content`.
    summary: Option<String>,
    content_html: String,
    category: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed {
    id: String,
    title: String,
    subtitle: String,
    link: String,
    self_link: String,
    updated: String,
    entries: Vec<Entry>,
}

fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn author_name(person: &DbPerson) -> String {
    let name = person
        .display_name
        .clone()
        .unwrap_or_else(|| person.name.clone());
    match &person.domain {
        None => name,
        Some(domain) => format!("{name} ({}@{domain})", person.name),
    }
}

fn entry(
    urls: &Urls,
    post: &DbPost,
    author: &DbPerson,
    community: &DbCommunity,
) -> Result<Entry, AppError> {
    let link = urls.post(post.id)?.to_string();
    let author_uri = match &author.domain {
        None => urls.person(&author.name)?.to_string(),
        Some(_) => author.ap_id.clone().unwrap_or_default(),
    };
    Ok(Entry {
        id: post.ap_id.clone().unwrap_or_else(|| link.clone()),
        title: post.title.clone(),
        link,
        author: author_name(author),
        author_uri,
        published: rfc3339(post.created_at),
        updated: rfc3339(post.updated_at.unwrap_or(post.created_at)),
        summary: post.content_warning.clone(),
        // Sanitised when stored.
        content_html: post.body_html.clone(),
        category: community.title.clone(),
    })
}

fn atom(feed: &Feed) -> Response {
    match feed.render() {
        Ok(xml) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            )],
            xml,
        )
            .into_response(),
        Err(e) => WebError::App(AppError::Internal(e.into())).into_response(),
    }
}

/// `GET /c/{name}/feed`: the newest threads of a public community here.
pub async fn community_feed(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let community = services::communities::get(&state, None, &name)
        .await?
        .community;
    if community.domain.is_some() || community.visibility != "public" {
        return Err(WebError::NotFound);
    }
    let params = PageParams {
        cursor: None,
        limit: Some(ENTRIES),
    };
    let page = services::posts::list(&state, None, &name, PostSort::New, params).await?;
    let urls = Urls::new(&state.config);
    let entries = page
        .items
        .iter()
        .filter(|p| !p.post.removed && !p.post.deleted)
        .map(|p| entry(&urls, &p.post, &p.author, &p.community))
        .collect::<Result<Vec<_>, _>>()?;
    let link = urls.community(&community.name)?.to_string();
    let feed = Feed {
        updated: entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| rfc3339(community.created_at)),
        id: link.clone(),
        title: community.title.clone(),
        subtitle: format!(
            "New threads in {} on {}",
            community.title,
            state.settings.current().name
        ),
        self_link: format!("{link}/feed"),
        link,
        entries,
    };
    Ok(atom(&feed))
}

/// `GET /u/{name}/feed`: the threads a member here started in public communities.
pub async fn member_feed(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let member = services::accounts::profile(&state, &name).await?;
    let posts = services::posts::by_member(&state, &member, ENTRIES).await?;
    let urls = Urls::new(&state.config);
    let entries = posts
        .iter()
        .map(|(post, community)| entry(&urls, post, &member, community))
        .collect::<Result<Vec<_>, _>>()?;
    let link = urls.person(&member.name)?.to_string();
    let display = author_name(&member);
    let feed = Feed {
        updated: entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| rfc3339(member.created_at)),
        id: link.clone(),
        title: display.clone(),
        subtitle: format!(
            "Threads {display} started on {}",
            state.settings.current().name
        ),
        self_link: format!("{link}/feed"),
        link,
        entries,
    };
    Ok(atom(&feed))
}
