//! ActivityStreams documents for local actors and objects, built explicitly from rows.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

use super::urls::Urls;
use crate::db::models::{DbComment, DbCommunity, DbEvent, DbPerson, DbPoll, DbPollOption, DbPost};
use crate::error::AppResult;
use crate::types::Visibility;

/// The public audience.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The JSON-LD context of every document we serve: ActivityStreams, security keys, and
/// the terms Lemmy-family servers use for groups.
pub fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "lemmy": "https://join-lemmy.org/ns#",
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
            "sensitive": "as:sensitive",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers"
        }
    ])
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: String,
    pub owner: Url,
    pub public_key_pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    pub shared_inbox: Url,
}

/// Markdown source kept beside rendered HTML, as Lemmy does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub content: String,
    pub media_type: String,
}

impl Source {
    fn markdown(content: &str) -> Option<Source> {
        (!content.is_empty()).then(|| Source {
            content: content.to_owned(),
            media_type: "text/markdown".into(),
        })
    }
}

/// A profile field, shown by Mastodon as a name/value row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PropertyValue {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub value: String,
}

/// A member: `Person`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonObject {
    #[serde(rename = "@context")]
    pub context: Value,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub preferred_username: String,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub source: Option<Source>,
    pub url: Url,
    pub inbox: Url,
    pub outbox: Url,
    pub followers: Url,
    pub endpoints: Endpoints,
    pub public_key: PublicKey,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    pub attachment: Vec<PropertyValue>,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
}

impl PersonObject {
    pub fn build(urls: &Urls, p: &DbPerson) -> AppResult<PersonObject> {
        let id = urls.person(&p.name)?;
        let fields = [
            ("Job title", &p.job_title),
            ("Organisation", &p.organisation),
            ("Region", &p.region),
            ("Interests", &p.interests),
        ];
        Ok(PersonObject {
            context: context(),
            kind: "Person".into(),
            preferred_username: p.name.clone(),
            name: p.display_name.clone(),
            summary: (!p.bio_html.is_empty()).then(|| p.bio_html.clone()),
            source: Source::markdown(&p.bio),
            url: id.clone(),
            inbox: urls.person_part(&p.name, "inbox")?,
            outbox: urls.person_part(&p.name, "outbox")?,
            followers: urls.person_part(&p.name, "followers")?,
            endpoints: Endpoints {
                shared_inbox: urls.shared_inbox()?,
            },
            public_key: PublicKey {
                id: Urls::key_id(&id),
                owner: id.clone(),
                public_key_pem: p.public_key.clone().unwrap_or_default(),
            },
            manually_approves_followers: false,
            discoverable: true,
            attachment: fields
                .into_iter()
                .filter_map(|(name, value)| {
                    value.as_ref().map(|v| PropertyValue {
                        kind: "PropertyValue".into(),
                        name: name.into(),
                        value: crate::markdown::sanitize(v),
                    })
                })
                .collect(),
            published: utc(p.created_at),
            updated: p.updated_at.map(utc),
            id,
        })
    }
}

/// A community: `Group`, in the shape Lemmy, Mbin and Mastodon read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupObject {
    #[serde(rename = "@context")]
    pub context: Value,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub preferred_username: String,
    pub name: String,
    pub summary: Option<String>,
    pub source: Option<Source>,
    pub url: Url,
    pub inbox: Url,
    pub outbox: Url,
    pub followers: Url,
    pub featured: Url,
    /// The moderators collection, as Lemmy publishes it.
    pub attributed_to: Url,
    pub endpoints: Endpoints,
    pub public_key: PublicKey,
    pub manually_approves_followers: bool,
    pub posting_restricted_to_mods: bool,
    pub discoverable: bool,
    pub sensitive: bool,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
}

