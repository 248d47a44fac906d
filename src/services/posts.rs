//! Threads: starting, reading, editing, deleting, pinning, locking, removing and voting.

use std::collections::HashMap;

use crate::db::content::{PostChanges, PostKey, PostSort};
use crate::db::models::{DbCommunity, DbPerson, DbPost, NewModAction, NewPost};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::urls::Urls;
use crate::markdown;
use crate::pagination::{Page, PageParams, page};
use crate::services::communities::access;
use crate::services::federation::{Change, VoteTarget, federate_post, federate_vote};
use crate::services::permissions::Access;
use crate::services::{Actor, text_field};
use crate::state::AppState;

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 50_000;

/// A thread with its author and the viewer's vote.
#[derive(Debug)]
pub struct PostDetail {
    pub post: DbPost,
    pub author: DbPerson,
    pub community: DbCommunity,
    pub my_vote: i32,
    /// The thread's poll as the viewer sees it, if it has one.
    pub poll: Option<crate::services::polls::Poll>,
    /// The event the thread is, if it is one.
    pub event: Option<crate::db::models::DbEvent>,
}

/// What a new or edited thread holds.
#[derive(Debug, Default)]
pub struct PostInput {
    pub title: Option<String>,
    pub body: Option<String>,
    /// `Some(None)` clears the link.
    pub url: Option<Option<String>>,
    /// A warning shown before the body; `Some(None)` or an empty one clears it.
    pub content_warning: Option<Option<String>>,
    /// A poll for a new thread; ignored on edits (a poll does not change once asked).
    pub poll: Option<crate::services::polls::PollInput>,
}

/// Maximum length of a content warning.
pub const WARNING_MAX: usize = 200;

/// A content warning as given: trimmed, `None` when empty.
fn warning(input: Option<String>) -> AppResult<Option<String>> {
    match input.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(w) => Ok(Some(text_field("content_warning", w, 1, WARNING_MAX)?)),
    }
}

fn parse_url(url: &str) -> AppResult<String> {
    let url = url.trim();
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && url.len() <= 2000 => Ok(u.to_string()),
        _ => Err(AppError::bad_request(
            "invalid_url",
            "the link must be an http or https address",
        )),
    }
}

/// Starts a thread in a community.
#[tracing::instrument(skip_all, fields(community = %community))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    community: &str,
    input: PostInput,
) -> AppResult<PostDetail> {
    let title = text_field("title", input.title.as_deref().unwrap_or(""), 1, TITLE_MAX)?;
    let body = text_field("body", input.body.as_deref().unwrap_or(""), 0, BODY_MAX)?;
    let url = input
        .url
        .flatten()
        .filter(|u| !u.trim().is_empty())
        .map(|u| parse_url(&u))
        .transpose()?;
    let body_html = markdown::render(&body);
    let content_warning = warning(input.content_warning.flatten())?;
    let poll = input.poll.map(|p| p.check()).transpose()?;
    let (community, actor) = (community.to_owned(), actor.clone());
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &community, Some(&actor))?;
            access.require_start_thread()?;
            let id = db::content::insert_post(
                conn,
                &NewPost {
                    community_id: access.community.id,
                    author_id: actor.person_id,
                    ap_id: None,
                    title: &title,
                    url: url.as_deref(),
                    body: &body,
                    body_html: &body_html,
                    content_warning: content_warning.as_deref(),
                    created_at: db::now(),
                },
            )?;
            if let Some(poll) = &poll {
                crate::services::polls::insert(conn, id, poll)?;
            }
            federate_post(conn, &urls, id, Change::Create)?;
            let post = db::content::post(conn, id)?.ok_or(AppError::NotFound("thread"))?;
            crate::services::notifications::on_thread(conn, &urls, &post)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Loads a thread and the viewer's standing in its community.
pub(crate) fn load(
    conn: &mut DbConn,
    id: i64,
    viewer: Option<&Actor>,
) -> AppResult<(DbPost, Access)> {
    let post = db::content::post(conn, id)?.ok_or(AppError::NotFound("thread"))?;
    let community = db::communities::by_id(conn, post.community_id)?;
    let access = Access::load(conn, community, viewer)?;
    access.require_read()?;
    Ok((post, access))
}

