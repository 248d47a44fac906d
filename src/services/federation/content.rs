//! Threads, comments and votes both ways: what our changes publish to followers (and
//! announce, for our communities), and what other servers' threads, comments, votes,
//! deletions and collection changes do here.

use super::*;

/// Sends an activity about a community's content: to the community's own server if the
/// community is remote, or as the community's `Announce` to its followers if it is ours.
pub(super) fn publish(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    author_id: i64,
    activity_id: &Url,
    activity: Value,
) -> AppResult<()> {
    if community.domain.is_some() {
        let group = ApActor::community(urls, community.clone()).map_err(fed)?;
        return enqueue(
            conn,
            activity_id,
            &activity,
            &group.delivery_inbox(),
            Signer::Person(author_id),
        );
    }
    let deletion = activity.get("type").and_then(Value::as_str) == Some("Delete");
    let (group_aware, microblog) = follower_servers(conn, community)?;
    announce_to(
        conn,
        urls,
        community,
        activity.clone(),
        &group_aware,
        &microblog,
    )?;
    if deletion {
        // Microblog servers never saw the Announce of a Delete; the author's own Delete
        // makes them drop the status and its boosts.
        for inbox in &microblog {
            enqueue(
                conn,
                activity_id,
                &activity,
                inbox,
                Signer::Person(author_id),
            )?;
        }
    }
    Ok(())
}

/// The servers where a community has followers: those that read FEP-1b12 group
/// activities, and microblog servers. Servers we never asked (followers from before we
/// asked) count as group-aware.
pub(super) fn follower_servers(
    conn: &mut DbConn,
    community: &DbCommunity,
) -> AppResult<(Vec<Url>, Vec<Url>)> {
    let inboxes = db::federation::remote_follower_inboxes(conn, community.id)?
        .iter()
        .map(|inbox| Url::parse(inbox).map_err(|e| AppError::Internal(e.into())))
        .collect::<AppResult<Vec<Url>>>()?;
    let hosts: Vec<String> = inboxes.iter().filter_map(nodeinfo::host_key).collect();
    let software = db::federation::software_of(conn, &hosts)?;
    Ok(inboxes.into_iter().partition(|inbox| {
        nodeinfo::host_key(inbox)
            .and_then(|host| software.get(&host))
            .is_none_or(|name| nodeinfo::is_group_aware(name))
    }))
}

/// The community announces `inner` to every server where it has followers.
pub(crate) fn announce_to_followers(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    inner: Value,
) -> AppResult<()> {
    let (group_aware, microblog) = follower_servers(conn, community)?;
    announce_to(conn, urls, community, inner, &group_aware, &microblog)
}

/// The community announces `inner` to the given servers where it has followers: the
/// whole activity to group-aware ones, a new thread (or comment) itself to microblogs.
pub(super) fn announce_to(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    inner: Value,
    group_aware: &[Url],
    microblog: &[Url],
) -> AppResult<()> {
    if group_aware.is_empty() && microblog.is_empty() {
        return Ok(());
    }
    let group = urls.community(&community.name)?;
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    if !group_aware.is_empty() {
        let (id, announce) =
            activities::announce(urls, &group, inner.clone(), public).map_err(fed)?;
        for inbox in group_aware {
            enqueue(conn, &id, &announce, inbox, Signer::Community(community.id))?;
        }
    }
    let for_microblogs = new_thread(&inner).or_else(|| {
        community
            .microblog_comments
            .then(|| new_comment(&inner))
            .flatten()
    });
    if let Some(thread) = for_microblogs.filter(|_| !microblog.is_empty()) {
        let (id, announce) =
            activities::announce_object(urls, &group, &thread, public).map_err(fed)?;
        for inbox in microblog {
            enqueue(conn, &id, &announce, inbox, Signer::Community(community.id))?;
        }
    }
    Ok(())
}