impl GroupObject {
    pub fn build(urls: &Urls, c: &DbCommunity) -> AppResult<GroupObject> {
        let id = urls.community(&c.name)?;
        let visibility = Visibility::from_db(&c.visibility)?;
        Ok(GroupObject {
            context: context(),
            kind: "Group".into(),
            preferred_username: c.name.clone(),
            name: c.title.clone(),
            summary: (!c.description_html.is_empty()).then(|| c.description_html.clone()),
            source: Source::markdown(&c.description),
            url: id.clone(),
            inbox: urls.community_part(&c.name, "inbox")?,
            outbox: urls.community_part(&c.name, "outbox")?,
            followers: urls.community_part(&c.name, "followers")?,
            featured: urls.community_part(&c.name, "featured")?,
            attributed_to: urls.community_part(&c.name, "moderators")?,
            endpoints: Endpoints {
                shared_inbox: urls.shared_inbox()?,
            },
            public_key: PublicKey {
                id: Urls::key_id(&id),
                owner: id.clone(),
                public_key_pem: c.public_key.clone().unwrap_or_default(),
            },
            manually_approves_followers: visibility != Visibility::Public,
            posting_restricted_to_mods: c.posting_restricted,
            discoverable: visibility != Visibility::Private,
            sensitive: false,
            published: utc(c.created_at),
            updated: c.updated_at.map(utc),
            id,
        })
    }
}

/// The instance actor: an `Application` that signs fetches made for the instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceObject {
    #[serde(rename = "@context")]
    pub context: Value,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub preferred_username: String,
    pub name: String,
    pub url: Url,
    pub inbox: Url,
    pub outbox: Url,
    pub endpoints: Endpoints,
    pub public_key: PublicKey,
    pub manually_approves_followers: bool,
}

impl InstanceObject {
    pub fn build(
        urls: &Urls,
        domain: &str,
        name: &str,
        public_key: String,
    ) -> AppResult<InstanceObject> {
        let id = urls.instance()?;
        Ok(InstanceObject {
            context: context(),
            kind: "Application".into(),
            preferred_username: domain.to_owned(),
            name: name.to_owned(),
            url: id.clone(),
            inbox: urls.shared_inbox()?,
            outbox: id.join("outbox").unwrap_or_else(|_| id.clone()),
            endpoints: Endpoints {
                shared_inbox: urls.shared_inbox()?,
            },
            public_key: PublicKey {
                id: Urls::key_id(&id),
                owner: id.clone(),
                public_key_pem: public_key,
            },
            manually_approves_followers: true,
            id,
        })
    }
}

/// The id of a person, local or remote.
pub fn person_id(urls: &Urls, p: &DbPerson) -> AppResult<Url> {
    match (&p.domain, &p.ap_id) {
        (Some(_), Some(ap_id)) => {
            Url::parse(ap_id).map_err(|e| crate::error::AppError::Internal(e.into()))
        }
        _ => urls.person(&p.name),
    }
}

/// The id of a community, local or remote.
pub fn community_id(urls: &Urls, c: &DbCommunity) -> AppResult<Url> {
    match (&c.domain, &c.ap_id) {
        (Some(_), Some(ap_id)) => {
            Url::parse(ap_id).map_err(|e| crate::error::AppError::Internal(e.into()))
        }
        _ => urls.community(&c.name),
    }
}

/// Who may see something posted in a community.
fn audience(urls: &Urls, community: &DbCommunity) -> AppResult<(Vec<Value>, Url)> {
    let group = community_id(urls, community)?;
    let to = if Visibility::from_db(&community.visibility)? == Visibility::Private {
        vec![json!(group)]
    } else {
        vec![json!(group), json!(PUBLIC)]
    };
    Ok((to, group))
}

/// A thread: `Page`, as Lemmy and Mbin read it.
pub fn page(
    urls: &Urls,
    post: &DbPost,
    author: &DbPerson,
    community: &DbCommunity,
) -> AppResult<Value> {
    let id = post_id(urls, post)?;
    let (to, group) = audience(urls, community)?;
    let attachment: Vec<Value> = post
        .url
        .iter()
        .map(|href| json!({"type": "Link", "href": href}))
        .collect();
    Ok(json!({
        "@context": context(),
        "type": "Page",
        "id": id,
        "attributedTo": person_id(urls, author)?,
        "to": to,
        "cc": [],
        "audience": group,
        "context": id,
        "name": post.title,
        "content": post.body_html,
        "contentMap": {urls.language(): post.body_html},
        "mediaType": "text/html",
        "source": Source::markdown(&post.body),
        "attachment": attachment,
        "tag": hashtags(&post.body),
        "commentsEnabled": !post.locked,
        "stickied": post.pinned,
        "sensitive": post.content_warning.is_some(),
        "summary": post.content_warning,
        "url": id,
        "published": utc(post.created_at),
        "updated": post.updated_at.map(utc),
    }))
}

