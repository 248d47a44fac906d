//! Follows between members and communities, and between people: received, sent,
//! accepted and refused.

use super::*;

/// A remote member follows one of our communities: at once if it is public, else when a
/// facilitator approves. Banned people are refused.
pub async fn receive_follow(
    state: &AppState,
    person: DbPerson,
    community: DbCommunity,
    follow_id: String,
    follow: Value,
) -> AppResult<MembershipState> {
    let urls = Urls::new(&state.config);
    let follower = ApActor::person(&urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(&urls, community.clone()).map_err(fed)?;
    let membership = state
        .db
        .write(move |conn| {
            if db::communities::banned_in(conn, community.id, person.id, db::now())? {
                return Err(AppError::denied("banned", "banned from this community"));
            }
            let visibility = Visibility::from_db(&community.visibility)?;
            let already = db::communities::membership(conn, community.id, person.id)?;
            let was = already.as_ref().map(|m| m.state.as_str());
            let new_state = match (visibility, was) {
                (_, Some(state)) if state == MembershipState::Accepted.as_str() => {
                    MembershipState::Accepted
                }
                (Visibility::Public, _) => MembershipState::Accepted,
                _ => MembershipState::Pending,
            };
            db::federation::set_follow(
                conn,
                community.id,
                person.id,
                new_state.as_str(),
                &follow_id,
            )?;
            // Facilitators hear of a request from another server as of one from here;
            // a repeated Follow while the request waits tells them nothing new.
            if new_state == MembershipState::Pending
                && was != Some(MembershipState::Pending.as_str())
            {
                crate::services::notifications::on_join_request(conn, &community, &person)?;
            }
            if new_state == MembershipState::Accepted {
                let (id, accept) =
                    activities::accept(&urls, &group.id, &follower.id, follow).map_err(fed)?;
                enqueue(
                    conn,
                    &id,
                    &accept,
                    &follower.delivery_inbox(),
                    Signer::Community(community.id),
                )?;
            }
            Ok(new_state)
        })
        .await?;
    state.deliveries.notify_one();
    Ok(membership)
}

/// Someone on another server follows one of our members' profiles: accepted at once,
/// unless our member is gone or the follower is banned here.
pub async fn receive_person_follow(
    state: &AppState,
    follower: DbPerson,
    person: DbPerson,
    follow: Value,
    follow_id: String,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    let follower_actor = ApActor::person(&urls, follower.clone()).map_err(fed)?;
    state
        .write_and_deliver(move |conn| {
            if person.deleted || person.domain.is_some() {
                return Err(AppError::NotFound("member"));
            }
            if db::moderation::active_instance_ban(conn, follower.id, db::now())?.is_some() {
                return Err(AppError::denied("banned", "banned from this instance"));
            }
            db::federation::add_person_follower(conn, person.id, follower.id, &follow_id)?;
            let member = urls.person(&person.name)?;
            let (id, accept) =
                activities::accept(&urls, &member, &follower_actor.id, follow).map_err(fed)?;
            enqueue(
                conn,
                &id,
                &accept,
                &follower_actor.delivery_inbox(),
                Signer::Person(person.id),
            )
        })
        .await
}

/// A remote community accepted one of our members' follows.
pub async fn receive_accept(
    state: &AppState,
    community: DbCommunity,
    follow_id: String,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            let membership = db::federation::membership_by_follow(conn, community.id, &follow_id)?
                .ok_or(AppError::NotFound("follow"))?;
            db::communities::set_membership(
                conn,
                community.id,
                membership.person_id,
                MembershipState::Accepted.as_str(),
            )
        })
        .await
}

/// A remote member stops following one of our communities.
pub async fn receive_unfollow(
    state: &AppState,
    person: DbPerson,
    community: Option<DbCommunity>,
    followed: Option<i64>,
    follow_id: String,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            let community_id = match community {
                Some(c) => c.id,
                // Not a community: the follow of a member's profile, if it was one.
                None => {
                    db::federation::remove_person_follower(conn, person.id, &follow_id, followed)?;
                    return Ok(());
                }
            };
            if let Some(m) = db::federation::membership_by_follow(conn, community_id, &follow_id)? {
                db::communities::delete_membership(conn, community_id, m.person_id)?;
            } else {
                db::communities::delete_membership(conn, community_id, person.id)?;
            }
            Ok(())
        })
        .await
}

/// Queues the `Follow` for one of our members joining a remote community.
pub(crate) fn send_follow(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    community: &DbCommunity,
) -> AppResult<()> {
    let member = ApActor::person(urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let (id, follow) = activities::follow(urls, &member.id, &group.id).map_err(fed)?;
    db::federation::set_follow(
        conn,
        community.id,
        person.id,
        MembershipState::Pending.as_str(),
        id.as_str(),
    )?;
    enqueue(
        conn,
        &id,
        &follow,
        &group.delivery_inbox(),
        Signer::Person(person.id),
    )
}

/// Queues the `Undo` of one of our members' follows of a remote community.
pub(crate) fn send_undo_follow(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    community: &DbCommunity,
    follow_id: &str,
) -> AppResult<()> {
    let member = ApActor::person(urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let follow = serde_json::json!({"id": follow_id, "type": "Follow", "actor": member.id, "object": group.id});
    let (id, undo) =
        activities::activity(urls, "Undo", &member.id, follow, &group.id, false).map_err(fed)?;
    enqueue(
        conn,
        &id,
        &undo,
        &group.delivery_inbox(),
        Signer::Person(person.id),
    )
}

/// Queues the `Reject` of a remote member's follow that a facilitator refused.
pub(crate) fn send_reject(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    community: &DbCommunity,
    follow_id: &str,
) -> AppResult<()> {
    let follower = ApActor::person(urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let follow = serde_json::json!({"id": follow_id, "type": "Follow", "actor": follower.id, "object": group.id});
    let (id, mut reject) =
        activities::accept(urls, &group.id, &follower.id, follow).map_err(fed)?;
    reject["type"] = serde_json::json!("Reject");
    enqueue(
        conn,
        &id,
        &reject,
        &follower.delivery_inbox(),
        Signer::Community(community.id),
    )
}

/// A remote community refused one of our members' follows.
pub async fn receive_reject(
    state: &AppState,
    community: DbCommunity,
    follow_id: String,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            if let Some(membership) =
                db::federation::membership_by_follow(conn, community.id, &follow_id)?
            {
                db::communities::delete_membership(conn, community.id, membership.person_id)?;
            }
            Ok(())
        })
        .await
}

/// Queues the `Accept` for a remote member's follow that a facilitator approved.
pub(crate) fn send_accept(
    conn: &mut DbConn,
    urls: &Urls,
    person: &DbPerson,
    community: &DbCommunity,
    follow_id: &str,
) -> AppResult<()> {
    let follower = ApActor::person(urls, person.clone()).map_err(fed)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let follow = serde_json::json!({"id": follow_id, "type": "Follow", "actor": follower.id, "object": group.id});
    let (id, accept) = activities::accept(urls, &group.id, &follower.id, follow).map_err(fed)?;
    enqueue(
        conn,
        &id,
        &accept,
        &follower.delivery_inbox(),
        Signer::Community(community.id),
    )
}