/// The comment a `Create` brings, if it is one: a `Note` that replies to something.
pub(super) fn new_comment(activity: &Value) -> Option<Url> {
    if activity.get("type").and_then(Value::as_str) != Some("Create") {
        return None;
    }
    let object = activity.get("object")?;
    let is_comment = object.get("type").and_then(Value::as_str) == Some("Note")
        && object.get("inReplyTo").is_some_and(|r| !r.is_null());
    is_comment
        .then(|| {
            crate::federation::content::urls_in(object)
                .into_iter()
                .next()
        })
        .flatten()
}

/// The thread a `Create` brings, if it is one: all that microblog followers are sent, so
/// that a busy community does not flood their timelines with every comment and vote.
pub(super) fn new_thread(activity: &Value) -> Option<Url> {
    if activity.get("type").and_then(Value::as_str) != Some("Create") {
        return None;
    }
    let object = activity.get("object")?;
    // A Note that replies to nothing is a thread started by a mention.
    let is_thread = matches!(
        object.get("type").and_then(Value::as_str),
        Some("Page" | "Article" | "Note" | "Video" | "Event" | "Question")
    ) && object.get("inReplyTo").is_none_or(Value::is_null);
    if !is_thread {
        return None;
    }
    crate::federation::content::urls_in(object)
        .into_iter()
        .next()
}

/// Federates a change to a thread written on this instance.
pub(crate) fn federate_post(
    conn: &mut DbConn,
    urls: &Urls,
    post_id: i64,
    change: Change,
) -> AppResult<()> {
    let post = db::content::post(conn, post_id)?.ok_or(AppError::NotFound("thread"))?;
    let community = db::communities::by_id(conn, post.community_id)?;
    let author = db::persons::person(conn, post.author_id)?;
    if author.domain.is_some() {
        return Ok(());
    }
    let object = match change {
        Change::Delete => serde_json::json!(urls.post(post.id)?),
        _ => {
            let poll = db::polls::poll(conn, post.id)?;
            let event = db::events::event(conn, post.id)?;
            let mut object = crate::federation::objects::thread(
                urls,
                &post,
                &author,
                &community,
                poll.as_ref().map(|(p, o)| (p, o.as_slice())),
                event.as_ref(),
            )?;
            if let Some((_, _, version, _)) = db::documents::by_post(conn, post.id)? {
                crate::federation::objects::attach_document(
                    urls,
                    &mut object,
                    &community,
                    &version,
                )?;
            }
            object
        }
    };
    let (actor, group) = (
        urls.person(&author.name)?,
        crate::federation::objects::community_id(urls, &community)?,
    );
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let (id, mut activity) =
        activities::activity(urls, change.kind(), &actor, object, &group, public).map_err(fed)?;
    if public {
        notify_mentioned(conn, urls, &post.body, &mut activity, &id, author.id)?;
    }
    // People following the author's profile see their threads in public communities.
    let followers = if Visibility::from_db(&community.visibility)? == Visibility::Public {
        db::federation::person_follower_inboxes(conn, author.id)?
    } else {
        Vec::new()
    };
    if !followers.is_empty() {
        activity["cc"] = serde_json::json!([urls.person_part(&author.name, "followers")?]);
        for inbox in &followers {
            let inbox = Url::parse(inbox).map_err(|e| AppError::Internal(e.into()))?;
            enqueue(conn, &id, &activity, &inbox, Signer::Person(author.id))?;
        }
    }
    publish(conn, urls, &community, author.id, &id, activity)
}