/// Adds a library document's current file to its thread, as a `Document` attachment
/// that Lemmy, Mbin and Mastodon show as a link to the file.
pub fn attach_document(
    urls: &Urls,
    object: &mut Value,
    community: &DbCommunity,
    version: &crate::db::models::DbDocumentVersion,
) -> AppResult<()> {
    let url = urls.document_file(&community.name, version.document_id, version.version)?;
    let document = json!({
        "type": "Document",
        "url": url,
        "mediaType": version.media_type,
        "name": version.file_name,
    });
    match object.get_mut("attachment") {
        Some(Value::Array(items)) => items.push(document),
        _ => object["attachment"] = json!([document]),
    }
    Ok(())
}

/// A thread as served and sent: a `Page`, or with a poll a `Question` carrying the same
/// fields plus the options (`oneOf`, or `anyOf` when several may be chosen) with their
/// counts as Mastodon reads them, `endTime`, `closed` once closed, and `votersCount`.
pub fn thread(
    urls: &Urls,
    post: &DbPost,
    author: &DbPerson,
    community: &DbCommunity,
    poll: Option<(&DbPoll, &[DbPollOption])>,
    event: Option<&DbEvent>,
) -> AppResult<Value> {
    let mut object = page(urls, post, author, community)?;
    if let Some(event) = event {
        add_event(urls, &mut object, event, author, community)?;
        return Ok(object);
    }
    let Some((poll, options)) = poll else {
        return Ok(object);
    };
    let answers: Vec<Value> = options
        .iter()
        .map(|o| {
            json!({
                "type": "Note",
                "name": o.name,
                "replies": {"type": "Collection", "totalItems": o.votes},
            })
        })
        .collect();
    object["type"] = json!("Question");
    object[if poll.multiple { "anyOf" } else { "oneOf" }] = json!(answers);
    object["votersCount"] = json!(poll.voters_count);
    if let Some(end) = poll.closes_at {
        object["endTime"] = json!(utc(end));
        if end <= crate::db::now() {
            object["closed"] = json!(utc(end));
        }
    }
    if let Some(Value::Array(terms)) = object.get_mut("@context") {
        terms.push(
            json!({"toot": "http://joinmastodon.org/ns#", "votersCount": "toot:votersCount"}),
        );
    }
    Ok(object)
}

/// Makes a thread's `Page` the `Event` it is, in Mobilizon's shape: attributed to the
/// community with the organiser as `actor`, times in UTC with the zone beside them, the
/// address as a `Place`, and the going count as `participantCount`. The online link is
/// never sent: it is for people going, and an Event goes to every follower.
fn add_event(
    urls: &Urls,
    object: &mut Value,
    event: &DbEvent,
    organiser: &DbPerson,
    community: &DbCommunity,
) -> AppResult<()> {
    object["type"] = json!("Event");
    object["attributedTo"] = json!(community_id(urls, community)?);
    object["actor"] = json!(person_id(urls, organiser)?);
    object["startTime"] = json!(utc(event.starts_at));
    object["endTime"] = json!(utc(event.ends_at));
    object["timezone"] = json!(event.timezone);
    object["joinMode"] = json!(event.join_mode);
    object["isOnline"] = json!(event.online_link.is_some() && event.address.is_none());
    object["participantCount"] = json!(event.going_count);
    object["maximumAttendeeCapacity"] = json!(event.capacity.unwrap_or(0));
    object["remainingAttendeeCapacity"] =
        json!(event.capacity.map(|c| (c - event.going_count).max(0)));
    object["ical:status"] = json!(if event.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    });
    object["anonymousParticipationEnabled"] = json!(false);
    if let Some(address) = &event.address {
        object["location"] = json!({
            "type": "Place",
            "name": address,
            "address": {"type": "PostalAddress", "streetAddress": address},
        });
    }
    if let Some(Value::Array(terms)) = object.get_mut("@context") {
        terms.push(json!({
            "mz": "https://joinmobilizon.org/ns#",
            "sc": "http://schema.org#",
            "ical": "http://www.w3.org/2002/12/cal/ical#",
            "timezone": {"@id": "mz:timezone", "@type": "sc:Text"},
            "isOnline": {"@id": "mz:isOnline", "@type": "sc:Boolean"},
            "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
            "participantCount": {"@id": "mz:participantCount", "@type": "sc:Integer"},
            "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
            "remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
            "anonymousParticipationEnabled": {"@id": "mz:anonymousParticipationEnabled", "@type": "sc:Boolean"},
            "location": {"@id": "sc:location", "@type": "sc:Place"},
            "address": {"@id": "sc:address", "@type": "sc:PostalAddress"},
            "PostalAddress": "sc:PostalAddress",
            "streetAddress": "sc:streetAddress",
        }));
    }
    Ok(())
}