/// Refuses threads that are deleted, or removed for anyone but facilitators.
pub(crate) fn require_visible(post: &DbPost, access: &Access) -> AppResult<()> {
    if post.deleted {
        return Err(AppError::Gone("this thread has been deleted".into()));
    }
    if post.removed && !access.moderator {
        return Err(AppError::Gone(
            "this thread was removed by a facilitator".into(),
        ));
    }
    Ok(())
}

pub(crate) fn detail(conn: &mut DbConn, id: i64, viewer: Option<&Actor>) -> AppResult<PostDetail> {
    let (post, access) = load(conn, id, viewer)?;
    require_visible(&post, &access)?;
    let author = db::persons::person(conn, post.author_id)?;
    let my_vote = match viewer {
        Some(v) => db::content::my_post_votes(conn, v.person_id, &[post.id])?
            .first()
            .map_or(0, |(_, s)| *s),
        None => 0,
    };
    let poll = crate::services::polls::load_for(conn, &post, viewer, access.moderator)?;
    let event = db::events::event(conn, post.id)?;
    Ok(PostDetail {
        post,
        author,
        community: access.community,
        my_vote,
        poll,
        event,
    })
}

/// Fills in the events among a list of threads, in one query.
fn attach_events(conn: &mut DbConn, details: &mut [PostDetail]) -> AppResult<()> {
    let ids: Vec<i64> = details.iter().map(|d| d.post.id).collect();
    for event in crate::services::events::events_of(conn, &ids)? {
        if let Some(d) = details.iter_mut().find(|d| d.post.id == event.post_id) {
            d.event = Some(event);
        }
    }
    Ok(())
}

/// The newest threads a local member started in public communities, for their feed.
pub async fn by_member(
    state: &AppState,
    member: &DbPerson,
    limit: i64,
) -> AppResult<Vec<(DbPost, DbCommunity)>> {
    let id = member.id;
    state
        .db
        .read(move |conn| db::content::public_posts_by_author(conn, id, limit))
        .await
}

pub async fn get(state: &AppState, viewer: Option<&Actor>, id: i64) -> AppResult<PostDetail> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| detail(conn, id, viewer.as_ref()))
        .await
}

/// A page of a community's threads, pinned first.
pub async fn list(
    state: &AppState,
    viewer: Option<&Actor>,
    community: &str,
    sort: PostSort,
    params: PageParams,
) -> AppResult<Page<PostDetail>> {
    let limit = params.limit()?;
    // The middle value is the score, or for `Active` the activity time in microseconds.
    let after = params.key::<3>()?.map(|[pinned, rank, id]| PostKey {
        pinned: pinned != 0,
        score: i32::try_from(rank).unwrap_or(0),
        active_at: chrono::DateTime::from_timestamp_micros(rank).map(|t| t.naive_utc()),
        id,
    });
    let (community, viewer) = (community.to_owned(), viewer.cloned());
    let rows = state
        .db
        .read(move |conn| {
            let access = access(conn, &community, viewer.as_ref())?;
            access.require_read()?;
            let rows = db::content::list_posts(
                conn,
                access.community.id,
                sort,
                after,
                access.moderator,
                limit + 1,
            )?;
            let votes: HashMap<i64, i32> = match &viewer {
                Some(v) => {
                    let ids: Vec<i64> = rows.iter().map(|(p, _, _)| p.id).collect();
                    db::content::my_post_votes(conn, v.person_id, &ids)?
                        .into_iter()
                        .collect()
                }
                None => HashMap::new(),
            };
            let (mut details, times): (Vec<PostDetail>, Vec<_>) = rows
                .into_iter()
                .map(|(post, author, active_at)| {
                    let detail = PostDetail {
                        my_vote: votes.get(&post.id).copied().unwrap_or(0),
                        post,
                        author,
                        community: access.community.clone(),
                        poll: None,
                        event: None,
                    };
                    (detail, active_at)
                })
                .unzip();
            crate::services::polls::load_many(
                conn,
                &mut details,
                viewer.as_ref(),
                access.moderator,
            )?;
            attach_events(conn, &mut details)?;
            Ok(details.into_iter().zip(times).collect::<Vec<_>>())
        })
        .await?;
    let page = page(rows, limit, |(d, active_at)| {
        let rank = match sort {
            PostSort::Active => active_at.and_utc().timestamp_micros(),
            PostSort::New | PostSort::Top => i64::from(d.post.upvotes - d.post.downvotes),
        };
        [i64::from(d.post.pinned), rank, d.post.id]
    });
    Ok(page.map(|(d, _)| d))
}