/// Federates a change to a comment written on this instance.
pub(crate) fn federate_comment(
    conn: &mut DbConn,
    urls: &Urls,
    comment_id: i64,
    change: Change,
) -> AppResult<()> {
    let comment = db::content::comment(conn, comment_id)?.ok_or(AppError::NotFound("comment"))?;
    let post = db::content::post(conn, comment.post_id)?.ok_or(AppError::NotFound("thread"))?;
    let community = db::communities::by_id(conn, post.community_id)?;
    let author = db::persons::person(conn, comment.author_id)?;
    if author.domain.is_some() {
        return Ok(());
    }
    let object = match change {
        Change::Delete => serde_json::json!(urls.comment(comment.id)?),
        _ => {
            let parent = match comment.parent_id {
                Some(id) => db::content::comment(conn, id)?,
                None => None,
            };
            crate::federation::objects::note(
                urls,
                &comment,
                &author,
                &post,
                parent.as_ref(),
                &community,
            )?
        }
    };
    let (actor, group) = (
        urls.person(&author.name)?,
        crate::federation::objects::community_id(urls, &community)?,
    );
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let (id, mut activity) =
        activities::activity(urls, change.kind(), &actor, object, &group, public).map_err(fed)?;
    if public {
        notify_mentioned(conn, urls, &comment.body, &mut activity, &id, author.id)?;
    }
    publish(conn, urls, &community, author.id, &id, activity)
}

/// Adds a `Mention` tag, and a `cc`, for each person a public thread or comment names
/// (`@name`, `@name@host`) whom we know, and sends the activity to the servers of those
/// elsewhere, so that they are notified. Deletions name nobody.
pub(super) fn notify_mentioned(
    conn: &mut DbConn,
    urls: &Urls,
    markdown: &str,
    activity: &mut Value,
    activity_id: &Url,
    author_id: i64,
) -> AppResult<()> {
    if !activity["object"].is_object() {
        return Ok(());
    }
    let here = nodeinfo::host_key(&urls.instance()?).unwrap_or_default();
    let mut inboxes = Vec::new();
    let handles = crate::federation::objects::mentioned_handles(markdown);
    for (name, host) in handles.into_iter().take(20) {
        let person = match host.as_deref() {
            Some(host) if host != here => db::federation::remote_person(conn, &name, host)?,
            _ => db::persons::local_person_by_name(conn, &name.to_lowercase())?,
        };
        let Some(person) = person.filter(|p| !p.deleted && p.id != author_id) else {
            continue;
        };
        let id = crate::federation::objects::person_id(urls, &person)?;
        let handle = format!(
            "@{}@{}",
            person.name,
            person.domain.as_deref().unwrap_or(&here)
        );
        let mention = serde_json::json!({"type": "Mention", "href": id, "name": handle});
        push(&mut activity["object"]["tag"], mention);
        push(&mut activity["object"]["cc"], serde_json::json!(id));
        push(&mut activity["cc"], serde_json::json!(id));
        if person.domain.is_some()
            && let Some(inbox) = person.shared_inbox_url.clone().or(person.inbox_url.clone())
        {
            inboxes.push(inbox);
        }
    }
    inboxes.sort();
    inboxes.dedup();
    for inbox in inboxes {
        let inbox = Url::parse(&inbox).map_err(|e| AppError::Internal(e.into()))?;
        enqueue(
            conn,
            activity_id,
            activity,
            &inbox,
            Signer::Person(author_id),
        )?;
    }
    Ok(())
}

/// What a vote is on.
#[derive(Debug, Clone, Copy)]
pub enum VoteTarget {
    Post(i64),
    Comment(i64),
}

