//! Reports from members, the moderation log and instance-wide bans.

use crate::db::models::{
    DbComment, DbInstanceBan, DbModAction, DbPerson, DbPost, DbReport, NewModAction,
};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::urls::Urls;
use crate::pagination::{Page, PageParams, page};
use crate::services::accounts::require_admin;
use crate::services::communities::access;
use crate::services::communities::member_person;
use crate::services::permissions::Access;
use crate::services::{Actor, text_field};
use crate::state::AppState;

/// What a report is about.
#[derive(Debug, Clone, Copy)]
pub enum ReportTarget {
    Post(i64),
    Comment(i64),
}

/// Reports a thread or comment to its community's facilitators.
pub async fn report(
    state: &AppState,
    actor: &Actor,
    target: ReportTarget,
    reason: &str,
) -> AppResult<DbReport> {
    let reason = text_field("reason", reason, 1, 1000)?;
    let actor = actor.clone();
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post_id, comment_id) = match target {
                ReportTarget::Post(id) => (id, None),
                ReportTarget::Comment(id) => {
                    let comment =
                        db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
                    if comment.deleted {
                        return Err(AppError::Gone("this comment has been deleted".into()));
                    }
                    (comment.post_id, Some(id))
                }
            };
            let (post, access) = crate::services::posts::load(conn, post_id, Some(&actor))?;
            if post.deleted {
                return Err(AppError::Gone("this thread has been deleted".into()));
            }
            if access.person_id.is_none() {
                return Err(AppError::Unauthenticated);
            }
            if access.banned {
                return Err(AppError::denied(
                    "banned",
                    "you are banned from this community",
                ));
            }
            let id = db::moderation::insert_report(
                conn,
                access.community.id,
                actor.person_id,
                comment_id.is_none().then_some(post_id),
                comment_id,
                &reason,
            )?;
            // A remote community's facilitators hear of it on their own server.
            crate::services::federation::federate_report(
                conn,
                &urls,
                &access.community,
                actor.person_id,
                &post,
                comment_id,
                &reason,
            )?;
            db::moderation::report(conn, id)?.ok_or(AppError::NotFound("report"))
        })
        .await
}

/// Open (or resolved) reports in a community, for its facilitators.
pub async fn reports(
    state: &AppState,
    actor: &Actor,
    community: &str,
    resolved: bool,
    params: PageParams,
) -> AppResult<Page<DbReport>> {
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let (community, actor) = (community.to_owned(), actor.clone());
    let rows = state
        .db
        .read(move |conn| {
            let access = access(conn, &community, Some(&actor))?;
            access.require_moderator()?;
            db::moderation::reports(conn, access.community.id, resolved, after, limit + 1)
        })
        .await?;
    Ok(page(rows, limit, |r| [r.id]))
}

/// A report with what a facilitator needs to judge it: who sent it, and the thread (and
/// reply) it is about.
#[derive(Debug)]
pub struct ReportDetail {
    pub report: DbReport,
    pub reporter: DbPerson,
    pub post: DbPost,
    pub comment: Option<DbComment>,
}

/// Like [`reports`], with the reporter and the reported content of each.
pub async fn report_details(
    state: &AppState,
    actor: &Actor,
    community: &str,
    resolved: bool,
    params: PageParams,
) -> AppResult<Page<ReportDetail>> {
    let page = reports(state, actor, community, resolved, params).await?;
    let next_cursor = page.next_cursor;
    let items = state
        .db
        .read(move |conn| {
            page.items
                .into_iter()
                .map(|report| {
                    let reporter = db::persons::person(conn, report.reporter_id)?;
                    let comment = match report.comment_id {
                        Some(id) => db::content::comment(conn, id)?,
                        None => None,
                    };
                    let post_id = report
                        .post_id
                        .or(comment.as_ref().map(|c| c.post_id))
                        .ok_or(AppError::NotFound("thread"))?;
                    let post =
                        db::content::post(conn, post_id)?.ok_or(AppError::NotFound("thread"))?;
                    Ok(ReportDetail {
                        report,
                        reporter,
                        post,
                        comment,
                    })
                })
                .collect::<AppResult<Vec<_>>>()
        })
        .await?;
    Ok(Page { items, next_cursor })
}

/// Marks a report dealt with.
pub async fn resolve(state: &AppState, actor: &Actor, id: i64) -> AppResult<DbReport> {
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            let report = db::moderation::report(conn, id)?.ok_or(AppError::NotFound("report"))?;
            let community = db::communities::by_id(conn, report.community_id)?;
            Access::load(conn, community, Some(&actor))?.require_moderator()?;
            if report.resolved {
                return Err(AppError::conflict_code(
                    "already_resolved",
                    "that report is already resolved",
                ));
            }
            db::moderation::resolve_report(conn, id, actor.person_id)?;
            crate::services::communities::log(
                conn,
                &actor,
                report.community_id,
                "resolve_report",
                Some(report.reporter_id),
                None,
            )?;
            db::moderation::report(conn, id)?.ok_or(AppError::NotFound("report"))
        })
        .await
}

