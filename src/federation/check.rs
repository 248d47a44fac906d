//! What the inbox would make of a document, without a network or a database: used by
//! `guildhall federation check FILE` and by the tests over other servers' real payloads.

use activitypub_federation::traits::Activity;
use serde_json::Value;

use super::activities::{ACCEPTED_TYPES, InboxActivity};
use super::content::ContentDoc;

/// The inbox's verdict on a document, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Parsed and checked as far as possible offline; a real delivery still needs a valid
    /// signature and passes the community's rules.
    Accepted(String),
    /// Acknowledged with 202 and changes nothing.
    Ignored(String),
    /// Refused with a 4xx.
    Rejected(String),
}

/// Classifies an activity or object.
pub fn check(document: &[u8]) -> Verdict {
    let value: Value = match serde_json::from_slice(document) {
        Ok(value) => value,
        Err(e) => return Verdict::Rejected(format!("not JSON: {e}")),
    };
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if value.get("id").and_then(Value::as_str).is_none() {
        return Verdict::Rejected("no id".into());
    }
    if ACCEPTED_TYPES.contains(&kind.as_str()) {
        return match serde_json::from_value::<InboxActivity>(value.clone()) {
            Ok(activity) => match offline_checks(&activity) {
                Ok(what) => Verdict::Accepted(what),
                Err(reason) => Verdict::Rejected(reason),
            },
            Err(e) => Verdict::Rejected(format!("{} {kind} we cannot read: {e}", article(&kind))),
        };
    }
    match kind.as_str() {
        "Person" | "Group" | "Service" | "Application" | "Organization" => {
            let has_key = value
                .pointer("/publicKey/publicKeyPem")
                .is_some_and(Value::is_string);
            let has_inbox = value.get("inbox").is_some_and(Value::is_string);
            if has_key && has_inbox {
                Verdict::Accepted(format!(
                    "{} {kind} actor we can follow and verify",
                    article(&kind)
                ))
            } else {
                Verdict::Rejected(format!(
                    "{} {kind} without an inbox or public key",
                    article(&kind)
                ))
            }
        }
        "Note" | "Page" | "Article" | "Video" | "Event" | "Question" => {
            match ContentDoc::parse(&value) {
                Ok(doc) if doc.author().is_some() => match thread_rule(&doc) {
                    Ok(Some(what)) => Verdict::Accepted(what),
                    Ok(None) => {
                        Verdict::Accepted(format!("{} {kind} we can store", article(&kind)))
                    }
                    Err(reason) => Verdict::Rejected(reason),
                },
                Ok(_) => Verdict::Rejected(format!("{} {kind} without an author", article(&kind))),
                Err(e) => Verdict::Rejected(e.to_string()),
            }
        }
        "" => Verdict::Rejected("no type".into()),
        other => Verdict::Ignored(format!(
            "{other} is not handled; it would be acknowledged and change nothing"
        )),
    }
}

fn offline_checks(activity: &InboxActivity) -> Result<String, String> {
    let (id, actor) = (activity.id(), activity.actor());
    if id.origin() != actor.origin() {
        return Err("the activity's id is not on its actor's server".into());
    }
    match activity {
        InboxActivity::Create(a) => object_checks(&a.object, actor),
        InboxActivity::Update(a)
            if matches!(
                a.object.get("type").and_then(Value::as_str),
                Some("Person" | "Group" | "Service" | "Application" | "Organization")
            ) =>
        {
            Ok("an Update of an actor's profile".into())
        }
        InboxActivity::Update(a) => object_checks(&a.object, actor),
        InboxActivity::Announce(a) => match &a.object {
            Value::Object(_) => match serde_json::from_value::<InboxActivity>(a.object.clone()) {
                Ok(inner) => offline_checks(&inner).map(|what| format!("an Announce of {what}")),
                Err(e) => Err(format!("an Announce of something we cannot read: {e}")),
            },
            _ => Ok("an Announce by id only, acknowledged and ignored".into()),
        },
        other => Ok(format!(
            "{} {} we handle",
            article(kind_name(other)),
            kind_name(other)
        )),
    }
}

fn object_checks(object: &Value, actor: &url::Url) -> Result<String, String> {
    let doc = ContentDoc::parse(object).map_err(|e| e.to_string())?;
    if !matches!(
        doc.kind.as_str(),
        "Note" | "Page" | "Article" | "Video" | "Event" | "Question"
    ) {
        return Err(format!("objects of type {} are not stored", doc.kind));
    }
    if doc.author().as_ref() != Some(actor) {
        return Err("the object's author is not the activity's actor".into());
    }
    if doc.id.origin() != actor.origin() {
        return Err("the object is not from the actor's server".into());
    }
    match thread_rule(&doc)? {
        Some(what) => Ok(what),
        None => Ok(format!("{} {} by its author", article(&doc.kind), doc.kind)),
    }
}

/// The inbox's rules for a `Note`: one that replies to nothing starts a thread only when
/// it is public and mentions a community it is addressed to; a reply becomes a comment
/// only when it is public or addressed to its community. `None` when nothing is said.
fn thread_rule(doc: &ContentDoc) -> Result<Option<String>, String> {
    if doc.is_poll_vote() {
        return Ok(Some(
            "a vote in a poll (a Note named after its option), counted if the poll is ours".into(),
        ));
    }
    if doc.kind == "Note" && doc.in_reply_to.is_some() {
        // Offline, a community is recognised only by `audience`.
        if !doc.is_public() && doc.audience.is_none() {
            return Err(
                "a reply that is neither public nor addressed to its community stays private"
                    .into(),
            );
        }
        return Ok(None);
    }
    if doc.kind != "Note" {
        return Ok(None);
    }
    doc.may_start_thread(false)?;
    Ok(Some(
        "a Note that mentions a community, starting a thread there".into(),
    ))
}

fn kind_name(activity: &InboxActivity) -> &'static str {
    match activity {
        InboxActivity::Follow(_) => "Follow",
        InboxActivity::Accept(_) => "Accept",
        InboxActivity::Reject(_) => "Reject",
        InboxActivity::Undo(_) | InboxActivity::UndoVote(_) => "Undo",
        InboxActivity::Create(_) => "Create",
        InboxActivity::Update(_) => "Update",
        InboxActivity::Delete(_) => "Delete",
        InboxActivity::Like(_) => "Like",
        InboxActivity::Dislike(_) => "Dislike",
        InboxActivity::Announce(_) => "Announce",
        InboxActivity::Moderation(_) => "moderation activity",
        InboxActivity::Rsvp(a) => match a.kind {
            super::activities::RsvpKind::Join => "Join",
            super::activities::RsvpKind::TentativeAccept => "TentativeAccept",
            super::activities::RsvpKind::Leave => "Leave",
        },
        InboxActivity::RsvpReply(a) => match a.kind {
            super::activities::RsvpReplyKind::Accept => "Accept",
            super::activities::RsvpReplyKind::Reject => "Reject",
        },
    }
}

/// "a" or "an", as the word that follows wants.
fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
