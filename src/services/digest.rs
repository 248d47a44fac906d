//! The activity digest: one e-mail, daily or weekly as each member chooses, with the new
//! threads and best replies in their communities since the last one. Gathering reads
//! the database; rendering is a pure function of what was gathered, so a test can show
//! exactly what a week of activity looks like.

use chrono::{NaiveDateTime, TimeDelta};

use crate::db::models::{DbLocalUser, DbPerson};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::services::email::{Email, escape};
use crate::state::AppState;

/// How often a member wants the digest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Off,
    Daily,
    Weekly,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Off => "off",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        }
    }

    pub fn from_db(s: &str) -> Frequency {
        match s {
            "daily" => Frequency::Daily,
            "weekly" => Frequency::Weekly,
            _ => Frequency::Off,
        }
    }

    pub fn parse(s: &str) -> AppResult<Frequency> {
        match s.trim() {
            "off" => Ok(Frequency::Off),
            "daily" => Ok(Frequency::Daily),
            "weekly" => Ok(Frequency::Weekly),
            _ => Err(AppError::invalid("digest must be off, daily or weekly")),
        }
    }

    /// The window one digest covers.
    pub fn period(self) -> Option<TimeDelta> {
        match self {
            Frequency::Off => None,
            Frequency::Daily => Some(TimeDelta::days(1)),
            Frequency::Weekly => Some(TimeDelta::days(7)),
        }
    }
}

/// A thread started in the window.
#[derive(Debug, Clone)]
pub struct DigestThread {
    pub id: i64,
    pub title: String,
    pub author: String,
    pub score: i32,
    pub replies: i32,
}

/// A reply written in the window.
#[derive(Debug, Clone)]
pub struct DigestReply {
    pub post_id: i64,
    pub comment_id: i64,
    pub thread_title: String,
    pub author: String,
    /// The start of the reply's text, as plain text.
    pub excerpt: String,
}

/// One community's part of a digest.
#[derive(Debug, Clone)]
pub struct DigestCommunity {
    pub name: String,
    pub title: String,
    pub threads: Vec<DigestThread>,
    pub replies: Vec<DigestReply>,
}

/// Everything one digest shows.
#[derive(Debug, Clone)]
pub struct Digest {
    pub member: String,
    pub instance: String,
    pub base_url: String,
    pub since: NaiveDateTime,
    pub until: NaiveDateTime,
    pub communities: Vec<DigestCommunity>,
    pub unsubscribe_url: String,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.communities.is_empty()
    }
}

/// The subject, plain text and HTML of a digest.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

const THREADS_PER_COMMUNITY: i64 = 10;
const REPLIES_PER_COMMUNITY: i64 = 5;
const EXCERPT_CHARS: usize = 160;

/// What happened in `[since, until)` in the communities `person` belongs to. Only
/// communities they are an accepted member of count, so private communities they are not
/// in, and those they left, never appear.
pub fn gather(
    conn: &mut DbConn,
    person: &DbPerson,
    since: NaiveDateTime,
    until: NaiveDateTime,
) -> AppResult<Vec<DigestCommunity>> {
    let mut out = Vec::new();
    for community in db::digest::member_communities(conn, person.id)? {
        let threads =
            db::digest::new_threads(conn, community.id, since, until, THREADS_PER_COMMUNITY)?
                .into_iter()
                .map(|(post, author)| DigestThread {
                    id: post.id,
                    title: post.title,
                    author: handle(&author),
                    score: post.upvotes - post.downvotes,
                    replies: post.comment_count,
                })
                .collect::<Vec<_>>();
        let replies =
            db::digest::top_replies(conn, community.id, since, until, REPLIES_PER_COMMUNITY)?
                .into_iter()
                .map(|(comment, post, author)| DigestReply {
                    post_id: post.id,
                    comment_id: comment.id,
                    thread_title: post.title,
                    author: handle(&author),
                    excerpt: excerpt(&comment.body),
                })
                .collect::<Vec<_>>();
        if threads.is_empty() && replies.is_empty() {
            continue;
        }
        out.push(DigestCommunity {
            name: community.name,
            title: community.title,
            threads,
            replies,
        });
    }
    Ok(out)
}

