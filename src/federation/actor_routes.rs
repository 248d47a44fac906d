//! Actors and objects at the same URLs as their pages: JSON for federation, HTML otherwise.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::objects::{self, GroupObject, InstanceObject, PersonObject};
use super::urls::Urls;
use super::{ActivityJson, wants_activity_json};
use crate::error::{AppError, AppResult};
use crate::services;
use crate::state::AppState;
use crate::web::{Viewer, WebError};

pub fn router(state: AppState) -> Router<AppState> {
    // Objects and collections need a signed fetch in secure mode; actors never do.
    let objects = Router::new()
        .route("/u/{name}/outbox", get(person_outbox))
        .route("/u/{name}/followers", get(person_followers))
        .route("/c/{name}/followers", get(group_followers))
        .route("/c/{name}/moderators", get(group_moderators))
        .route("/c/{name}/featured", get(group_featured))
        .route("/c/{name}/outbox", get(group_outbox))
        .route("/post/{id}", get(post))
        .route("/comment/{id}", get(comment))
        .route("/blog/{id}", get(blog_post))
        .route("/blog-comment/{id}", get(blog_comment))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            super::secure::require_signed_fetch,
        ));
    Router::new()
        .route("/", get(instance))
        .route("/u/{name}", get(person))
        .route("/c/{name}", get(group))
        .merge(objects)
}

/// Maps "gone" to a `Tombstone` with 410, the way ActivityPub peers expect.
fn or_tombstone(
    result: AppResult<Response>,
    id: AppResult<url::Url>,
    former_type: &str,
) -> Response {
    match result {
        Ok(response) => response,
        Err(AppError::Gone(_)) => match id {
            Ok(id) => (
                StatusCode::GONE,
                ActivityJson(objects::tombstone(&id, former_type)),
            )
                .into_response(),
            Err(e) => e.into_response(),
        },
        Err(e) => e.into_response(),
    }
}

