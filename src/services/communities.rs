//! Communities: creation, settings, joining and leaving, facilitators and bans.

use chrono::NaiveDateTime;

use crate::config::CommunityCreation;
use crate::db::models::{DbBan, DbCommunity, DbMembership, DbPerson, NewCommunity, NewModAction};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::markdown;
use crate::pagination::{Page, PageParams, page};
use crate::services::permissions::Access;
use crate::services::{Actor, text_field};
use crate::state::AppState;
use crate::types::{MembershipState, Name, Visibility};

/// What a new community needs.
#[derive(Debug)]
pub struct CommunityInput {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub visibility: Visibility,
    pub posting_restricted: bool,
}

/// A community with what the viewer needs to know about it.
#[derive(Debug)]
pub struct CommunityDetail {
    pub community: DbCommunity,
    pub member_count: i64,
    pub moderators: Vec<DbPerson>,
    pub membership: Option<MembershipState>,
    pub is_moderator: bool,
}

/// Creates a community with `actor` as its first facilitator and member.
#[tracing::instrument(skip_all, fields(name = %input.name))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: CommunityInput,
) -> AppResult<DbCommunity> {
    if state.config.instance.community_creation == CommunityCreation::Admins && !actor.is_admin() {
        return Err(AppError::denied(
            "not_admin",
            "only administrators can create communities on this instance",
        ));
    }
    create_for(state, actor.person_id, input).await
}

/// Creates a community owned by `owner_id` without the role check: for the admin CLI.
pub async fn create_for(
    state: &AppState,
    owner_id: i64,
    input: CommunityInput,
) -> AppResult<DbCommunity> {
    let name = Name::parse(&input.name)?;
    let title = text_field(
        "title",
        input.title.as_deref().unwrap_or(name.as_str()),
        1,
        100,
    )?;
    let description = text_field(
        "description",
        input.description.as_deref().unwrap_or(""),
        0,
        10_000,
    )?;
    let description_html = markdown::render(&description);
    state
        .db
        .write(move |conn| {
            if db::persons::name_taken(conn, name.as_str())? {
                return Err(AppError::conflict_code(
                    "name_taken",
                    "that name is already taken by a member or community",
                ));
            }
            db::persons::claim_name(conn, name.as_str(), "community")?;
            let id = db::communities::insert(
                conn,
                &NewCommunity {
                    name: name.as_str(),
                    domain: None,
                    ap_id: None,
                    title: &title,
                    description: &description,
                    description_html: &description_html,
                    visibility: input.visibility.as_str(),
                    posting_restricted: input.posting_restricted,
                    created_at: db::now(),
                },
            )?;
            db::communities::add_moderator(conn, id, owner_id)?;
            db::communities::set_membership(
                conn,
                id,
                owner_id,
                MembershipState::Accepted.as_str(),
            )?;
            db::communities::by_id(conn, id)
        })
        .await
}

/// Finds a local community by name and works out the viewer's standing in it.
/// `name` is a local community's name, or `name@host` for a remote one we know.
pub(crate) fn access(conn: &mut DbConn, name: &str, viewer: Option<&Actor>) -> AppResult<Access> {
    let community = match name.split_once('@') {
        Some((name, domain)) => {
            db::federation::remote_community(conn, name, &domain.to_lowercase())?
        }
        None => {
            let name = Name::parse(name).map_err(|_| AppError::NotFound("community"))?;
            db::communities::local_by_name(conn, name.as_str())?
        }
    }
    .ok_or(AppError::NotFound("community"))?;
    if community.deleted {
        return Err(AppError::Gone("this community has been deleted".into()));
    }
    Access::load(conn, community, viewer)
}

pub async fn get(
    state: &AppState,
    viewer: Option<&Actor>,
    name: &str,
) -> AppResult<CommunityDetail> {
    let (name, viewer) = (name.to_owned(), viewer.cloned());
    state
        .db
        .read(move |conn| {
            let access = access(conn, &name, viewer.as_ref())?;
            detail(conn, access)
        })
        .await
}