/// A member's home feed: the newest threads of the communities they belong to.
pub async fn feed(
    state: &AppState,
    actor: &Actor,
    params: PageParams,
) -> AppResult<Page<PostDetail>> {
    let limit = params.limit()?;
    let before = params.key::<1>()?.map(|[id]| id);
    let actor = actor.clone();
    let rows = state
        .db
        .read(move |conn| {
            let rows = db::content::feed_posts(conn, actor.person_id, before, limit + 1)?;
            let ids: Vec<i64> = rows.iter().map(|(p, _, _)| p.id).collect();
            let votes: HashMap<i64, i32> = db::content::my_post_votes(conn, actor.person_id, &ids)?
                .into_iter()
                .collect();
            let mut details: Vec<PostDetail> = rows
                .into_iter()
                .map(|(post, author, community)| PostDetail {
                    my_vote: votes.get(&post.id).copied().unwrap_or(0),
                    post,
                    author,
                    community,
                    poll: None,
                    event: None,
                })
                .collect();
            crate::services::polls::load_many(conn, &mut details, Some(&actor), false)?;
            attach_events(conn, &mut details)?;
            Ok(details)
        })
        .await?;
    Ok(page(rows, limit, |d| [d.post.id]))
}

/// Edits a thread's title, body or link. Only its author may.
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: PostInput,
) -> AppResult<PostDetail> {
    let title = input
        .title
        .map(|t| text_field("title", &t, 1, TITLE_MAX))
        .transpose()?;
    let body = input
        .body
        .map(|b| text_field("body", &b, 0, BODY_MAX))
        .transpose()?;
    let url = match input.url {
        None => None,
        Some(None) => Some(None),
        Some(Some(u)) if u.trim().is_empty() => Some(None),
        Some(Some(u)) => Some(Some(parse_url(&u)?)),
    };
    let content_warning = input.content_warning.map(warning).transpose()?;
    let changes = PostChanges {
        title,
        url,
        content_warning,
        body_html: body.as_deref().map(markdown::render),
        body,
        updated_at: Some(db::now()),
        ..Default::default()
    };
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, access) = load(conn, id, Some(&actor))?;
            require_visible(&post, &access)?;
            require_author(&post, &actor)?;
            if post.removed {
                return Err(AppError::denied(
                    "removed",
                    "a removed thread cannot be edited",
                ));
            }
            db::content::update_post(conn, id, &changes)?;
            federate_post(conn, &urls, id, Change::Update)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Deletes a thread. Only its author may; facilitators remove instead.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, _) = load(conn, id, Some(&actor))?;
            if post.deleted {
                return Err(AppError::Gone("this thread has been deleted".into()));
            }
            require_author(&post, &actor)?;
            let changes = PostChanges {
                deleted: Some(true),
                updated_at: Some(db::now()),
                ..Default::default()
            };
            db::content::update_post(conn, id, &changes)?;
            federate_post(conn, &urls, id, Change::Delete)
        })
        .await
}

/// A facilitator's action on a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModAction {
    Pin(bool),
    Lock(bool),
    Remove(bool),
}

