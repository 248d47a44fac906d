//! Threads, comments and votes arriving from other servers: parsed tolerantly, checked
//! for origin, and handed to the services that apply our rules.

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::error::FedError;

/// A `Page` or `Note` as peers publish it: what we need, the rest optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentDoc {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub attributed_to: Value,
    pub name: Option<String>,
    pub content: Option<String>,
    /// An object `{content, mediaType}`, or a bare string (Pleroma).
    #[serde(default)]
    pub source: Value,
    pub url: Option<Value>,
    #[serde(default)]
    pub attachment: Value,
    pub audience: Option<Url>,
    #[serde(default)]
    pub to: Value,
    #[serde(default)]
    pub cc: Value,
    pub in_reply_to: Option<Url>,
    pub published: Option<chrono::DateTime<chrono::Utc>>,
    /// Mentions and hashtags: a single object or an array.
    #[serde(default)]
    pub tag: Value,
    /// The content by language, for servers that send only this.
    #[serde(default)]
    pub content_map: Value,
    /// A content warning (Mastodon's spoiler text) when `sensitive` is set, else a summary.
    pub summary: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    /// A `Question`'s options when one may be chosen.
    #[serde(default)]
    pub one_of: Value,
    /// A `Question`'s options when several may be chosen.
    #[serde(default)]
    pub any_of: Value,
    /// When a `Question` closes, read leniently: a time we cannot read is no time.
    #[serde(default)]
    pub end_time: Value,
    /// When a `Question` closed: a time, or `true`.
    #[serde(default)]
    pub closed: Value,
    #[serde(default)]
    pub voters_count: Value,
    /// An `Event`'s organiser, when `attributedTo` names its group (Mobilizon).
    #[serde(default)]
    pub actor: Value,
    #[serde(default)]
    pub start_time: Value,
    #[serde(default)]
    pub timezone: Value,
    #[serde(default)]
    pub location: Value,
    #[serde(default)]
    pub join_mode: Value,
    #[serde(default)]
    pub maximum_attendee_capacity: Value,
    #[serde(default)]
    pub participant_count: Value,
    #[serde(default, rename = "ical:status")]
    pub ical_status: Value,
}