/// A comment: `Note` replying to its thread or parent comment.
pub fn note(
    urls: &Urls,
    comment: &DbComment,
    author: &DbPerson,
    post: &DbPost,
    parent: Option<&DbComment>,
    community: &DbCommunity,
) -> AppResult<Value> {
    let id = comment_id(urls, comment)?;
    let (to, group) = audience(urls, community)?;
    let thread = post_id(urls, post)?;
    let in_reply_to = match parent {
        Some(parent) => comment_id(urls, parent)?,
        None => thread.clone(),
    };
    Ok(json!({
        "@context": context(),
        "type": "Note",
        "id": id,
        "attributedTo": person_id(urls, author)?,
        "to": to,
        "cc": [],
        "audience": group,
        "context": thread,
        "inReplyTo": in_reply_to,
        "content": comment.body_html,
        "contentMap": {urls.language(): comment.body_html},
        "mediaType": "text/html",
        "source": Source::markdown(&comment.body),
        "tag": hashtags(&comment.body),
        "distinguished": false,
        "url": id,
        "published": utc(comment.created_at),
        "updated": comment.updated_at.map(utc),
    }))
}

/// The hashtags of a Markdown text as `Hashtag` tags: `#word` after a space or at the
/// start of a line, letters, digits and `_`, with at least one letter; each once.
pub fn hashtags(markdown: &str) -> Vec<Value> {
    let mut seen: Vec<String> = Vec::new();
    let mut tags = Vec::new();
    for word in markdown.split(|c: char| c.is_whitespace() || c == '(') {
        let Some(rest) = word.strip_prefix('#') else {
            continue;
        };
        let tag: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if tag.is_empty() || tag.chars().count() > 50 || !tag.chars().any(char::is_alphabetic) {
            continue;
        }
        let key = tag.to_lowercase();
        if !seen.contains(&key) {
            seen.push(key);
            tags.push(json!({"type": "Hashtag", "name": format!("#{tag}")}));
        }
    }
    tags
}

/// The people a Markdown text mentions: `@name` for a member here, `@name@host` for
/// someone elsewhere (names as written, hosts in lower case); each once, in order.
pub fn mentioned_handles(markdown: &str) -> Vec<(String, Option<String>)> {
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let host_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':');
    let mut handles: Vec<(String, Option<String>)> = Vec::new();
    for word in markdown.split(|c: char| c.is_whitespace() || c == '(') {
        let Some(rest) = word.strip_prefix('@') else {
            continue;
        };
        let name: String = rest.chars().take_while(|c| name_char(*c)).collect();
        let name = name.trim_end_matches('.').to_owned();
        if name.is_empty() {
            continue;
        }
        let host = rest[name.len()..]
            .strip_prefix('@')
            .map(|h| {
                h.chars()
                    .take_while(|c| host_char(*c))
                    .collect::<String>()
                    .trim_end_matches(['.', ':'])
                    .to_lowercase()
            })
            .filter(|h| h.contains('.') || h.contains(':') || h == "localhost");
        let seen = handles
            .iter()
            .any(|(n, h)| n.eq_ignore_ascii_case(&name) && *h == host);
        if !seen {
            handles.push((name, host));
        }
    }
    handles
}