/// Whether `actor` facilitates the community `name` (instance staff do everywhere):
/// the access check alone, without the member count and moderator list of [`get`].
pub async fn moderates(state: &AppState, actor: &Actor, name: &str) -> AppResult<bool> {
    let (name, actor) = (name.to_owned(), actor.clone());
    state
        .db
        .read(move |conn| Ok(access(conn, &name, Some(&actor))?.moderator))
        .await
}

/// Refuses when the community's content is for members only, as it is for an anonymous
/// fetch of a private community.
pub async fn require_public_content(state: &AppState, name: &str) -> AppResult<()> {
    let name = name.to_owned();
    state
        .db
        .read(move |conn| access(conn, &name, None)?.require_read())
        .await
}

fn detail(conn: &mut DbConn, access: Access) -> AppResult<CommunityDetail> {
    let id = access.community.id;
    Ok(CommunityDetail {
        member_count: access.community.member_count,
        moderators: db::communities::moderators(conn, id)?,
        membership: access.membership,
        is_moderator: access.moderator,
        community: access.community,
    })
}

/// Every community, private ones included: their names and descriptions are public so
/// that people can ask to join; their content is not.
pub async fn list(state: &AppState, params: PageParams) -> AppResult<Page<DbCommunity>> {
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let rows = state
        .db
        .read(move |conn| db::communities::list(conn, after, limit + 1))
        .await?;
    Ok(page(rows, limit, |c| [c.id]))
}

/// Communities whose name or title contains `text`, ignoring case.
pub async fn search(
    state: &AppState,
    text: &str,
    params: PageParams,
) -> AppResult<Page<DbCommunity>> {
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let text = text_field("search", text, 1, 100)?;
    let rows = state
        .db
        .read(move |conn| db::communities::search(conn, &text, after, limit + 1))
        .await?;
    Ok(page(rows, limit, |c| [c.id]))
}

/// Settings a facilitator may change; `None` leaves one alone.
#[derive(Debug, Default)]
pub struct CommunityEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub visibility: Option<Visibility>,
    pub posting_restricted: Option<bool>,
    /// Send comments, not only threads, to followers on microblog servers.
    pub microblog_comments: Option<bool>,
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    name: &str,
    edit: CommunityEdit,
) -> AppResult<CommunityDetail> {
    let title = edit
        .title
        .map(|t| text_field("title", &t, 1, 100))
        .transpose()?;
    let description = edit
        .description
        .map(|d| text_field("description", &d, 0, 10_000))
        .transpose()?;
    let changes = db::communities::CommunityChanges {
        title,
        description_html: description.as_deref().map(markdown::render),
        description,
        visibility: edit.visibility.map(|v| v.as_str().to_owned()),
        posting_restricted: edit.posting_restricted,
        microblog_comments: edit.microblog_comments,
        updated_at: Some(db::now()),
    };
    let (name, actor) = (name.to_owned(), actor.clone());
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            access.require_moderator()?;
            db::communities::update(conn, access.community.id, &changes)?;
            crate::services::federation::federate_group_update(
                conn,
                &urls,
                access.community.id,
                actor.person_id,
            )?;
            log(
                conn,
                &actor,
                access.community.id,
                "update_community",
                None,
                None,
            )?;
            let access = self::access(conn, &name, Some(&actor))?;
            detail(conn, access)
        })
        .await
}

/// Joins a community: at once if it is public, otherwise as a request for facilitators.
pub async fn join(state: &AppState, actor: &Actor, name: &str) -> AppResult<MembershipState> {
    let (name, actor) = (name.to_owned(), actor.clone());
    let urls = crate::federation::urls::Urls::new(&state.config);
    let joined = state
        .db
        .write(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            if access.community.domain.is_some() {
                // A remote community decides: send a Follow and wait for its Accept.
                if let Some(current) = access.membership {
                    return Ok(current);
                }
                let person = db::persons::person(conn, actor.person_id)?;
                crate::services::federation::send_follow(conn, &urls, &person, &access.community)?;
                return Ok(MembershipState::Pending);
            }
            if access.banned {
                return Err(AppError::denied(
                    "banned",
                    "you are banned from this community",
                ));
            }
            if let Some(current) = access.membership {
                return Ok(current);
            }
            let new_state = if access.visibility == Visibility::Public || access.moderator {
                MembershipState::Accepted
            } else {
                MembershipState::Pending
            };
            db::communities::set_membership(
                conn,
                access.community.id,
                actor.person_id,
                new_state.as_str(),
            )?;
            if new_state == MembershipState::Pending {
                let person = db::persons::person(conn, actor.person_id)?;
                crate::services::notifications::on_join_request(conn, &access.community, &person)?;
            }
            Ok(new_state)
        })
        .await?;
    state.deliveries.notify_one();
    Ok(joined)
}