/// The URLs in a value that may be a string, an object with `id` or `href`, or an array.
pub fn urls_in(value: &Value) -> Vec<Url> {
    match value {
        Value::String(s) => Url::parse(s).into_iter().collect(),
        Value::Array(items) => items.iter().flat_map(urls_in).collect(),
        Value::Object(map) => map
            .get("id")
            .or_else(|| map.get("href"))
            .map(urls_in)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

impl ContentDoc {
    pub fn parse(value: &Value) -> Result<ContentDoc, FedError> {
        ContentDoc::deserialize(value)
            .map_err(|e| FedError::refused(format!("unreadable object: {e}")))
    }

    /// Who wrote the object: its `attributedTo`, or for an `Event` from Mobilizon, which
    /// attributes it to the organising group, the person named as its `actor`.
    pub fn author(&self) -> Option<Url> {
        if self.kind == "Event"
            && let Some(actor) = urls_in(&self.actor).into_iter().next()
        {
            return Some(actor);
        }
        urls_in(&self.attributed_to).into_iter().next()
    }

    /// Every actor the object is addressed to, `audience` first; for an `Event`, the
    /// group it is attributed to before all.
    pub fn addressed(&self) -> Vec<Url> {
        let mut all: Vec<Url> = Vec::new();
        if self.kind == "Event" && !self.actor.is_null() {
            all.extend(urls_in(&self.attributed_to));
        }
        all.extend(self.audience.iter().cloned());
        all.extend(urls_in(&self.to));
        all.extend(urls_in(&self.cc));
        all
    }

    /// Whether the object is addressed to the public (`as:Public` in any of its forms).
    pub fn is_public(&self) -> bool {
        let public = |v: &Value| {
            v.as_str()
                .is_some_and(|s| s == super::objects::PUBLIC || s == "as:Public" || s == "Public")
        };
        [&self.to, &self.cc].into_iter().any(|field| match field {
            Value::Array(items) => items.iter().any(public),
            other => public(other),
        })
    }

    /// Whether a `Note` that replies to nothing may start a thread: it must be public and,
    /// unless a community announced it, mention a community it is addressed to. The
    /// inbox and `federation check` both ask this.
    pub fn may_start_thread(&self, announced: bool) -> Result<(), &'static str> {
        let mentioned = self.mentions();
        if !announced && !self.addressed().iter().any(|a| mentioned.contains(a)) {
            return Err(
                "a Note that replies to nothing must mention the community it is addressed to",
            );
        }
        if !self.is_public() {
            return Err("only public posts start threads");
        }
        Ok(())
    }

    /// The actors the object's `Mention` tags name.
    pub fn mentions(&self) -> Vec<Url> {
        let tags = match &self.tag {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![&self.tag],
            _ => Vec::new(),
        };
        tags.into_iter()
            .filter(|t| t.get("type").and_then(Value::as_str) == Some("Mention"))
            .filter_map(|t| t.get("href").and_then(Value::as_str))
            .filter_map(|href| Url::parse(href).ok())
            .collect()
    }

    /// A thread's title: its `name`, or for a post from a microblog (which has none) the
    /// first line of its text, without the mentions that lead it, cut to `max` characters.
    pub fn title(&self, max: usize) -> String {
        if let Some(name) = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            return name.chars().take(max).collect();
        }
        let text = plain_text(self.content_html());
        let line = text
            .lines()
            .map(|line| {
                line.split_whitespace()
                    .skip_while(|word| word.starts_with('@'))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .find(|line| !line.is_empty())
            .unwrap_or_default();
        if line.chars().count() <= max {
            line
        } else {
            let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
            cut.push('…');
            cut
        }
    }

    /// Whether the object is a vote in a poll, as Mastodon sends one: a `Note` with the
    /// option as its `name`, replying to the poll, and no text of its own.
    pub fn is_poll_vote(&self) -> bool {
        self.kind == "Note"
            && self.in_reply_to.is_some()
            && self.name.as_deref().is_some_and(|n| !n.trim().is_empty())
            && self.content_html().trim().is_empty()
    }

    /// The poll a `Question` asks, with the counts its server published.
    pub fn poll(&self) -> Option<crate::services::polls::RemotePoll> {
        if self.kind != "Question" {
            return None;
        }
        let (multiple, answers) = match (&self.any_of, &self.one_of) {
            (Value::Array(any), _) if !any.is_empty() => (true, any),
            (_, Value::Array(one)) if !one.is_empty() => (false, one),
            _ => return None,
        };
        let options: Vec<(String, i32)> = answers
            .iter()
            .filter_map(|a| {
                let name = a.get("name").and_then(Value::as_str)?.trim().to_owned();
                let votes = a
                    .pointer("/replies/totalItems")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                Some((name, i32::try_from(votes.max(0)).unwrap_or(i32::MAX)))
            })
            .filter(|(name, _)| !name.is_empty())
            .collect();
        if options.is_empty() {
            return None;
        }
        let time = |v: &Value| {
            v.as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.naive_utc())
        };
        let end_time = time(&self.end_time);
        let closed_at = match &self.closed {
            Value::String(_) => time(&self.closed),
            Value::Bool(true) => Some(end_time.unwrap_or_else(crate::db::now)),
            _ => None,
        };
        let closes_at = match (end_time, closed_at) {
            (Some(end), Some(closed)) => Some(end.min(closed)),
            (end, closed) => end.or(closed),
        };
        let voters = self.voters_count.as_i64().unwrap_or_else(|| {
            if multiple {
                0
            } else {
                options.iter().map(|(_, v)| i64::from(*v)).sum()
            }
        });
        Some(crate::services::polls::RemotePoll {
            multiple,
            closes_at,
            options,
            voters_count: i32::try_from(voters.max(0)).unwrap_or(i32::MAX),
        })
    }

    /// The event an `Event` announces, read leniently: without a start time it is no
    /// event (and is stored as a plain thread).
    pub fn event(&self) -> Option<crate::services::events::RemoteEvent> {
        if self.kind != "Event" {
            return None;
        }
        let time = |v: &Value| {
            v.as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.naive_utc())
        };
        let starts_at = time(&self.start_time)?;
        let ends_at = time(&self.end_time).unwrap_or(starts_at);
        let count = |v: &Value| v.as_i64().and_then(|n| i32::try_from(n).ok());
        let address = match &self.location {
            Value::Object(place) => {
                let mut parts: Vec<String> = Vec::new();
                if let Some(name) = place.get("name").and_then(Value::as_str) {
                    parts.push(name.trim().to_owned());
                }
                match place.get("address") {
                    Some(Value::String(a)) => parts.push(a.trim().to_owned()),
                    Some(Value::Object(a)) => {
                        for key in [
                            "streetAddress",
                            "addressLocality",
                            "postalCode",
                            "addressRegion",
                            "addressCountry",
                        ] {
                            if let Some(part) = a.get(key).and_then(Value::as_str) {
                                parts.push(part.trim().to_owned());
                            }
                        }
                    }
                    _ => {}
                }
                let mut unique: Vec<String> = Vec::new();
                for part in parts.into_iter().filter(|p| !p.is_empty()) {
                    if !unique.contains(&part) {
                        unique.push(part);
                    }
                }
                (!unique.is_empty()).then(|| plain_text(&unique.join(", ")))
            }
            Value::String(a) if !a.trim().is_empty() => Some(plain_text(a)),
            _ => None,
        };
        Some(crate::services::events::RemoteEvent {
            starts_at,
            ends_at,
            timezone: self.timezone.as_str().unwrap_or("UTC").to_owned(),
            address,
            online_link: None,
            capacity: count(&self.maximum_attendee_capacity),
            join_mode: self.join_mode.as_str().unwrap_or("free").to_owned(),
            going_count: count(&self.participant_count).unwrap_or(0),
            cancelled: self.ical_status.as_str() == Some("CANCELLED"),
        })
    }

    /// The Markdown source if the peer sent one, else nothing (the HTML stands alone).
    pub fn markdown(&self) -> String {
        match &self.source {
            Value::Object(source) => {
                let markdown = source
                    .get("mediaType")
                    .and_then(Value::as_str)
                    .is_none_or(|m| m == "text/markdown");
                match source.get("content").and_then(Value::as_str) {
                    Some(content) if markdown => content.to_owned(),
                    _ => String::new(),
                }
            }
            _ => String::new(),
        }
    }

    /// The content warning the sender gave (`summary` on a `sensitive` object), as text.
    pub fn content_warning(&self) -> Option<String> {
        if self.sensitive != Some(true) {
            return None;
        }
        let warning = plain_text(self.summary.as_deref()?);
        let warning = warning.split_whitespace().collect::<Vec<_>>().join(" ");
        (!warning.is_empty()).then(|| warning.chars().take(200).collect())
    }

    /// The body as sanitised HTML, with the content warning leading it: for comments,
    /// which keep no warning of their own.
    pub fn html_with_warning(&self) -> String {
        match self.content_warning() {
            Some(warning) => format!(
                "<p><strong>Content warning:</strong> {}</p>{}",
                escape(&warning),
                self.html()
            ),
            None => self.html(),
        }
    }

    /// The body as sanitised HTML: the content (or its first language in `contentMap`),
    /// followed by links to its image and file attachments, which stay on the sender's
    /// server.
    pub fn html(&self) -> String {
        self.html_linking(|url| url.to_string())
    }

    /// The body as [`ContentDoc::html`] makes it, for a thread of a private community on
    /// the server at `domain`: its library files (`/c/{name}/files/…` there) link through
    /// our `/remote-file`, which fetches them signed as the member who opens them, since
    /// that server gives them to its members only.
    pub fn html_with_private_files(&self, domain: &str) -> String {
        self.html_linking(|url| {
            if crate::services::remote_files::is_remote_library_file(url, domain) {
                format!(
                    "/remote-file?url={}",
                    url::form_urlencoded::byte_serialize(url.as_str().as_bytes())
                        .collect::<String>()
                )
            } else {
                url.to_string()
            }
        })
    }

    fn html_linking(&self, href: impl Fn(&Url) -> String) -> String {
        let mut html = String::new();
        html.push_str(self.content_html());
        let attachments: Vec<String> = self
            .attachments()
            .into_iter()
            .map(|(url, name)| {
                format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    escape(&href(&url)),
                    escape(&name)
                )
            })
            .collect();
        if !attachments.is_empty() {
            html.push_str(&format!("<ul>{}</ul>", attachments.concat()));
        }
        crate::markdown::sanitize(&html)
    }

    /// The content as sent, or its first language in `contentMap`.
    fn content_html(&self) -> &str {
        self.content
            .as_deref()
            .or_else(|| {
                self.content_map
                    .as_object()
                    .and_then(|languages| languages.values().find_map(Value::as_str))
            })
            .unwrap_or_default()
    }

    /// Images, video, audio and files attached to the object: their http(s) URLs and a name.
    fn attachments(&self) -> Vec<(Url, String)> {
        let items = match &self.attachment {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![&self.attachment],
            _ => Vec::new(),
        };
        items
            .into_iter()
            .filter(|a| {
                matches!(
                    a.get("type").and_then(Value::as_str),
                    Some("Document" | "Image" | "Video" | "Audio")
                )
            })
            .filter_map(|a| {
                let url = urls_in(a.get("url")?).into_iter().next()?;
                if !matches!(url.scheme(), "http" | "https") {
                    return None;
                }
                let kind = a
                    .get("mediaType")
                    .and_then(Value::as_str)
                    .and_then(|m| m.split('/').next())
                    .filter(|m| matches!(*m, "image" | "video" | "audio"))
                    .unwrap_or("file");
                let name = a
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| {
                        format!(
                            "Attached {kind}: {}",
                            n.chars().take(300).collect::<String>()
                        )
                    })
                    .unwrap_or_else(|| format!("Attached {kind}"));
                Some((url, name))
            })
            .take(16)
            .collect()
    }

    /// A thread's link: a `Link` attachment, or `url` when it points away from the thread.
    pub fn link(&self) -> Option<String> {
        let from_attachment = match &self.attachment {
            Value::Array(items) => items
                .iter()
                .find(|a| a.get("type").and_then(Value::as_str) == Some("Link"))
                .and_then(|a| a.get("href"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            _ => None,
        };
        // Stored as parsed, not as sent: `https:8/host/x` reads as `https://0.0.0.8/host/x`
        // to a browser and to us, and the stored link should say so.
        from_attachment
            .and_then(|l| Url::parse(&l).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(String::from)
    }
}

/// The text of an HTML fragment: tags dropped, paragraphs and line breaks as new lines,
/// and the common character references decoded.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "blockquote"
        ) {
            text.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    text.push_str(rest);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Text made safe to place in HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `object` of a `Delete`, `Like` or `Undo`: a URL, or an object with `id`.
pub fn object_url(object: &Value) -> Result<Url, FedError> {
    urls_in(object)
        .into_iter()
        .next()
        .ok_or_else(|| FedError::refused("the activity names no object"))
}

/// How many threads a newly followed community's outbox and featured collection may add.
const BACKFILL_LIMIT: usize = 20;

/// When one of our members first follows a remote community, fetch its latest threads
/// (from its outbox), its pinned ones (from `featured`) and its facilitators (from the
/// moderators collection in `attributedTo`), so the community is not empty here until
/// something new is posted. Failures are logged: backfill is a courtesy.
pub async fn backfill(
    data: activitypub_federation::config::Data<crate::state::AppState>,
    community: crate::db::models::DbCommunity,
) {
    if let Err(e) = backfill_inner(&data, &community).await {
        tracing::info!(error = %e, community = %community.name, "backfill incomplete");
    }
}

async fn backfill_inner(
    data: &activitypub_federation::config::Data<crate::state::AppState>,
    community: &crate::db::models::DbCommunity,
) -> Result<(), FedError> {
    use activitypub_federation::fetch::fetch_object_http;
    use activitypub_federation::fetch::object_id::ObjectId;

    use super::actors::{ActorRow, ApActor};

    let Some(ap_id) = community.ap_id.as_deref() else {
        return Ok(());
    };
    let group_url = Url::parse(ap_id).map_err(activitypub_federation::error::Error::from)?;
    let group: Value = fetch_object_http(&group_url, data).await?.object;
    let mut threads: Vec<(Value, bool)> = Vec::new();
    for (field, pinned) in [("outbox", false), ("featured", true)] {
        let Some(url) = group
            .get(field)
            .and_then(Value::as_str)
            .and_then(|u| Url::parse(u).ok())
        else {
            continue;
        };
        if url.origin() != group_url.origin() {
            continue;
        }
        let collection: Value = match fetch_object_http(&url, data).await {
            Ok(response) => response.object,
            Err(e) => {
                tracing::info!(error = %e, %url, "could not fetch a collection to backfill from");
                continue;
            }
        };
        let items = collection
            .get("orderedItems")
            .or_else(|| collection.get("items"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for item in items.into_iter().take(BACKFILL_LIMIT) {
            // Outboxes hold Announce{Create{Page}}; featured holds the Pages themselves.
            let page = match item.get("type").and_then(Value::as_str) {
                Some("Announce") => item.pointer("/object/object").cloned(),
                Some("Create") => item.get("object").cloned(),
                _ => Some(item),
            };
            if let Some(page) = page.filter(Value::is_object) {
                threads.push((page, pinned));
            }
        }
    }
    let state = data.app_data();
    backfill_moderators(data, community, &group, &group_url).await;
    for (page, pinned) in threads {
        let Ok(doc) = ContentDoc::parse(&page) else {
            continue;
        };
        if doc.in_reply_to.is_some() {
            continue;
        }
        let Some(author) = doc.author() else { continue };
        if author.origin() != doc.id.origin() {
            continue;
        }
        let person = match ObjectId::<ApActor>::from(author).dereference(data).await {
            Ok(ApActor {
                row: ActorRow::Person(person),
                ..
            }) => person,
            _ => continue,
        };
        let id = doc.id.clone();
        crate::services::federation::receive_thread(
            state,
            person,
            doc,
            Some(community.clone()),
            Value::Null,
        )
        .await?;
        if pinned {
            crate::services::federation::mark_pinned(state, &id).await?;
        }
    }
    Ok(())
}

/// Records the people a remote community's moderators collection lists as its
/// facilitators here.
async fn backfill_moderators(
    data: &activitypub_federation::config::Data<crate::state::AppState>,
    community: &crate::db::models::DbCommunity,
    group: &Value,
    group_url: &Url,
) {
    use activitypub_federation::fetch::fetch_object_http;
    use activitypub_federation::fetch::object_id::ObjectId;

    use super::actors::{ActorRow, ApActor};

    let Some(url) = urls_in(group.get("attributedTo").unwrap_or(&Value::Null))
        .into_iter()
        .find(|u| u.origin() == group_url.origin())
    else {
        return;
    };
    let collection: Value = match fetch_object_http(&url, data).await {
        Ok(response) => response.object,
        Err(e) => {
            tracing::info!(error = %e, %url, "could not fetch a community's moderators");
            return;
        }
    };
    let items = collection
        .get("orderedItems")
        .or_else(|| collection.get("items"))
        .map(urls_in)
        .unwrap_or_default();
    for person in items.into_iter().take(BACKFILL_LIMIT) {
        let known = match ObjectId::<ApActor>::from(person.clone())
            .dereference(data)
            .await
        {
            Ok(ApActor {
                row: ActorRow::Person(_),
                ..
            }) => true,
            Ok(_) => false,
            Err(e) => {
                tracing::info!(error = %e, %person, "could not fetch a community's moderator");
                false
            }
        };
        if known
            && let Err(e) = crate::services::federation::receive_collection_change(
                data.app_data(),
                community.clone(),
                true,
                person,
                "moderators".to_owned(),
            )
            .await
        {
            tracing::info!(error = %e, "could not record a community's moderator");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn note(content: &str) -> ContentDoc {
        ContentDoc::parse(&json!({
            "id": "https://social.example/statuses/1",
            "type": "Note",
            "attributedTo": "https://social.example/users/bo",
            "content": content,
            "to": "https://www.w3.org/ns/activitystreams#Public",
            "cc": ["https://guild.example/c/planners"],
            "tag": {"type": "Mention", "href": "https://guild.example/c/planners"},
        }))
        .unwrap()
    }

    #[test]
    fn a_question_brings_its_poll_and_a_named_note_is_a_vote() {
        let mut question = json!({
            "id": "https://social.example/statuses/2",
            "type": "Question",
            "attributedTo": "https://social.example/users/bo",
            "content": "<p>Which day?</p>",
            "endTime": "2026-12-01T17:00:00Z",
            "closed": "2026-11-30T09:00:00Z",
            "votersCount": 4,
            "anyOf": [
                {"type": "Note", "name": " Tuesday ", "replies": {"type": "Collection", "totalItems": 3}},
                {"type": "Note", "name": "Wednesday", "replies": {"totalItems": 2}},
                {"type": "Note", "name": ""},
            ],
        });
        let poll = ContentDoc::parse(&question).unwrap().poll().unwrap();
        assert!(poll.multiple);
        assert_eq!(
            poll.options,
            [("Tuesday".to_owned(), 3), ("Wednesday".to_owned(), 2)]
        );
        assert_eq!(poll.voters_count, 4);
        assert_eq!(
            poll.closes_at.map(|t| t.to_string()).as_deref(),
            Some("2026-11-30 09:00:00"),
            "closed early: the earlier time counts"
        );

        // One choice, no voter count (a single-choice poll's votes are its voters), and
        // an end time we cannot read is no end time.
        question["oneOf"] = question["anyOf"].take();
        question["votersCount"] = Value::Null;
        question["endTime"] = json!("next Tuesday");
        question["closed"] = Value::Null;
        let poll = ContentDoc::parse(&question).unwrap().poll().unwrap();
        assert!(!poll.multiple);
        assert_eq!(poll.voters_count, 5);
        assert_eq!(poll.closes_at, None);

        let mut vote = note("");
        assert!(!vote.is_poll_vote(), "a vote names its option");
        vote.name = Some("Tuesday".into());
        assert!(!vote.is_poll_vote(), "a vote replies to its poll");
        vote.in_reply_to = Some(Url::parse("https://guild.example/post/2").unwrap());
        assert!(vote.is_poll_vote());
        vote.content = Some("<p>I prefer Tuesday</p>".into());
        assert!(!vote.is_poll_vote(), "a named reply with text is a comment");
    }

    #[test]
    fn a_microblog_post_is_titled_from_its_first_line_without_leading_mentions() {
        let doc = note(
            "<p><span class=\"h-card\"><a href=\"https://guild.example/c/planners\" class=\"u-url mention\">@<span>planners</span></a></span> Housing &amp; planning: what works?</p><p>Details follow.</p>",
        );
        assert_eq!(doc.title(200), "Housing & planning: what works?");
        assert_eq!(doc.title(10), "Housing &…");
        assert!(doc.is_public());
        assert_eq!(
            doc.mentions(),
            [Url::parse("https://guild.example/c/planners").unwrap()]
        );
    }

    #[test]
    fn a_named_object_keeps_its_name_and_an_empty_one_has_no_title() {
        let mut doc = note("<p>@planners</p>");
        assert_eq!(doc.title(200), "");
        doc.name = Some("  Budget options ".into());
        assert_eq!(doc.title(200), "Budget options");
    }

    #[test]
    fn attachments_stay_links_and_content_warnings_lead() {
        let mut doc = note("<p>Our new depot</p>");
        doc.attachment = json!([
            {"type": "Document", "mediaType": "image/jpeg", "url": "https://cdn.example/a.jpg", "name": "A depot <at dusk>"},
            {"type": "Document", "url": "javascript:alert(1)"},
            {"type": "Link", "href": "https://elsewhere.example/"},
        ]);
        doc.summary = Some("Building work".into());
        doc.sensitive = Some(true);
        assert_eq!(doc.content_warning().as_deref(), Some("Building work"));
        assert!(doc.html().starts_with("<p>Our new depot</p>"));
        let html = doc.html_with_warning();
        assert!(
            html.starts_with(
                "<p><strong>Content warning:</strong> Building work</p><p>Our new depot</p>"
            ),
            "{html}"
        );
        assert!(html.contains("https://cdn.example/a.jpg"), "{html}");
        assert!(
            html.contains("Attached image: A depot &lt;at dusk&gt;"),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn content_map_stands_in_for_missing_content() {
        let mut doc = note("");
        doc.content = None;
        doc.content_map = json!({"de": "<p>Hallo</p>"});
        assert_eq!(doc.html(), "<p>Hallo</p>");
    }

    #[test]
    fn plain_text_breaks_lines_at_paragraphs_and_breaks() {
        assert_eq!(
            plain_text("<p>a<br/>b</p><p>c &lt;d&gt;</p>"),
            "\na\nb\n\nc <d>\n"
        );
        assert_eq!(plain_text("no tags"), "no tags");
        assert_eq!(plain_text("broken <tag"), "broken ");
    }
}