/// Pins, locks or removes a thread (or undoes it), and records it in the moderation log.
pub async fn moderate(
    state: &AppState,
    actor: &Actor,
    id: i64,
    action: ModAction,
    reason: Option<String>,
) -> AppResult<PostDetail> {
    let reason = reason
        .map(|r| text_field("reason", &r, 0, 1000))
        .transpose()?
        .filter(|r| !r.is_empty());
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, access) = load(conn, id, Some(&actor))?;
            access.require_moderator()?;
            if post.deleted {
                return Err(AppError::Gone("this thread has been deleted".into()));
            }
            let mut changes = PostChanges::default();
            let name = match action {
                ModAction::Pin(on) => {
                    changes.pinned = Some(on);
                    if on { "pin_post" } else { "unpin_post" }
                }
                ModAction::Lock(on) => {
                    changes.locked = Some(on);
                    if on { "lock_post" } else { "unlock_post" }
                }
                ModAction::Remove(on) => {
                    changes.removed = Some(on);
                    if on { "remove_post" } else { "restore_post" }
                }
            };
            db::content::update_post(conn, id, &changes)?;
            db::moderation::log_action(
                conn,
                &NewModAction {
                    community_id: Some(post.community_id),
                    moderator_id: actor.person_id,
                    action: name,
                    target_person_id: Some(post.author_id),
                    post_id: Some(id),
                    comment_id: None,
                    reason: reason.as_deref(),
                    created_at: db::now(),
                },
            )?;
            let told = match action {
                ModAction::Lock(true) => Some("locked"),
                ModAction::Remove(true) => Some("removed"),
                _ => None,
            };
            if let Some(what) = told {
                crate::services::notifications::on_moderation(
                    conn,
                    crate::db::models::NewNotification {
                        recipient_id: post.author_id,
                        actor_id: Some(actor.person_id),
                        summary: format!(
                            "A facilitator of {} {what} your thread “{}”{}",
                            access.community.title,
                            post.title,
                            reason
                                .as_deref()
                                .map(|r| format!(": {r}"))
                                .unwrap_or_default()
                        ),
                        link: format!("/post/{id}"),
                        community_id: Some(post.community_id),
                        post_id: Some(id),
                        ..Default::default()
                    },
                )?;
            }
            let federated = match action {
                ModAction::Lock(on) => Some(("Lock", !on)),
                ModAction::Remove(on) => Some(("Remove", !on)),
                // Pinning changes the featured collection: announced as Add or Remove.
                ModAction::Pin(on) => {
                    let object = crate::federation::objects::post_id(&urls, &post)?;
                    crate::services::federation::federate_collection_change(
                        conn,
                        &urls,
                        &access.community,
                        actor.person_id,
                        on,
                        &object,
                        "featured",
                    )?;
                    None
                }
            };
            if let Some((kind, undo)) = federated {
                let object = crate::federation::objects::post_id(&urls, &post)?;
                crate::services::federation::federate_moderation(
                    conn,
                    &urls,
                    &access.community,
                    actor.person_id,
                    crate::services::federation::Moderation {
                        kind,
                        object: &object,
                        undo,
                        reason: reason.as_deref(),
                    },
                )?;
            }
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Votes +1 or -1 on a thread, or 0 to withdraw the vote.
pub async fn vote(state: &AppState, actor: &Actor, id: i64, score: i32) -> AppResult<PostDetail> {
    check_score(score)?;
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, access) = load(conn, id, Some(&actor))?;
            require_visible(&post, &access)?;
            access.require_participate()?;
            let old = db::federation::current_post_vote(conn, id, actor.person_id)?;
            db::content::set_post_vote(conn, id, actor.person_id, score)?;
            federate_vote(
                conn,
                &urls,
                VoteTarget::Post(id),
                actor.person_id,
                old,
                score,
            )?;
            detail(conn, id, Some(&actor))
        })
        .await
}

pub(crate) fn check_score(score: i32) -> AppResult<()> {
    if matches!(score, -1..=1) {
        Ok(())
    } else {
        Err(AppError::bad_request(
            "invalid_score",
            "a vote is 1, -1, or 0 to withdraw it",
        ))
    }
}

fn require_author(post: &DbPost, actor: &Actor) -> AppResult<()> {
    if post.author_id == actor.person_id {
        Ok(())
    } else {
        Err(AppError::denied(
            "not_author",
            "only the author can do that",
        ))
    }
}