/// Federates a local member's vote change: `Like`/`Dislike`, or `Undo` of the old vote.
pub(crate) fn federate_vote(
    conn: &mut DbConn,
    urls: &Urls,
    target: VoteTarget,
    person_id: i64,
    old: i32,
    new: i32,
) -> AppResult<()> {
    if old == new {
        return Ok(());
    }
    let person = db::persons::person(conn, person_id)?;
    let (object, post) = match target {
        VoteTarget::Post(id) => {
            let post = db::content::post(conn, id)?.ok_or(AppError::NotFound("thread"))?;
            (crate::federation::objects::post_id(urls, &post)?, post)
        }
        VoteTarget::Comment(id) => {
            let comment = db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
            let post =
                db::content::post(conn, comment.post_id)?.ok_or(AppError::NotFound("thread"))?;
            (
                crate::federation::objects::comment_id(urls, &comment)?,
                post,
            )
        }
    };
    let community = db::communities::by_id(conn, post.community_id)?;
    let group = crate::federation::objects::community_id(urls, &community)?;
    let actor = urls.person(&person.name)?;
    let public = Visibility::from_db(&community.visibility)? != Visibility::Private;
    let vote_kind = |score: i32| if score > 0 { "Like" } else { "Dislike" };
    let (id, activity) = if new == 0 {
        let (_, old_vote) = activities::activity(
            urls,
            vote_kind(old),
            &actor,
            serde_json::json!(object),
            &group,
            public,
        )
        .map_err(fed)?;
        activities::activity(urls, "Undo", &actor, old_vote, &group, public).map_err(fed)?
    } else {
        activities::activity(
            urls,
            vote_kind(new),
            &actor,
            serde_json::json!(object),
            &group,
            public,
        )
        .map_err(fed)?
    };
    publish(conn, urls, &community, person.id, &id, activity)
}

/// A thread from another server: stored (or updated by its author) under the same rules
/// as a local one, then announced if the community is ours.
pub async fn receive_thread(
    state: &AppState,
    author: DbPerson,
    doc: crate::federation::content::ContentDoc,
    via: Option<DbCommunity>,
    raw: Value,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let community = match via {
                Some(c) => c,
                None => addressed_community(conn, &urls, &doc.addressed())?
                    .ok_or(AppError::NotFound("community"))?,
            };
            let title = doc.title(crate::services::posts::TITLE_MAX);
            if title.is_empty() {
                return Err(AppError::invalid("a thread needs a name or some text"));
            }
            let (body, link) = (doc.markdown(), doc.link());
            // A private community's files open only for its members: through our server,
            // which fetches them signed as the member (`services::remote_files`).
            let body_html = match community.domain.as_deref() {
                Some(domain) if community.visibility == Visibility::Private.as_str() => {
                    doc.html_with_private_files(domain)
                }
                _ => doc.html(),
            };
            let post_id = match db::federation::post_by_ap_id(conn, doc.id.as_str())? {
                Some(existing) => {
                    if existing.author_id != author.id {
                        return Err(refuse("only the author may change a thread"));
                    }
                    let changes = db::content::PostChanges {
                        title: Some(title),
                        url: Some(link),
                        content_warning: Some(doc.content_warning()),
                        body: Some(body),
                        body_html: Some(body_html),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    db::content::update_post(conn, existing.id, &changes)?;
                    existing.id
                }
                None => {
                    if community.domain.is_none() {
                        crate::services::permissions::Access::for_person(
                            conn,
                            community.clone(),
                            author.id,
                        )?
                        .require_start_thread()?;
                    }
                    let id = db::content::insert_post(
                        conn,
                        &crate::db::models::NewPost {
                            community_id: community.id,
                            author_id: author.id,
                            ap_id: Some(doc.id.as_str()),
                            title: &title,
                            url: link.as_deref(),
                            body: &body,
                            body_html: &body_html,
                            content_warning: doc.content_warning().as_deref(),
                            created_at: doc
                                .published
                                .map(|t| t.naive_utc())
                                .unwrap_or_else(db::now),
                        },
                    )?;
                    let post = db::content::post(conn, id)?.ok_or(AppError::NotFound("thread"))?;
                    crate::services::notifications::on_thread(conn, &urls, &post)?;
                    id
                }
            };
            if let Some(poll) = doc.poll() {
                crate::services::polls::store_remote(conn, post_id, &poll)?;
            }
            if let Some(event) = doc.event() {
                crate::services::events::store_remote(conn, post_id, community.id, &event)?;
            }
            pass_on(conn, &urls, &community, &raw)
        })
        .await
}