/// Leaves a community, or withdraws a request to join. A facilitator who leaves also
/// stops facilitating; the last one must hand over first.
pub async fn leave(state: &AppState, actor: &Actor, name: &str) -> AppResult<()> {
    let (name, actor) = (name.to_owned(), actor.clone());
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            let id = access.community.id;
            if access.community.domain.is_some() {
                // Tell the remote community, with an Undo of the Follow it knows.
                let membership = db::communities::membership(conn, id, actor.person_id)?
                    .ok_or_else(|| {
                        AppError::denied("not_member", "you are not a member of this community")
                    })?;
                let person = db::persons::person(conn, actor.person_id)?;
                if let Some(follow_id) = membership.follow_activity_id {
                    crate::services::federation::send_undo_follow(
                        conn,
                        &urls,
                        &person,
                        &access.community,
                        &follow_id,
                    )?;
                }
                db::communities::delete_membership(conn, id, actor.person_id)?;
                return Ok(());
            }
            db::communities::lock(conn, id)?;
            if db::communities::is_moderator(conn, id, actor.person_id)? {
                if db::communities::moderators(conn, id)?.len() <= 1 {
                    return Err(AppError::conflict_code(
                        "last_moderator",
                        "you are this community's only facilitator; add another before leaving",
                    ));
                }
                db::communities::remove_moderator(conn, id, actor.person_id)?;
                log(
                    conn,
                    &actor,
                    id,
                    "remove_moderator",
                    Some(actor.person_id),
                    Some("left the community"),
                )?;
            }
            if !db::communities::delete_membership(conn, id, actor.person_id)? {
                return Err(AppError::denied(
                    "not_member",
                    "you are not a member of this community",
                ));
            }
            Ok(())
        })
        .await
}

/// Members in one state. Accepted members are listed to whoever can read the community;
/// pending requests only to its facilitators.
pub async fn members(
    state: &AppState,
    viewer: Option<&Actor>,
    name: &str,
    membership: MembershipState,
    params: PageParams,
) -> AppResult<Page<(DbMembership, DbPerson)>> {
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let (name, viewer) = (name.to_owned(), viewer.cloned());
    let rows = state
        .db
        .read(move |conn| {
            let access = access(conn, &name, viewer.as_ref())?;
            match membership {
                MembershipState::Pending => access.require_moderator()?,
                MembershipState::Accepted => access.require_read()?,
            }
            db::communities::members(
                conn,
                access.community.id,
                membership.as_str(),
                after,
                limit + 1,
            )
        })
        .await?;
    Ok(page(rows, limit, |(m, _)| [m.person_id]))
}

/// Approves (`true`) or rejects (`false`) a request to join.
pub async fn decide_request(
    state: &AppState,
    actor: &Actor,
    name: &str,
    member: &str,
    approve: bool,
) -> AppResult<()> {
    let (name, member, actor) = (name.to_owned(), member.to_owned(), actor.clone());
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .db
        .write(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            access.require_moderator()?;
            let person = member_person(conn, &member)?;
            let id = access.community.id;
            let follow_id = match db::communities::membership(conn, id, person.id)? {
                Some(m) if m.state == MembershipState::Pending.as_str() => m.follow_activity_id,
                Some(_) => {
                    return Err(AppError::conflict_code(
                        "already_member",
                        "that person is already a member",
                    ));
                }
                None => return Err(AppError::NotFound("join request")),
            };
            if approve {
                db::communities::set_membership(
                    conn,
                    id,
                    person.id,
                    MembershipState::Accepted.as_str(),
                )?;
                crate::services::notifications::on_join_approved(
                    conn,
                    &access.community,
                    person.id,
                    actor.person_id,
                )?;
                // A member from another server hears of it through an Accept of their Follow.
                if let (Some(_), Some(follow_id)) = (&person.domain, &follow_id) {
                    crate::services::federation::send_accept(
                        conn,
                        &urls,
                        &person,
                        &access.community,
                        follow_id,
                    )?;
                }
                log(conn, &actor, id, "approve_member", Some(person.id), None)
            } else {
                db::communities::delete_membership(conn, id, person.id)?;
                if let (Some(_), Some(follow_id)) = (&person.domain, &follow_id) {
                    crate::services::federation::send_reject(
                        conn,
                        &urls,
                        &person,
                        &access.community,
                        follow_id,
                    )?;
                }
                log(conn, &actor, id, "reject_member", Some(person.id), None)
            }
        })
        .await?;
    state.deliveries.notify_one();
    Ok(())
}