/// The page a browser gets, or the error page when it cannot have it. The visitor is
/// worked out only here, so federation requests pay nothing for it.
async fn html<F>(state: &AppState, headers: &HeaderMap, page: impl FnOnce(Viewer) -> F) -> Response
where
    F: std::future::Future<Output = Result<Response, WebError>>,
{
    let result = match Viewer::load(state, headers).await {
        Ok(viewer) => page(viewer).await,
        Err(e) => Err(e),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn instance(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> AppResult<Response> {
    if !wants_activity_json(&headers) {
        return Ok(html(&state, &headers, |v| crate::web::show_home(&state, v, &uri)).await);
    }
    let keys = services::actors::instance_keys(&state).await?;
    let config = &state.config;
    let actor = InstanceObject::build(
        &Urls::new(config),
        &config.instance.domain,
        &state.settings.current().name,
        keys.public_key,
    )?;
    Ok(ActivityJson(actor).into_response())
}

async fn person(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
) -> Response {
    if !wants_activity_json(&headers) {
        return html(&state, &headers, |v| {
            crate::web::show_member(&state, v, &name, &uri)
        })
        .await;
    }
    let urls = Urls::new(&state.config);
    let result = async {
        let p = services::actors::local_person(&state, &name).await?;
        Ok(ActivityJson(PersonObject::build(&urls, &p)?).into_response())
    }
    .await;
    or_tombstone(result, urls.person(&name), "Person")
}

async fn person_outbox(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let p = services::accounts::profile(&state, &name).await?;
    let id = Urls::new(&state.config).person_part(&p.name, "outbox")?;
    // Members publish nothing of their own yet; their community posts reach peers
    // through the community.
    Ok(ActivityJson(objects::ordered_collection(&id, 0, Some(Vec::new()))).into_response())
}

/// How many people on other servers follow a member's profile; the list stays private.
async fn person_followers(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let p = services::accounts::profile(&state, &name).await?;
    let id = Urls::new(&state.config).person_part(&p.name, "followers")?;
    let person_id = p.id;
    let total = state
        .db
        .read(move |conn| crate::db::federation::person_follower_count(conn, person_id))
        .await?;
    let total = usize::try_from(total).unwrap_or(0);
    Ok(ActivityJson(objects::ordered_collection(&id, total, None)).into_response())
}

async fn group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    uri: Uri,
) -> Response {
    if !wants_activity_json(&headers) {
        return html(&state, &headers, |v| {
            crate::web::show_community(&state, v, &name, &uri)
        })
        .await;
    }
    let urls = Urls::new(&state.config);
    let result = async {
        let c = services::actors::local_community(&state, &name).await?;
        Ok(ActivityJson(GroupObject::build(&urls, &c)?).into_response())
    }
    .await;
    or_tombstone(result, urls.community(&name), "Group")
}

async fn group_followers(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let d = services::communities::get(&state, None, &name).await?;
    let id = Urls::new(&state.config).community_part(&d.community.name, "followers")?;
    let total = usize::try_from(d.member_count).unwrap_or(0);
    Ok(ActivityJson(objects::ordered_collection(&id, total, None)).into_response())
}

async fn group_moderators(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let urls = Urls::new(&state.config);
    let d = services::communities::get(&state, None, &name).await?;
    let items = d
        .moderators
        .iter()
        .map(|p| objects::person_id(&urls, p).map(|u| json!(u)))
        .collect::<AppResult<Vec<_>>>()?;
    let id = urls.community_part(&d.community.name, "moderators")?;
    Ok(ActivityJson(objects::ordered_collection(&id, items.len(), Some(items))).into_response())
}

async fn group_featured(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let urls = Urls::new(&state.config);
    let d = services::communities::get(&state, None, &name).await?;
    let id = urls.community_part(&d.community.name, "featured")?;
    // A private community shows nothing to an anonymous fetch.
    services::communities::require_public_content(&state, &d.community.name).await?;
    let (_, pinned) = services::actors::community_collections(&state, &d.community).await?;
    let mut items = Vec::new();
    for post in &pinned {
        let detail = services::posts::get(&state, None, post.id).await?;
        let mut object = objects::thread(
            &urls,
            &detail.post,
            &detail.author,
            &detail.community,
            poll_of(&detail),
            detail.event.as_ref(),
        )?;
        with_document(&state, &urls, &mut object, &detail).await?;
        items.push(object);
    }
    Ok(ActivityJson(objects::ordered_collection(&id, items.len(), Some(items))).into_response())
}

async fn group_outbox(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let urls = Urls::new(&state.config);
    let d = services::communities::get(&state, None, &name).await?;
    let id = urls.community_part(&d.community.name, "outbox")?;
    // A new follower's server backfills from here: the latest threads, as the community
    // announced them. Private communities show nothing to an anonymous fetch.
    services::communities::require_public_content(&state, &d.community.name).await?;
    let page = services::posts::list(
        &state,
        None,
        &d.community.name,
        crate::db::content::PostSort::New,
        crate::pagination::PageParams::default(),
    )
    .await?;
    let group = urls.community(&d.community.name)?;
    let mut items = Vec::new();
    for detail in &page.items {
        let mut page_json = objects::thread(
            &urls,
            &detail.post,
            &detail.author,
            &detail.community,
            poll_of(detail),
            detail.event.as_ref(),
        )?;
        with_document(&state, &urls, &mut page_json, detail).await?;
        let post_id = objects::post_id(&urls, &detail.post)?;
        let author = objects::person_id(&urls, &detail.author)?;
        items.push(serde_json::json!({
            "id": format!("{post_id}/announce"),
            "type": "Announce",
            "actor": group,
            "object": {
                "id": format!("{post_id}/create"),
                "type": "Create",
                "actor": author,
                "object": page_json,
            },
        }));
    }
    Ok(ActivityJson(objects::ordered_collection(&id, items.len(), Some(items))).into_response())
}

/// Adds the file of a thread that is a library document, as anonymous readers see it.
async fn with_document(
    state: &AppState,
    urls: &Urls,
    object: &mut serde_json::Value,
    detail: &services::posts::PostDetail,
) -> AppResult<()> {
    if let Some(document) = services::library::for_post(state, None, detail.post.id).await? {
        objects::attach_document(urls, object, &detail.community, &document.current)?;
    }
    Ok(())
}

async fn post(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    if !wants_activity_json(&headers) {
        return html(&state, &headers, |v| crate::web::show_thread(&state, v, id)).await;
    }
    let urls = Urls::new(&state.config);
    let result = async {
        let d = services::posts::get(&state, None, id).await?;
        let mut object = objects::thread(
            &urls,
            &d.post,
            &d.author,
            &d.community,
            poll_of(&d),
            d.event.as_ref(),
        )?;
        with_document(&state, &urls, &mut object, &d).await?;
        Ok(ActivityJson(object).into_response())
    }
    .await;
    or_tombstone(result, urls.post(id), "Page")
}

/// A thread's poll with its counts, for its `Question`.
fn poll_of(
    d: &services::posts::PostDetail,
) -> Option<(
    &crate::db::models::DbPoll,
    &[crate::db::models::DbPollOption],
)> {
    d.poll.as_ref().map(|p| (&p.row, p.options.as_slice()))
}

async fn comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if !wants_activity_json(&headers) {
        return html(&state, &headers, |v| {
            crate::web::show_comment(&state, v, id)
        })
        .await;
    }
    let urls = Urls::new(&state.config);
    let result = async {
        let c = services::actors::comment_context(&state, id).await?;
        if c.comment.deleted || c.comment.removed {
            return Err(AppError::Gone("this comment is gone".into()));
        }
        Ok(ActivityJson(objects::note(
            &urls,
            &c.comment,
            &c.author,
            &c.post,
            c.parent.as_ref(),
            &c.community,
        )?)
        .into_response())
    }
    .await;
    or_tombstone(result, urls.comment(id), "Note")
}

/// A member's blog post: its `Article`, or its page.
async fn blog_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if !wants_activity_json(&headers) {
        return html(&state, &headers, |v| {
            crate::web::show_blog_post(&state, v, id)
        })
        .await;
    }
    let urls = Urls::new(&state.config);
    let result = async {
        let d = services::blogs::get(&state, id).await?;
        if d.author.domain.is_some() {
            return Err(AppError::NotFound("blog post"));
        }
        Ok(ActivityJson(objects::article(&urls, &d.post, &d.author)?).into_response())
    }
    .await;
    or_tombstone(result, urls.blog_post(id), "Article")
}

/// A comment on a blog post: its `Note`, or the post's page at the comment.
async fn blog_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if !wants_activity_json(&headers) {
        return match services::blogs::comment_post(&state, id).await {
            Ok(post) => crate::web::render::see_other(&format!("/blog/{post}#comment-{id}")),
            Err(e) => WebError::from(e).into_response(),
        };
    }
    let urls = Urls::new(&state.config);
    let result = async {
        let c = services::blogs::comment_detail(&state, id).await?;
        if c.comment.deleted || c.author.domain.is_some() {
            return Err(AppError::Gone("this comment is gone".into()));
        }
        let object = objects::blog_note(&urls, &c.comment, &c.author, &c.post, &c.post_author)?;
        Ok(ActivityJson(object).into_response())
    }
    .await;
    or_tombstone(result, urls.blog_comment(id), "Note")
}