/// A comment from another server, under the same rules as a local reply.
pub async fn receive_comment(
    state: &AppState,
    author: DbPerson,
    doc: crate::federation::content::ContentDoc,
    via: Option<DbCommunity>,
    raw: Value,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let parent_url = doc
                .in_reply_to
                .clone()
                .ok_or(AppError::NotFound("parent"))?;
            let (post, parent) = match find_target(conn, &urls, &parent_url)? {
                Some(Target::Post(post)) => (post, None),
                Some(Target::Comment(comment)) => {
                    let post = db::content::post(conn, comment.post_id)?
                        .ok_or(AppError::NotFound("thread"))?;
                    (post, Some(comment))
                }
                None => return Err(AppError::NotFound("parent")),
            };
            let community = db::communities::by_id(conn, post.community_id)?;
            if via.as_ref().is_some_and(|v| v.id != community.id) {
                return Err(refuse("the comment belongs to another community"));
            }
            // A direct or followers-only reply stays private: it does not become a comment
            // everyone in the community reads.
            let group = crate::federation::objects::community_id(&urls, &community)?;
            if via.is_none() && !doc.is_public() && !doc.addressed().contains(&group) {
                return Err(refuse(
                    "a reply that is neither public nor addressed to its community stays private",
                ));
            }
            let (body, body_html) = (doc.markdown(), doc.html_with_warning());
            match db::federation::comment_by_ap_id(conn, doc.id.as_str())? {
                Some(existing) => {
                    if existing.author_id != author.id {
                        return Err(refuse("only the author may change a comment"));
                    }
                    let changes = db::content::CommentChanges {
                        body: Some(body),
                        body_html: Some(body_html),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    db::content::update_comment(conn, existing.id, &changes)?;
                }
                None => {
                    if community.domain.is_none() {
                        let access = crate::services::permissions::Access::for_person(
                            conn,
                            community.clone(),
                            author.id,
                        )?;
                        access.require_participate()?;
                        if post.deleted || post.removed {
                            return Err(AppError::Gone("that thread is gone".into()));
                        }
                        if post.locked && !access.moderator {
                            return Err(AppError::denied("thread_locked", "this thread is locked"));
                        }
                    }
                    let id = db::content::insert_comment(
                        conn,
                        &crate::db::models::NewComment {
                            post_id: post.id,
                            parent_id: parent.as_ref().map(|p| p.id),
                            author_id: author.id,
                            ap_id: Some(doc.id.as_str()),
                            body: &body,
                            body_html: &body_html,
                            depth: parent.as_ref().map_or(0, |p| p.depth + 1),
                            created_at: doc
                                .published
                                .map(|t| t.naive_utc())
                                .unwrap_or_else(db::now),
                        },
                    )?;
                    let comment =
                        db::content::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
                    crate::services::notifications::on_comment(conn, &urls, &comment, &post)?;
                }
            }
            pass_on(conn, &urls, &community, &raw)
        })
        .await
}

/// A vote from another server (`score` 0 withdraws it).
pub async fn receive_vote(
    state: &AppState,
    voter: DbPerson,
    target: Url,
    score: i32,
    via: Option<DbCommunity>,
    raw: Value,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post_id, target) = match find_target(conn, &urls, &target)? {
                Some(Target::Post(p)) => (p.id, VoteTarget::Post(p.id)),
                Some(Target::Comment(c)) => (c.post_id, VoteTarget::Comment(c.id)),
                None => return Err(AppError::NotFound("vote target")),
            };
            let post = db::content::post(conn, post_id)?.ok_or(AppError::NotFound("thread"))?;
            let community = db::communities::by_id(conn, post.community_id)?;
            if via.as_ref().is_some_and(|v| v.id != community.id) {
                return Err(refuse("the vote belongs to another community"));
            }
            if community.domain.is_none() {
                crate::services::permissions::Access::for_person(
                    conn,
                    community.clone(),
                    voter.id,
                )?
                .require_participate()?;
            }
            match target {
                VoteTarget::Post(id) => db::content::set_post_vote(conn, id, voter.id, score)?,
                VoteTarget::Comment(id) => {
                    db::content::set_comment_vote(conn, id, voter.id, score)?
                }
            }
            pass_on(conn, &urls, &community, &raw)
        })
        .await
}

