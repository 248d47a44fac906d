//! Comments: threaded replies, editing, deleting, removal and votes.

use std::collections::HashMap;

use crate::db::content::CommentChanges;
use crate::db::models::{DbComment, DbPerson, DbPost, NewComment, NewModAction, NewNotification};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::urls::Urls;
use crate::markdown;
use crate::pagination::{Page, PageParams, page};
use crate::services::federation::{Change, VoteTarget, federate_comment, federate_vote};
use crate::services::permissions::Access;
use crate::services::posts::{BODY_MAX, check_score};
use crate::services::{Actor, text_field};
use crate::state::AppState;

/// A comment with its author and the viewer's vote. Deleted and removed comments keep
/// their place in the tree with their text withheld.
#[derive(Debug)]
pub struct CommentDetail {
    pub comment: DbComment,
    pub author: DbPerson,
    pub my_vote: i32,
}

fn thread(conn: &mut DbConn, post_id: i64, viewer: Option<&Actor>) -> AppResult<(DbPost, Access)> {
    let (post, access) = crate::services::posts::load(conn, post_id, viewer)?;
    if post.deleted {
        return Err(AppError::Gone("this thread has been deleted".into()));
    }
    if post.removed && !access.moderator {
        return Err(AppError::Gone(
            "this thread was removed by a facilitator".into(),
        ));
    }
    Ok((post, access))
}

/// Replies to a thread, or to a comment in it when `parent_id` is given.
#[tracing::instrument(skip_all, fields(post_id))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    post_id: i64,
    parent_id: Option<i64>,
    body: &str,
) -> AppResult<CommentDetail> {
    let body = text_field("body", body, 1, BODY_MAX)?;
    let body_html = markdown::render(&body);
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, access) = thread(conn, post_id, Some(&actor))?;
            access.require_participate()?;
            if post.locked && !access.moderator {
                return Err(AppError::denied(
                    "thread_locked",
                    "this thread is locked; no new replies",
                ));
            }
            let depth = match parent_id {
                None => 0,
                Some(parent_id) => {
                    let parent = db::content::comment(conn, parent_id)?
                        .filter(|c| c.post_id == post_id)
                        .ok_or(AppError::NotFound("parent comment"))?;
                    if parent.deleted || parent.removed {
                        return Err(AppError::Gone(
                            "the comment you are replying to is gone".into(),
                        ));
                    }
                    parent.depth + 1
                }
            };
            let id = db::content::insert_comment(
                conn,
                &NewComment {
                    post_id,
                    parent_id,
                    author_id: actor.person_id,
                    ap_id: None,
                    body: &body,
                    body_html: &body_html,
                    depth,
                    created_at: db::now(),
                },
            )?;
            federate_comment(conn, &urls, id, Change::Create)?;
            let comment = db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
            crate::services::notifications::on_comment(conn, &urls, &comment, &post)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

fn detail(conn: &mut DbConn, id: i64, viewer: Option<&Actor>) -> AppResult<CommentDetail> {
    let comment = db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
    let author = db::persons::person(conn, comment.author_id)?;
    let my_vote = match viewer {
        Some(v) => db::content::my_comment_votes(conn, v.person_id, &[id])?
            .first()
            .map_or(0, |(_, s)| *s),
        None => 0,
    };
    Ok(CommentDetail {
        comment,
        author,
        my_vote,
    })
}

/// Loads a live comment with its thread and the viewer's standing.
fn load(conn: &mut DbConn, id: i64, actor: &Actor) -> AppResult<(DbComment, Access)> {
    let comment = db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
    let (_, access) = thread(conn, comment.post_id, Some(actor))?;
    if comment.deleted {
        return Err(AppError::Gone("this comment has been deleted".into()));
    }
    Ok((comment, access))
}

pub async fn get(state: &AppState, viewer: Option<&Actor>, id: i64) -> AppResult<CommentDetail> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| {
            let comment = db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
            let (_, access) = thread(conn, comment.post_id, viewer.as_ref())?;
            let mut detail = detail(conn, id, viewer.as_ref())?;
            withhold(&mut detail.comment, &access);
            Ok(detail)
        })
        .await
}

