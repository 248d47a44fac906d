//! Facilitators' and admins' actions both ways: locks, removals, bans, group updates,
//! instance bans and reports.

use super::*;

/// An activity by a facilitator of one of our communities about `object`, with `target`;
/// also returns the facilitator's id and whether the community is public.
pub(super) fn facilitator_activity(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    moderator_id: i64,
    kind: &str,
    object: &Url,
    target: &Url,
) -> AppResult<(Value, Url, bool)> {
    let moderator = db::persons::person(conn, moderator_id)?;
    let actor = crate::federation::objects::person_id(urls, &moderator)?;
    let group = urls.community(&community.name)?;
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let (_, mut activity) = activities::activity(
        urls,
        kind,
        &actor,
        serde_json::json!(object),
        &group,
        public,
    )
    .map_err(fed)?;
    activity["target"] = serde_json::json!(target);
    Ok((activity, actor, public))
}

/// What a facilitator did: `kind` is `Lock`, `Remove` or `Block`; `undo` reverses it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moderation<'a> {
    pub kind: &'a str,
    pub object: &'a Url,
    pub undo: bool,
    pub reason: Option<&'a str>,
}

/// A facilitator's action in one of our communities, announced to its followers:
/// `Lock`, `Remove` or `Block` (or its `Undo`), with the reason as `summary`.
pub(crate) fn federate_moderation(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    moderator_id: i64,
    action: Moderation<'_>,
) -> AppResult<()> {
    let Moderation {
        kind,
        object,
        undo,
        reason,
    } = action;
    if community.domain.is_some() {
        // Moderating a remote community happens on its own server.
        return Ok(());
    }
    let group = urls.community(&community.name)?;
    let (mut activity, actor, public) =
        facilitator_activity(conn, urls, community, moderator_id, kind, object, &group)?;
    if let Some(reason) = reason {
        activity["summary"] = serde_json::json!(reason);
    }
    if undo {
        let (_, wrapped) =
            activities::activity(urls, "Undo", &actor, activity, &group, public).map_err(fed)?;
        activity = wrapped;
    }
    announce_to_followers(conn, urls, community, activity)
}

/// A facilitator's action in a remote community, as the community announced it.
pub async fn receive_moderation(
    state: &AppState,
    community: DbCommunity,
    kind: String,
    object: Url,
    undo: bool,
    reason: Option<String>,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .db
        .write(move |conn| {
            let within = |post_id: i64, conn: &mut DbConn| -> AppResult<bool> {
                Ok(db::content::post(conn, post_id)?
                    .is_some_and(|p| p.community_id == community.id))
            };
            match (kind.as_str(), find_target(conn, &urls, &object)?) {
                ("Lock", Some(Target::Post(p))) if within(p.id, conn)? => {
                    let changes = db::content::PostChanges {
                        locked: Some(!undo),
                        ..Default::default()
                    };
                    db::content::update_post(conn, p.id, &changes)
                }
                ("Remove", Some(Target::Post(p))) if within(p.id, conn)? => {
                    let changes = db::content::PostChanges {
                        removed: Some(!undo),
                        ..Default::default()
                    };
                    db::content::update_post(conn, p.id, &changes)
                }
                ("Remove", Some(Target::Comment(c))) if within(c.post_id, conn)? => {
                    let changes = db::content::CommentChanges {
                        removed: Some(!undo),
                        ..Default::default()
                    };
                    db::content::update_comment(conn, c.id, &changes)
                }
                ("Block", _) => {
                    let person = if urls.is_local(&object) {
                        object
                            .path()
                            .strip_prefix("/u/")
                            .map(|name| db::persons::local_person_by_name(conn, name))
                            .transpose()?
                            .flatten()
                    } else {
                        db::federation::person_by_ap_id(conn, object.as_str())?
                    };
                    let Some(person) = person else { return Ok(()) };
                    if undo {
                        db::communities::delete_ban(conn, community.id, person.id)?;
                    } else {
                        let reason = reason
                            .as_deref()
                            .unwrap_or("banned by the community's facilitators");
                        // Who banned is known only on the community's server; record the person.
                        db::communities::put_ban(
                            conn,
                            community.id,
                            person.id,
                            person.id,
                            reason,
                            None,
                        )?;
                    }
                    Ok(())
                }
                _ => {
                    tracing::info!(%kind, %object, "moderation of something unknown here; ignored");
                    Ok(())
                }
            }
        })
        .await
}