/// An author on another server deleted their thread or comment.
pub async fn receive_delete(
    state: &AppState,
    author: DbPerson,
    target: Url,
    via: Option<DbCommunity>,
    raw: Value,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (author_id, community_id) = match find_target(conn, &urls, &target)? {
                Some(Target::Post(p)) => {
                    let changes = db::content::PostChanges {
                        deleted: Some(true),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    if p.author_id == author.id {
                        db::content::update_post(conn, p.id, &changes)?;
                    }
                    (p.author_id, p.community_id)
                }
                Some(Target::Comment(c)) => {
                    let post =
                        db::content::post(conn, c.post_id)?.ok_or(AppError::NotFound("thread"))?;
                    let changes = db::content::CommentChanges {
                        deleted: Some(true),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    if c.author_id == author.id {
                        db::content::update_comment(conn, c.id, &changes)?;
                    }
                    (c.author_id, post.community_id)
                }
                // Nothing here to delete.
                None => return Ok(()),
            };
            if author_id != author.id {
                return Err(refuse("only the author may delete this"));
            }
            let community = db::communities::by_id(conn, community_id)?;
            if via.as_ref().is_some_and(|v| v.id != community.id) {
                return Err(refuse("that belongs to another community"));
            }
            pass_on(conn, &urls, &community, &raw)
        })
        .await
}

/// Marks a stored remote thread pinned, as its community's `featured` collection says.
pub async fn mark_pinned(state: &AppState, id: &Url) -> AppResult<()> {
    let key = id.to_string();
    state
        .db
        .write(move |conn| {
            if let Some(post) = db::federation::post_by_ap_id(conn, &key)? {
                let changes = db::content::PostChanges {
                    pinned: Some(true),
                    ..Default::default()
                };
                db::content::update_post(conn, post.id, &changes)?;
            }
            Ok(())
        })
        .await
}

/// A thread pinned or unpinned, or a facilitator added or removed, in one of our
/// communities: announced as `Add` or `Remove` with the collection as `target`.
pub(crate) fn federate_collection_change(
    conn: &mut DbConn,
    urls: &Urls,
    community: &DbCommunity,
    moderator_id: i64,
    add: bool,
    object: &Url,
    collection: &str,
) -> AppResult<()> {
    if community.domain.is_some() {
        return Ok(());
    }
    let target = urls.community_part(&community.name, collection)?;
    let kind = if add { "Add" } else { "Remove" };
    let (activity, _, _) =
        facilitator_activity(conn, urls, community, moderator_id, kind, object, &target)?;
    announce_to_followers(conn, urls, community, activity)
}

/// A remote community's pinned threads or facilitators changed, as it announced.
pub async fn receive_collection_change(
    state: &AppState,
    community: DbCommunity,
    add: bool,
    object: Url,
    collection: String,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .db
        .write(move |conn| {
            if collection == "featured" {
                if let Some(Target::Post(post)) = find_target(conn, &urls, &object)?
                    && post.community_id == community.id
                {
                    let changes = db::content::PostChanges {
                        pinned: Some(add),
                        ..Default::default()
                    };
                    db::content::update_post(conn, post.id, &changes)?;
                }
                return Ok(());
            }
            let person = if urls.is_local(&object) {
                match object.path().strip_prefix("/u/") {
                    Some(name) => db::persons::local_person_by_name(conn, name)?,
                    None => None,
                }
            } else {
                db::federation::person_by_ap_id(conn, object.as_str())?
            };
            let Some(person) = person else { return Ok(()) };
            let is_moderator = db::communities::is_moderator(conn, community.id, person.id)?;
            match (add, is_moderator) {
                (true, false) => db::communities::add_moderator(conn, community.id, person.id),
                (false, true) => {
                    db::communities::remove_moderator(conn, community.id, person.id).map(|_| ())
                }
                _ => Ok(()),
            }
        })
        .await
}