/// A community's moderation log, newest first, for whoever can read the community.
/// Each entry comes with the names of the facilitator and of the person acted on.
pub async fn log(
    state: &AppState,
    viewer: Option<&Actor>,
    community: &str,
    params: PageParams,
) -> AppResult<Page<(DbModAction, String, Option<String>)>> {
    let limit = params.limit()?;
    let before = params.key::<1>()?.map_or(i64::MAX, |[id]| id);
    let (community, viewer) = (community.to_owned(), viewer.cloned());
    let rows = state
        .db
        .read(move |conn| {
            let access = access(conn, &community, viewer.as_ref())?;
            access.require_read()?;
            let rows = db::moderation::mod_log(conn, access.community.id, before, limit + 1)?;
            let ids: Vec<i64> = rows
                .iter()
                .flat_map(|a| [Some(a.moderator_id), a.target_person_id])
                .flatten()
                .collect();
            let names: std::collections::HashMap<i64, String> =
                db::persons::names(conn, &ids)?.into_iter().collect();
            Ok(rows
                .into_iter()
                .map(|a| {
                    let moderator = names.get(&a.moderator_id).cloned().unwrap_or_default();
                    let target = a.target_person_id.and_then(|id| names.get(&id).cloned());
                    (a, moderator, target)
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(page(rows, limit, |(a, _, _)| [a.id]))
}

/// Bans a person from this whole instance: they take part in no community here, a member
/// of ours is signed out everywhere and cannot sign in, and the servers that hold their
/// content hear a `Block` with the instance as its target. Admins only; `member` is a
/// local name or `name@host`.
pub async fn ban_from_instance(
    state: &AppState,
    actor: &Actor,
    member: &str,
    reason: &str,
    expires_at: Option<chrono::NaiveDateTime>,
) -> AppResult<(DbInstanceBan, DbPerson)> {
    require_admin(actor)?;
    let reason = text_field("reason", reason, 1, 1000)?;
    if expires_at.is_some_and(|e| e <= db::now()) {
        return Err(AppError::invalid("expires_at must be in the future"));
    }
    let (member, actor) = (member.to_owned(), actor.clone());
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let person = member_person(conn, &member)?;
            if person.id == actor.person_id {
                return Err(AppError::denied(
                    "cannot_ban_self",
                    "you cannot ban yourself",
                ));
            }
            let user = db::persons::local_user_by_person(conn, person.id)?;
            if user.as_ref().is_some_and(|u| u.role == "admin") {
                return Err(AppError::denied(
                    "cannot_ban_admin",
                    "administrators cannot be banned; remove their role first",
                ));
            }
            db::moderation::put_instance_ban(
                conn,
                person.id,
                Some(actor.person_id),
                &reason,
                expires_at,
            )?;
            if let Some(user) = user {
                db::persons::delete_tokens_of(conn, user.id)?;
            }
            crate::services::federation::federate_instance_ban(
                conn,
                &urls,
                actor.person_id,
                &person,
                Some((&reason, expires_at)),
            )?;
            instance_log(conn, &actor, "instance_ban", person.id, Some(&reason))?;
            let ban = db::moderation::active_instance_ban(conn, person.id, db::now())?
                .ok_or(AppError::NotFound("ban"))?;
            Ok((ban, person))
        })
        .await
}

/// Lifts an instance-wide ban. Admins only.
pub async fn unban_from_instance(state: &AppState, actor: &Actor, member: &str) -> AppResult<()> {
    require_admin(actor)?;
    let (member, actor) = (member.to_owned(), actor.clone());
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let person = member_person(conn, &member)?;
            if !db::moderation::delete_instance_ban(conn, person.id)? {
                return Err(AppError::NotFound("ban"));
            }
            crate::services::federation::federate_instance_ban(
                conn,
                &urls,
                actor.person_id,
                &person,
                None,
            )?;
            instance_log(conn, &actor, "instance_unban", person.id, None)
        })
        .await
}

/// Everyone banned from this instance, including bans other servers announced for their
/// own members, in person order. Admins only.
pub async fn instance_bans(
    state: &AppState,
    actor: &Actor,
    params: PageParams,
) -> AppResult<Page<(DbInstanceBan, DbPerson)>> {
    require_admin(actor)?;
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let rows = state
        .db
        .read(move |conn| db::moderation::instance_bans(conn, after, limit + 1))
        .await?;
    Ok(page(rows, limit, |(b, _)| [b.person_id]))
}

fn instance_log(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    target_person_id: i64,
    reason: Option<&str>,
) -> AppResult<()> {
    db::moderation::log_action(
        conn,
        &NewModAction {
            community_id: None,
            moderator_id: actor.person_id,
            action,
            target_person_id: Some(target_person_id),
            post_id: None,
            comment_id: None,
            reason,
            created_at: db::now(),
        },
    )
}