fn handle(p: &DbPerson) -> String {
    match &p.domain {
        Some(d) => format!("{}@{d}", p.name),
        None => p.name.clone(),
    }
}

/// The first words of Markdown, on one line, without markup characters.
fn excerpt(markdown: &str) -> String {
    let flat: String = markdown
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '#' | '>'))
        .collect();
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS).collect();
    format!("{}…", cut.trim_end())
}

/// Renders a digest: a subject, a plain-text body and the same as HTML. Pure.
pub fn render(d: &Digest) -> Rendered {
    let day = |t: NaiveDateTime| t.format("%-d %B %Y").to_string();
    let window = format!("{} to {}", day(d.since), day(d.until));
    let threads: usize = d.communities.iter().map(|c| c.threads.len()).sum();
    let subject = format!(
        "{}: {threads} new {} in your communities",
        d.instance,
        if threads == 1 { "thread" } else { "threads" }
    );
    let mut text = format!(
        "Hello {},\n\nWhat happened in your communities on {} from {window}.\n",
        d.member, d.instance
    );
    let mut html = format!(
        "<p>Hello {},</p><p>What happened in your communities on {} from {}.</p>",
        escape(&d.member),
        escape(&d.instance),
        escape(&window)
    );
    for c in &d.communities {
        let community_url = format!("{}/c/{}", d.base_url, c.name);
        text.push_str(&format!("\n== {} ==\n{community_url}\n", c.title));
        html.push_str(&format!(
            "<h2><a href=\"{}\">{}</a></h2>",
            escape(&community_url),
            escape(&c.title)
        ));
        if !c.threads.is_empty() {
            text.push_str("\nNew threads:\n");
            html.push_str("<h3>New threads</h3><ul>");
            for t in &c.threads {
                let url = format!("{}/post/{}", d.base_url, t.id);
                let replies = plural(t.replies, "reply", "replies");
                text.push_str(&format!(
                    "- {} by {} ({replies})\n  {url}\n",
                    t.title, t.author
                ));
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}</a> by {} ({replies})</li>",
                    escape(&url),
                    escape(&t.title),
                    escape(&t.author)
                ));
            }
            html.push_str("</ul>");
        }
        if !c.replies.is_empty() {
            text.push_str("\nTop replies:\n");
            html.push_str("<h3>Top replies</h3><ul>");
            for r in &c.replies {
                let url = format!("{}/post/{}#comment-{}", d.base_url, r.post_id, r.comment_id);
                text.push_str(&format!(
                    "- {} in \"{}\": {}\n  {url}\n",
                    r.author, r.thread_title, r.excerpt
                ));
                html.push_str(&format!(
                    "<li>{} in <a href=\"{}\">{}</a>: {}</li>",
                    escape(&r.author),
                    escape(&url),
                    escape(&r.thread_title),
                    escape(&r.excerpt)
                ));
            }
            html.push_str("</ul>");
        }
    }
    text.push_str(&format!(
        "\nYou get this because you asked for it in your settings. To stop it:\n{}\n",
        d.unsubscribe_url
    ));
    html.push_str(&format!(
        "<p>You get this because you asked for it in your settings. <a href=\"{}\">Stop these e-mails</a>.</p>",
        escape(&d.unsubscribe_url)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

fn plural(n: i32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The key that signs unsubscribe links, derived from the instance's private key.
async fn link_key(state: &AppState) -> AppResult<[u8; 32]> {
    use sha2::{Digest as _, Sha256};
    let keys = crate::services::actors::instance_keys(state).await?;
    Ok(Sha256::new()
        .chain_update(b"guildhall digest unsubscribe key\n")
        .chain_update(keys.private_key.as_bytes())
        .finalize()
        .into())
}

fn sign(key: &[u8; 32], user_id: i64) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha2::{Digest as _, Sha256};
    let tag = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(format!("unsubscribe:{user_id}").as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Sha256::digest(format!("{user_id}").as_bytes()).to_vec(),
    };
    format!(
        "{user_id}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The link in each digest that turns it off without signing in.
pub async fn unsubscribe_url(state: &AppState, user_id: i64) -> AppResult<String> {
    let key = link_key(state).await?;
    Ok(format!(
        "{}/digest/unsubscribe?token={}",
        state.config.base_url(),
        sign(&key, user_id)
    ))
}

/// Turns the digest off for whoever an unsubscribe link names.
pub async fn unsubscribe(state: &AppState, token: &str) -> AppResult<()> {
    let invalid = || AppError::bad_request("invalid_token", "that link is not valid");
    let (id, _) = token.split_once('.').ok_or_else(invalid)?;
    let user_id: i64 = id.parse().map_err(|_| invalid())?;
    let key = link_key(state).await?;
    let expected = sign(&key, user_id);
    let same = expected.len() == token.len()
        && expected
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(invalid());
    }
    state
        .db
        .write(move |conn| db::persons::set_digest(conn, user_id, Frequency::Off.as_str()))
        .await
}

/// The signed-in member's digest choice.
pub async fn frequency(state: &AppState, actor: &crate::services::Actor) -> AppResult<Frequency> {
    let person_id = actor.person_id;
    let user = state
        .db
        .read(move |conn| db::persons::local_user_by_person(conn, person_id))
        .await?
        .ok_or(AppError::NotFound("account"))?;
    Ok(Frequency::from_db(&user.digest))
}

/// Sets how often the signed-in member gets the digest.
pub async fn set_frequency(
    state: &AppState,
    actor: &crate::services::Actor,
    frequency: Frequency,
) -> AppResult<()> {
    let person_id = actor.person_id;
    state
        .db
        .write(move |conn| {
            let user = db::persons::local_user_by_person(conn, person_id)?
                .ok_or(AppError::NotFound("account"))?;
            db::persons::set_digest(conn, user.id, frequency.as_str())?;
            // The first digest covers the period from now on, not the member's whole past.
            if user.last_digest_at.is_none() {
                db::persons::set_last_digest(conn, user.id, db::now())?;
            }
            Ok(())
        })
        .await
}

/// Whether a member's digest is due at `now`.
pub fn due(user: &DbLocalUser, now: NaiveDateTime) -> bool {
    match Frequency::from_db(&user.digest).period() {
        None => false,
        Some(period) => user.last_digest_at.is_none_or(|last| now - last >= period),
    }
}

/// Builds the digest a member is due, covering `[since, until)`.
pub async fn compose(
    state: &AppState,
    user_id: i64,
    since: NaiveDateTime,
    until: NaiveDateTime,
) -> AppResult<(DbLocalUser, Digest)> {
    let unsubscribe_url = unsubscribe_url(state, user_id).await?;
    let instance = state.settings.current().name.clone();
    let base_url = state.config.base_url();
    state
        .db
        .read(move |conn| {
            let (user, person) = db::persons::local_user_by_id(conn, user_id)?
                .ok_or(AppError::NotFound("account"))?;
            let communities = gather(conn, &person, since, until)?;
            let digest = Digest {
                member: person.display_name.clone().unwrap_or(person.name.clone()),
                instance,
                base_url,
                since,
                until,
                communities,
                unsubscribe_url,
            };
            Ok((user, digest))
        })
        .await
}

/// Sends every digest due at `now`; returns how many it sent. The hourly tick calls it.
/// A digest with nothing in it is not sent, but its window still moves on.
pub async fn send_due(state: &AppState, now: NaiveDateTime) -> AppResult<usize> {
    if !crate::services::email::enabled(state) {
        return Ok(0);
    }
    let due_users: Vec<DbLocalUser> = state
        .db
        .read(move |conn| {
            Ok(db::persons::digest_subscribers(conn)?
                .into_iter()
                .map(|(user, _)| user)
                .filter(|user| due(user, now))
                .collect())
        })
        .await?;
    let mut sent = 0;
    for user in due_users {
        let period = Frequency::from_db(&user.digest)
            .period()
            .unwrap_or(TimeDelta::days(1));
        let since = user.last_digest_at.unwrap_or(now - period);
        let (user, digest) = compose(state, user.id, since, now).await?;
        if !digest.is_empty() {
            let rendered = render(&digest);
            let email = Email {
                to: user.email.clone(),
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
            };
            match crate::services::email::send(state, email).await {
                Ok(_) => sent += 1,
                Err(e) => {
                    // Try again at the next tick rather than skip the window.
                    tracing::warn!(error = %e, user = user.id, "could not send a digest");
                    continue;
                }
            }
        }
        let id = user.id;
        state
            .db
            .write(move |conn| db::persons::set_last_digest(conn, id, now))
            .await?;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_digest_renders_threads_and_replies_in_text_and_escaped_html() {
        let digest = Digest {
            member: "Ana".into(),
            instance: "Guildhall".into(),
            base_url: "https://east.example".into(),
            since: at("2026-11-23 09:00"),
            until: at("2026-11-30 09:00"),
            communities: vec![DigestCommunity {
                name: "planners".into(),
                title: "Planners <network>".into(),
                threads: vec![DigestThread {
                    id: 4,
                    title: "Targets & trade-offs".into(),
                    author: "ben".into(),
                    score: 3,
                    replies: 1,
                }],
                replies: vec![DigestReply {
                    post_id: 4,
                    comment_id: 9,
                    thread_title: "Targets & trade-offs".into(),
                    author: "cat@west.example".into(),
                    excerpt: "We tried 30%".into(),
                }],
            }],
            unsubscribe_url: "https://east.example/digest/unsubscribe?token=1.x".into(),
        };
        let r = render(&digest);
        assert_eq!(r.subject, "Guildhall: 1 new thread in your communities");
        assert!(r.text.contains("23 November 2026 to 30 November 2026"));
        assert!(
            r.text
                .contains("- Targets & trade-offs by ben (1 reply)\n  https://east.example/post/4")
        );
        assert!(r.text.contains("https://east.example/post/4#comment-9"));
        assert!(r.html.contains("Planners &lt;network&gt;"));
        assert!(r.html.contains("Targets &amp; trade-offs"));
        assert!(
            r.html
                .contains("https://east.example/digest/unsubscribe?token=1.x")
        );
    }

    #[test]
    fn a_digest_is_due_once_its_period_has_passed() {
        let mut user = DbLocalUser {
            id: 1,
            person_id: 1,
            email: "a@b.example".into(),
            password_hash: String::new(),
            role: "member".into(),
            approved: true,
            application: None,
            created_at: at("2026-11-01 00:00"),
            email_verified: true,
            digest: "weekly".into(),
            last_digest_at: Some(at("2026-11-23 09:00")),
        };
        assert!(!due(&user, at("2026-11-30 08:59")));
        assert!(due(&user, at("2026-11-30 09:00")));
        user.digest = "daily".into();
        assert!(due(&user, at("2026-11-24 09:00")));
        user.digest = "off".into();
        assert!(!due(&user, at("2027-01-01 00:00")));
    }

    #[test]
    fn excerpts_are_short_and_flat() {
        assert_eq!(excerpt("**Bold**\n\nnext"), "Bold next");
        let long = "word ".repeat(100);
        assert!(excerpt(&long).chars().count() <= EXCERPT_CHARS + 1);
    }
}
