//! Votes in other servers' polls, and answers to events both ways.

use super::*;

/// Queues one of our members' votes in a poll from another server, as Mastodon sends
/// them: for each option, a `Create` of a `Note` named after it, replying to the poll,
/// addressed to the poll's author only. Returns the Notes' ids, in the options' order.
pub(crate) fn send_poll_votes(
    conn: &mut DbConn,
    urls: &Urls,
    post: &crate::db::models::DbPost,
    author: &DbPerson,
    voter_id: i64,
    options: &[crate::db::models::DbPollOption],
) -> AppResult<Vec<Url>> {
    let voter = db::persons::person(conn, voter_id)?;
    let actor = urls.person(&voter.name)?;
    let question = crate::federation::objects::post_id(urls, post)?;
    let recipient = ApActor::person(urls, author.clone()).map_err(fed)?;
    let mut notes = Vec::new();
    for option in options {
        let (note_id, create) =
            activities::poll_vote(urls, &actor, &recipient.id, &question, &option.name)
                .map_err(fed)?;
        let create_id = create
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| Url::parse(id).ok())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a vote without an id")))?;
        enqueue(
            conn,
            &create_id,
            &create,
            &recipient.delivery_inbox(),
            Signer::Person(voter.id),
        )?;
        notes.push(note_id);
    }
    Ok(notes)
}

/// Queues one of our members' answer to an event from another server, sent to the
/// event's community: `Join` for going, `TentativeAccept` for maybe, `Leave` for not
/// going or a withdrawn answer. Returns the activity's id.
pub(crate) fn send_rsvp(
    conn: &mut DbConn,
    urls: &Urls,
    post: &crate::db::models::DbPost,
    community: &DbCommunity,
    person_id: i64,
    answer: Option<crate::services::events::Rsvp>,
) -> AppResult<Url> {
    use crate::services::events::Rsvp;
    let person = db::persons::person(conn, person_id)?;
    let actor = urls.person(&person.name)?;
    let event = crate::federation::objects::post_id(urls, post)?;
    let group = ApActor::community(urls, community.clone()).map_err(fed)?;
    let kind = match answer {
        Some(Rsvp::Going) => "Join",
        Some(Rsvp::Maybe) => "TentativeAccept",
        Some(Rsvp::Declined) | None => "Leave",
    };
    let (id, activity) = activities::rsvp(urls, kind, &actor, &event, &group.id).map_err(fed)?;
    enqueue(
        conn,
        &id,
        &activity,
        &group.delivery_inbox(),
        Signer::Person(person.id),
    )?;
    Ok(id)
}

/// An answer from another server to one of our events. A `Join` is answered with the
/// community's `Accept`, or `Reject` when the event is full or closed to them.
pub async fn receive_rsvp(
    state: &AppState,
    person: DbPerson,
    kind: String,
    event: Url,
    activity: Value,
) -> AppResult<()> {
    use crate::services::events::Rsvp;
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let post = local_post(conn, &urls, &event)?
                .ok_or_else(|| refuse("that is not an event of this server"))?;
            let answer = match kind.as_str() {
                "Join" => Some(Rsvp::Going),
                "TentativeAccept" => Some(Rsvp::Maybe),
                _ => None,
            };
            let id = activity
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let taken =
                crate::services::events::receive_rsvp(conn, &urls, &person, &post, answer, &id)?;
            if kind != "Join" {
                return if taken {
                    Ok(())
                } else {
                    Err(refuse("that answer is not allowed for this event"))
                };
            }
            let community = db::communities::by_id(conn, post.community_id)?;
            let group = urls.community(&community.name)?;
            let participant = ApActor::person(&urls, person.clone()).map_err(fed)?;
            let (reply_id, reply) =
                activities::rsvp_reply(&urls, taken, &group, &participant.id, activity)
                    .map_err(fed)?;
            enqueue(
                conn,
                &reply_id,
                &reply,
                &participant.delivery_inbox(),
                Signer::Community(community.id),
            )
        })
        .await
}

/// The event's server answered one of our members' `Join`. A `Reject` drops the answer
/// here; an `Accept` confirms what is already stored.
pub async fn receive_rsvp_reply(state: &AppState, accepted: bool, join_id: Url) -> AppResult<()> {
    if accepted {
        return Ok(());
    }
    state
        .db
        .write(move |conn| crate::services::events::join_refused(conn, join_id.as_str()))
        .await
}