/// A page of a thread's comments, oldest first; each names its parent.
pub async fn list(
    state: &AppState,
    viewer: Option<&Actor>,
    post_id: i64,
    params: PageParams,
) -> AppResult<Page<CommentDetail>> {
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let viewer = viewer.cloned();
    let rows = state
        .db
        .read(move |conn| {
            let (_, access) = thread(conn, post_id, viewer.as_ref())?;
            let rows = db::content::list_comments(conn, post_id, after, limit + 1)?;
            let votes: HashMap<i64, i32> = match &viewer {
                Some(v) => {
                    let ids: Vec<i64> = rows.iter().map(|(c, _)| c.id).collect();
                    db::content::my_comment_votes(conn, v.person_id, &ids)?
                        .into_iter()
                        .collect()
                }
                None => HashMap::new(),
            };
            Ok(rows
                .into_iter()
                .map(|(mut comment, author)| {
                    withhold(&mut comment, &access);
                    CommentDetail {
                        my_vote: votes.get(&comment.id).copied().unwrap_or(0),
                        comment,
                        author,
                    }
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(page(rows, limit, |d| [d.comment.id]))
}

/// Blanks the text of deleted comments, and of removed ones for all but facilitators.
fn withhold(comment: &mut DbComment, access: &Access) {
    if comment.deleted || (comment.removed && !access.moderator) {
        comment.body.clear();
        comment.body_html.clear();
    }
}

/// Edits a comment. Only its author may.
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    id: i64,
    body: &str,
) -> AppResult<CommentDetail> {
    let body = text_field("body", body, 1, BODY_MAX)?;
    let changes = CommentChanges {
        body_html: Some(markdown::render(&body)),
        body: Some(body),
        updated_at: Some(db::now()),
        ..Default::default()
    };
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (comment, _) = load(conn, id, &actor)?;
            require_author(&comment, &actor)?;
            if comment.removed {
                return Err(AppError::denied(
                    "removed",
                    "a removed comment cannot be edited",
                ));
            }
            db::content::update_comment(conn, id, &changes)?;
            federate_comment(conn, &urls, id, Change::Update)?;
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Deletes a comment. Only its author may; replies to it stay.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (comment, _) = load(conn, id, &actor)?;
            require_author(&comment, &actor)?;
            let changes = CommentChanges {
                deleted: Some(true),
                updated_at: Some(db::now()),
                ..Default::default()
            };
            db::content::update_comment(conn, id, &changes)?;
            federate_comment(conn, &urls, id, Change::Delete)
        })
        .await
}

/// Removes (or restores) a comment as a facilitator, with a reason for the log.
pub async fn remove(
    state: &AppState,
    actor: &Actor,
    id: i64,
    removed: bool,
    reason: Option<String>,
) -> AppResult<CommentDetail> {
    let reason = reason
        .map(|r| text_field("reason", &r, 0, 1000))
        .transpose()?
        .filter(|r| !r.is_empty());
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (comment, access) = load(conn, id, &actor)?;
            access.require_moderator()?;
            let changes = CommentChanges {
                removed: Some(removed),
                ..Default::default()
            };
            db::content::update_comment(conn, id, &changes)?;
            if removed {
                crate::services::notifications::on_moderation(
                    conn,
                    NewNotification {
                        recipient_id: comment.author_id,
                        actor_id: Some(actor.person_id),
                        summary: format!(
                            "A facilitator of {} removed your comment{}",
                            access.community.title,
                            reason
                                .as_deref()
                                .map(|r| format!(": {r}"))
                                .unwrap_or_default()
                        ),
                        link: format!("/post/{}#comment-{id}", comment.post_id),
                        community_id: Some(access.community.id),
                        post_id: Some(comment.post_id),
                        comment_id: Some(id),
                        ..Default::default()
                    },
                )?;
            }
            db::moderation::log_action(
                conn,
                &NewModAction {
                    community_id: Some(access.community.id),
                    moderator_id: actor.person_id,
                    action: if removed {
                        "remove_comment"
                    } else {
                        "restore_comment"
                    },
                    target_person_id: Some(comment.author_id),
                    post_id: Some(comment.post_id),
                    comment_id: Some(id),
                    reason: reason.as_deref(),
                    created_at: db::now(),
                },
            )?;
            let object = crate::federation::objects::comment_id(&urls, &comment)?;
            crate::services::federation::federate_moderation(
                conn,
                &urls,
                &access.community,
                actor.person_id,
                crate::services::federation::Moderation {
                    kind: "Remove",
                    object: &object,
                    undo: !removed,
                    reason: reason.as_deref(),
                },
            )?;
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Votes +1 or -1 on a comment, or 0 to withdraw the vote.
pub async fn vote(
    state: &AppState,
    actor: &Actor,
    id: i64,
    score: i32,
) -> AppResult<CommentDetail> {
    check_score(score)?;
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (comment, access) = load(conn, id, &actor)?;
            if comment.removed {
                return Err(AppError::Gone(
                    "this comment was removed by a facilitator".into(),
                ));
            }
            access.require_participate()?;
            let old = db::federation::current_comment_vote(conn, id, actor.person_id)?;
            db::content::set_comment_vote(conn, id, actor.person_id, score)?;
            federate_vote(
                conn,
                &urls,
                VoteTarget::Comment(id),
                actor.person_id,
                old,
                score,
            )?;
            detail(conn, id, Some(&actor))
        })
        .await
}

fn require_author(comment: &DbComment, actor: &Actor) -> AppResult<()> {
    if comment.author_id == actor.person_id {
        Ok(())
    } else {
        Err(AppError::denied(
            "not_author",
            "only the author can do that",
        ))
    }
}