pub fn post_id(urls: &Urls, post: &DbPost) -> AppResult<Url> {
    match &post.ap_id {
        Some(ap_id) => Url::parse(ap_id).map_err(|e| crate::error::AppError::Internal(e.into())),
        None => urls.post(post.id),
    }
}

pub fn comment_id(urls: &Urls, comment: &DbComment) -> AppResult<Url> {
    match &comment.ap_id {
        Some(ap_id) => Url::parse(ap_id).map_err(|e| crate::error::AppError::Internal(e.into())),
        None => urls.comment(comment.id),
    }
}

/// What a deleted object's id answers with.
pub fn tombstone(id: &Url, former_type: &str) -> Value {
    json!({"@context": context(), "type": "Tombstone", "id": id, "formerType": former_type})
}

/// An ordered collection, with its items or only its size.
pub fn ordered_collection(id: &Url, total: usize, items: Option<Vec<Value>>) -> Value {
    let mut collection = json!({
        "@context": context(),
        "type": "OrderedCollection",
        "id": id,
        "totalItems": total,
    });
    if let Some(items) = items {
        collection["orderedItems"] = Value::Array(items);
    }
    collection
}

/// A member's blog post: an `Article` from their `Person`, public, copied to their
/// followers, as Mastodon shows long-form posts.
pub fn article(
    urls: &Urls,
    post: &crate::db::models::DbBlogPost,
    author: &DbPerson,
) -> AppResult<Value> {
    let id = urls.blog_post(post.id)?;
    Ok(json!({
        "@context": context(),
        "type": "Article",
        "id": id,
        "attributedTo": person_id(urls, author)?,
        "to": [PUBLIC],
        "cc": [urls.person_part(&author.name, "followers")?],
        "name": post.title,
        "content": post.body_html,
        "contentMap": {urls.language(): post.body_html},
        "mediaType": "text/html",
        "source": Source::markdown(&post.body),
        "tag": hashtags(&post.body),
        "url": id,
        "published": utc(post.created_at),
        "updated": post.updated_at.map(utc),
    }))
}

/// A comment on a blog post: a public `Note` replying to the `Article`.
pub fn blog_note(
    urls: &Urls,
    comment: &crate::db::models::DbBlogComment,
    author: &DbPerson,
    post: &crate::db::models::DbBlogPost,
    post_author: &DbPerson,
) -> AppResult<Value> {
    let id = urls.blog_comment(comment.id)?;
    let article = match &post.ap_id {
        Some(ap_id) => Url::parse(ap_id).map_err(|e| crate::error::AppError::Internal(e.into()))?,
        None => urls.blog_post(post.id)?,
    };
    Ok(json!({
        "@context": context(),
        "type": "Note",
        "id": id,
        "attributedTo": person_id(urls, author)?,
        "to": [PUBLIC],
        "cc": [person_id(urls, post_author)?],
        "inReplyTo": article,
        "context": article,
        "content": comment.body_html,
        "contentMap": {urls.language(): comment.body_html},
        "mediaType": "text/html",
        "source": Source::markdown(&comment.body),
        "url": id,
        "published": utc(comment.created_at),
        "updated": comment.updated_at.map(utc),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_name_local_members_and_people_elsewhere() {
        let handles = mentioned_handles(
            "Thanks @ana and @Bo@Social.Example, (@cy@localhost:8081). Mail me@leeds.gov.uk or @ana again; @ alone",
        );
        assert_eq!(
            handles,
            [
                ("ana".to_owned(), None),
                ("Bo".to_owned(), Some("social.example".to_owned())),
                ("cy".to_owned(), Some("localhost:8081".to_owned())),
            ]
        );
    }

    #[test]
    fn hashtags_are_words_after_a_hash_each_once() {
        let tags =
            hashtags("# Heading\n#Housing and #planning_2030 (#housing again) #2030 a#b ##x");
        let names: Vec<&str> = tags.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["#Housing", "#planning_2030"]);
        assert!(tags.iter().all(|t| t["type"] == "Hashtag"));
    }
}