/// Makes a member a facilitator.
pub async fn add_moderator(
    state: &AppState,
    actor: &Actor,
    name: &str,
    member: &str,
) -> AppResult<()> {
    let (name, member, actor) = (name.to_owned(), member.to_owned(), actor.clone());
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            access.require_moderator()?;
            let person = member_person(conn, &member)?;
            let id = access.community.id;
            if db::communities::is_moderator(conn, id, person.id)? {
                return Err(AppError::conflict_code(
                    "already_moderator",
                    "that person is already a facilitator",
                ));
            }
            if db::communities::banned_in(conn, id, person.id, db::now())? {
                return Err(AppError::denied(
                    "banned",
                    "that person is banned from this community",
                ));
            }
            db::communities::add_moderator(conn, id, person.id)?;
            db::communities::set_membership(
                conn,
                id,
                person.id,
                MembershipState::Accepted.as_str(),
            )?;
            let object = crate::federation::objects::person_id(&urls, &person)?;
            crate::services::federation::federate_collection_change(
                conn,
                &urls,
                &access.community,
                actor.person_id,
                true,
                &object,
                "moderators",
            )?;
            log(conn, &actor, id, "add_moderator", Some(person.id), None)
        })
        .await
}

/// Stops a facilitator facilitating. A community always keeps at least one.
pub async fn remove_moderator(
    state: &AppState,
    actor: &Actor,
    name: &str,
    member: &str,
) -> AppResult<()> {
    let (name, member, actor) = (name.to_owned(), member.to_owned(), actor.clone());
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            access.require_moderator()?;
            let person = member_person(conn, &member)?;
            let id = access.community.id;
            db::communities::lock(conn, id)?;
            if !db::communities::is_moderator(conn, id, person.id)? {
                return Err(AppError::NotFound("facilitator"));
            }
            if db::communities::moderators(conn, id)?.len() <= 1 {
                return Err(AppError::conflict_code(
                    "last_moderator",
                    "a community needs at least one facilitator; add another first",
                ));
            }
            db::communities::remove_moderator(conn, id, person.id)?;
            let object = crate::federation::objects::person_id(&urls, &person)?;
            crate::services::federation::federate_collection_change(
                conn,
                &urls,
                &access.community,
                actor.person_id,
                false,
                &object,
                "moderators",
            )?;
            log(conn, &actor, id, "remove_moderator", Some(person.id), None)
        })
        .await
}