/// A facilitator changed one of our communities: its followers' servers refresh their copy.
pub(crate) fn federate_group_update(
    conn: &mut DbConn,
    urls: &Urls,
    community_id: i64,
    moderator_id: i64,
) -> AppResult<()> {
    let community = db::communities::by_id(conn, community_id)?;
    // A community nobody elsewhere has fetched has no keys yet, and no followers to tell.
    if community.domain.is_some() || community.public_key.is_none() {
        return Ok(());
    }
    let moderator = db::persons::person(conn, moderator_id)?;
    let actor = crate::federation::objects::person_id(urls, &moderator)?;
    let group = urls.community(&community.name)?;
    let object = serde_json::to_value(crate::federation::objects::GroupObject::build(
        urls, &community,
    )?)
    .map_err(|e| AppError::Internal(e.into()))?;
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let (_, activity) =
        activities::activity(urls, "Update", &actor, object, &group, public).map_err(fed)?;
    announce_to_followers(conn, urls, &community, activity)
}

/// One of our members was banned from this instance, or the ban lifted (`ban: None`):
/// the servers that hold their content hear it, so they can stop them there too. A ban
/// of someone from another server stays here; it is ours alone.
pub(crate) fn federate_instance_ban(
    conn: &mut DbConn,
    urls: &Urls,
    admin_id: i64,
    person: &DbPerson,
    ban: Option<(&str, Option<chrono::NaiveDateTime>)>,
) -> AppResult<()> {
    if person.domain.is_some() || person.private_key.is_none() {
        return Ok(());
    }
    let admin = urls.person(&db::persons::person(conn, admin_id)?.name)?;
    let object = urls.person(&person.name)?;
    let (id, activity) = activities::instance_ban(urls, &admin, &object, ban).map_err(fed)?;
    for inbox in servers_holding(conn, person.id)? {
        let inbox = Url::parse(&inbox).map_err(|e| AppError::Internal(e.into()))?;
        enqueue(conn, &id, &activity, &inbox, Signer::Person(admin_id))?;
    }
    Ok(())
}

/// A server banned one of its own members instance-wide (`Block` with the instance as
/// target), or lifted the ban: the ban holds here too. The caller checked that the actor
/// is on the banned person's server.
pub async fn receive_instance_ban(
    state: &AppState,
    person: Url,
    undo: bool,
    reason: Option<String>,
    expires_at: Option<chrono::NaiveDateTime>,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            let Some(person) = db::federation::person_by_ap_id(conn, person.as_str())? else {
                tracing::info!(%person, "instance ban of someone unknown here; ignored");
                return Ok(());
            };
            if undo {
                db::moderation::delete_instance_ban(conn, person.id)?;
            } else {
                let reason = reason.as_deref().unwrap_or("suspended by their own server");
                db::moderation::put_instance_ban(conn, person.id, None, reason, expires_at)?;
            }
            Ok(())
        })
        .await
}

/// Sends a member's report about content in a remote community to that community, as a
/// `Flag`, so its facilitators see it where they work.
pub(crate) fn federate_report(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    reporter_id: i64,
    post: &crate::db::models::DbPost,
    comment_id: Option<i64>,
    reason: &str,
) -> AppResult<()> {
    if community.domain.is_none() {
        return Ok(());
    }
    let reporter = db::persons::person(conn, reporter_id)?;
    let object = match comment_id {
        Some(id) => {
            let comment = db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
            crate::federation::objects::comment_id(urls, &comment)?
        }
        None => crate::federation::objects::post_id(urls, post)?,
    };
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let actor = urls.person(&reporter.name)?;
    let (id, mut flag) = activities::activity(
        urls,
        "Flag",
        &actor,
        serde_json::json!(object),
        &group.id,
        false,
    )
    .map_err(fed)?;
    flag["summary"] = serde_json::json!(reason);
    flag["content"] = serde_json::json!(reason);
    enqueue(
        conn,
        &id,
        &flag,
        &group.delivery_inbox(),
        Signer::Person(reporter.id),
    )
}

/// A report from another server about content in one of our communities.
pub async fn receive_flag(
    state: &AppState,
    reporter: DbPerson,
    objects: Vec<Url>,
    reason: String,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .db
        .write(move |conn| {
            let reason: String = if reason.trim().is_empty() {
                "reported from another server".into()
            } else {
                reason.chars().take(1000).collect()
            };
            let mut filed = 0;
            for url in objects {
                let (post, comment_id) = match find_target(conn, &urls, &url)? {
                    Some(Target::Post(p)) => (p, None),
                    Some(Target::Comment(c)) => {
                        let post = db::content::post(conn, c.post_id)?
                            .ok_or(AppError::NotFound("thread"))?;
                        (post, Some(c.id))
                    }
                    None => continue,
                };
                let community = db::communities::by_id(conn, post.community_id)?;
                if community.domain.is_some() {
                    continue;
                }
                db::moderation::insert_report(
                    conn,
                    community.id,
                    reporter.id,
                    comment_id.is_none().then_some(post.id),
                    comment_id,
                    &reason,
                )?;
                filed += 1;
            }
            if filed == 0 {
                return Err(AppError::NotFound("reported content"));
            }
            Ok(())
        })
        .await
}
