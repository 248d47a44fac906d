//! Deleted accounts both ways: ours reach the servers that hold their content, and
//! others' are erased here.

use super::*;

/// One of our members deleted their account: every server that holds their content
/// hears a `Delete` of the person. Call before their memberships end.
pub(crate) fn federate_account_deletion(
    conn: &mut DbConn,
    urls: &Urls,
    person_id: i64,
) -> AppResult<()> {
    let person = db::persons::person(conn, person_id)?;
    if person.domain.is_some() || person.private_key.is_none() {
        // Never federated: no other server knows them.
        return Ok(());
    }
    let inboxes = servers_holding(conn, person_id)?;
    let actor = urls.person(&person.name)?;
    let (id, delete) = activities::activity(
        urls,
        "Delete",
        &actor,
        serde_json::json!(actor),
        &actor,
        true,
    )
    .map_err(fed)?;
    for inbox in inboxes {
        let inbox = Url::parse(&inbox).map_err(|e| AppError::Internal(e.into()))?;
        enqueue(conn, &id, &delete, &inbox, Signer::Person(person.id))?;
    }
    Ok(())
}

/// The inboxes of every server that holds a member's content: the remote communities they
/// belong to, and the remote followers of ours they belong to.
pub(super) fn servers_holding(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<String>> {
    let mut inboxes = Vec::new();
    for (membership, _) in db::communities::memberships_of(conn, person_id)? {
        let community = db::communities::by_id(conn, membership.community_id)?;
        match &community.domain {
            Some(_) => inboxes.extend(
                community
                    .shared_inbox_url
                    .clone()
                    .or(community.inbox_url.clone()),
            ),
            None => inboxes.extend(db::federation::remote_follower_inboxes(conn, community.id)?),
        }
    }
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// A member of another server deleted their account: their profile and content go.
pub async fn receive_account_deletion(state: &AppState, person: DbPerson) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            let now = db::now();
            db::communities::delete_memberships_of(conn, person.id)?;
            db::content::delete_posts_by_author(conn, person.id, now)?;
            db::content::delete_comments_by_author(conn, person.id, now)?;
            db::persons::erase_person(conn, person.id, now)
        })
        .await
}