/// Bans a person from a community: they leave it and can no longer take part.
pub async fn ban(
    state: &AppState,
    actor: &Actor,
    name: &str,
    member: &str,
    reason: &str,
    expires_at: Option<NaiveDateTime>,
) -> AppResult<()> {
    let reason = text_field("reason", reason, 1, 1000)?;
    if expires_at.is_some_and(|e| e <= db::now()) {
        return Err(AppError::invalid("expires_at must be in the future"));
    }
    let (name, member, actor) = (name.to_owned(), member.to_owned(), actor.clone());
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            access.require_moderator()?;
            let person = member_person(conn, &member)?;
            let id = access.community.id;
            if person.id == actor.person_id {
                return Err(AppError::denied(
                    "cannot_ban_self",
                    "you cannot ban yourself",
                ));
            }
            let target_admin = db::persons::local_user_by_person(conn, person.id)?
                .is_some_and(|u| u.role == "admin");
            if db::communities::is_moderator(conn, id, person.id)? || target_admin {
                return Err(AppError::denied(
                    "cannot_ban_moderator",
                    "facilitators and administrators cannot be banned; remove their role first",
                ));
            }
            db::communities::put_ban(conn, id, person.id, actor.person_id, &reason, expires_at)?;
            // Announce before the membership ends, so the banned member's server hears too.
            let object = crate::federation::objects::person_id(&urls, &person)?;
            crate::services::federation::federate_moderation(
                conn,
                &urls,
                &access.community,
                actor.person_id,
                crate::services::federation::Moderation {
                    kind: "Block",
                    object: &object,
                    undo: false,
                    reason: Some(&reason),
                },
            )?;
            db::communities::delete_membership(conn, id, person.id)?;
            crate::services::notifications::on_moderation(
                conn,
                crate::db::models::NewNotification {
                    recipient_id: person.id,
                    actor_id: Some(actor.person_id),
                    summary: format!(
                        "A facilitator banned you from {}: {reason}",
                        access.community.title
                    ),
                    link: format!("/c/{}", access.community.name),
                    community_id: Some(id),
                    ..Default::default()
                },
            )?;
            log(conn, &actor, id, "ban", Some(person.id), Some(&reason))
        })
        .await
}

pub async fn unban(state: &AppState, actor: &Actor, name: &str, member: &str) -> AppResult<()> {
    let (name, member, actor) = (name.to_owned(), member.to_owned(), actor.clone());
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            access.require_moderator()?;
            let person = member_person(conn, &member)?;
            if !db::communities::delete_ban(conn, access.community.id, person.id)? {
                return Err(AppError::NotFound("ban"));
            }
            let object = crate::federation::objects::person_id(&urls, &person)?;
            crate::services::federation::federate_moderation(
                conn,
                &urls,
                &access.community,
                actor.person_id,
                crate::services::federation::Moderation {
                    kind: "Block",
                    object: &object,
                    undo: true,
                    reason: None,
                },
            )?;
            log(
                conn,
                &actor,
                access.community.id,
                "unban",
                Some(person.id),
                None,
            )
        })
        .await
}

pub async fn bans(
    state: &AppState,
    actor: &Actor,
    name: &str,
    params: PageParams,
) -> AppResult<Page<(DbBan, DbPerson)>> {
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let (name, actor) = (name.to_owned(), actor.clone());
    let rows = state
        .db
        .read(move |conn| {
            let access = access(conn, &name, Some(&actor))?;
            access.require_moderator()?;
            db::communities::bans(conn, access.community.id, after, limit + 1)
        })
        .await?;
    Ok(page(rows, limit, |(b, _)| [b.person_id]))
}

/// A member by local name, or `name@host` for someone from another server.
pub(crate) fn member_person(conn: &mut DbConn, name: &str) -> AppResult<DbPerson> {
    match name.split_once('@') {
        Some((name, domain)) => db::federation::remote_person(conn, name, &domain.to_lowercase())?
            .filter(|p| !p.deleted)
            .ok_or(AppError::NotFound("member")),
        None => local_person(conn, name),
    }
}

fn local_person(conn: &mut DbConn, name: &str) -> AppResult<DbPerson> {
    let name = Name::parse(name).map_err(|_| AppError::NotFound("member"))?;
    db::persons::local_person_by_name(conn, name.as_str())?
        .filter(|p| !p.deleted)
        .ok_or(AppError::NotFound("member"))
}

/// Writes one line of the moderation log.
pub(crate) fn log(
    conn: &mut DbConn,
    actor: &Actor,
    community_id: i64,
    action: &str,
    target_person_id: Option<i64>,
    reason: Option<&str>,
) -> AppResult<()> {
    db::moderation::log_action(
        conn,
        &NewModAction {
            community_id: Some(community_id),
            moderator_id: actor.person_id,
            action,
            target_person_id,
            post_id: None,
            comment_id: None,
            reason,
            created_at: db::now(),
        },
    )
}
