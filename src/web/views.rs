//! What the templates show: view types built from the services' results, never database
//! rows handed to a template as they are.

use chrono::NaiveDateTime;

use crate::db::models::{DbCommunity, DbPerson};
use crate::services::Actor;
use crate::services::comments::CommentDetail;
use crate::services::posts::PostDetail;

/// The link to a list's next page: its search text and cursor encoded for a query
/// string, so that a search containing `&` or `#` keeps its tail.
pub fn next_page_link(path: &str, q: &str, cursor: Option<String>) -> Option<String> {
    cursor.map(|cursor| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if !q.is_empty() {
            query.append_pair("q", q);
        }
        query.append_pair("cursor", &cursor);
        format!("{path}?{}", query.finish())
    })
}

/// A moment, machine-readable in `datetime` and shown in UTC.
pub struct Time {
    pub iso: String,
    pub text: String,
}

impl Time {
    pub fn new(at: NaiveDateTime) -> Time {
        let at = at.and_utc();
        Time {
            iso: at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            text: at.format("%-d %B %Y at %H:%M UTC").to_string(),
        }
    }
}

/// How a person is named and where their page is: `name` here, `name@host` from elsewhere.
pub struct PersonView {
    pub handle: String,
    pub href: String,
}

impl PersonView {
    pub fn new(p: &DbPerson) -> PersonView {
        match &p.domain {
            None => PersonView {
                handle: p.name.clone(),
                href: format!("/u/{}", p.name),
            },
            Some(domain) => PersonView {
                handle: format!("{}@{domain}", p.name),
                href: p.ap_id.clone().unwrap_or_default(),
            },
        }
    }
}

/// A ban as the admin and facilitator pages list it.
pub struct BanView {
    pub person: PersonView,
    pub reason: String,
    pub since: Time,
    pub until: Option<Time>,
}

impl BanView {
    pub fn new(
        person: &DbPerson,
        reason: String,
        created_at: NaiveDateTime,
        expires_at: Option<NaiveDateTime>,
    ) -> BanView {
        BanView {
            person: PersonView::new(person),
            reason,
            since: Time::new(created_at),
            until: expires_at.map(Time::new),
        }
    }
}

/// A community as lists and pages name it.
pub struct CommunityView {
    pub title: String,
    /// Its address here: `name`, or `name@host` for a community on another server.
    pub handle: String,
    pub href: String,
    /// The server it lives on, when that is not this one.
    pub origin: Option<String>,
    pub description_html: String,
    pub visibility: String,
}

impl CommunityView {
    pub fn new(c: &DbCommunity) -> CommunityView {
        let handle = match &c.domain {
            None => c.name.clone(),
            Some(domain) => format!("{}@{domain}", c.name),
        };
        CommunityView {
            title: c.title.clone(),
            href: format!("/c/{handle}"),
            handle,
            origin: c.domain.clone(),
            // Sanitised when stored (see `markdown`), so the template may show it as HTML.
            description_html: c.description_html.clone(),
            visibility: c.visibility.clone(),
        }
    }
}

/// A thread in a list or on its own page.
pub struct PostView {
    pub id: i64,
    pub title: String,
    pub link: Option<String>,
    /// Sanitised when stored.
    pub body_html: String,
    /// Shown first; the body opens on request.
    pub content_warning: Option<String>,
    pub author: PersonView,
    pub community: CommunityView,
    pub pinned: bool,
    pub locked: bool,
    pub removed: bool,
    pub score: i32,
    pub comments: i32,
    pub my_vote: i32,
    pub created: Time,
    pub edited: Option<Time>,
    pub mine: bool,
    pub poll: Option<PollView>,
    /// The thread is an event, whose page has its time, place and answer forms.
    pub is_event: bool,
}

/// A thread's poll on its page: the form to vote and, when the viewer may see them, the
/// results.
pub struct PollView {
    pub multiple: bool,
    pub options: Vec<PollOptionView>,
    pub voted: bool,
    pub closed: bool,
    pub closes: Option<Time>,
    pub results_visible: bool,
    pub voters: i32,
    pub can_vote: bool,
    pub can_change: bool,
}

pub struct PollOptionView {
    pub position: i32,
    pub name: String,
    /// The viewer chose it.
    pub chosen: bool,
    pub votes: i32,
    pub percent: u32,
}

impl PollView {
    pub fn new(p: &crate::services::polls::Poll) -> PollView {
        PollView {
            multiple: p.row.multiple,
            options: p
                .options
                .iter()
                .map(|o| PollOptionView {
                    position: o.position,
                    name: o.name.clone(),
                    chosen: p.voted.contains(&o.position),
                    votes: o.votes,
                    percent: p.percent(o),
                })
                .collect(),
            voted: !p.voted.is_empty(),
            closed: p.closed,
            closes: p.row.closes_at.map(Time::new),
            results_visible: p.results_visible,
            voters: p.row.voters_count,
            can_vote: p.can_vote,
            can_change: p.can_change,
        }
    }
}

impl PostView {
    pub fn new(d: &PostDetail, viewer: Option<&Actor>) -> PostView {
        let p = &d.post;
        PostView {
            id: p.id,
            title: p.title.clone(),
            link: p.url.clone(),
            body_html: p.body_html.clone(),
            content_warning: p.content_warning.clone(),
            author: PersonView::new(&d.author),
            community: CommunityView::new(&d.community),
            pinned: p.pinned,
            locked: p.locked,
            removed: p.removed,
            score: p.upvotes - p.downvotes,
            comments: p.comment_count,
            my_vote: d.my_vote,
            created: Time::new(p.created_at),
            edited: p.updated_at.map(Time::new),
            mine: viewer.is_some_and(|v| v.person_id == p.author_id),
            poll: d.poll.as_ref().map(PollView::new),
            is_event: d.event.is_some(),
        }
    }
}

/// A comment in a thread's tree, flattened in reading order. `open` starts a nested list
/// inside the previous comment; `close` ends that many nested lists before this one.
pub struct CommentView {
    pub id: i64,
    pub body_html: String,
    pub gone: Option<&'static str>,
    /// Removed by a facilitator, and shown (to facilitators) with its text.
    pub removed: bool,
    pub author: PersonView,
    pub score: i32,
    pub my_vote: i32,
    pub created: Time,
    pub mine: bool,
    pub open: bool,
    pub close: usize,
}

/// Orders comments as a tree (replies under their parent, oldest first) and works out
/// the nesting. Returns the comments and how many lists remain open after the last one.
pub fn comment_tree(items: &[CommentDetail], viewer: Option<&Actor>) -> (Vec<CommentView>, usize) {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<i64> = items.iter().map(|d| d.comment.id).collect();
    let mut children: HashMap<Option<i64>, Vec<&CommentDetail>> = HashMap::new();
    for d in items {
        // A reply whose parent we do not have goes at the top level rather than vanish.
        let parent = d.comment.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(d);
    }
    let mut out = Vec::with_capacity(items.len());
    let mut stack: Vec<(&CommentDetail, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|d| (*d, 0)).collect())
        .unwrap_or_default();
    let mut previous: Option<usize> = None;
    while let Some((d, depth)) = stack.pop() {
        let (open, close) = match previous {
            Some(p) if depth > p => (true, 0),
            Some(p) => (false, p - depth),
            None => (false, 0),
        };
        previous = Some(depth);
        let c = &d.comment;
        out.push(CommentView {
            id: c.id,
            body_html: c.body_html.clone(),
            gone: if c.deleted {
                Some("This comment was deleted.")
            } else if c.removed && c.body_html.is_empty() {
                Some("This comment was removed by a facilitator.")
            } else {
                None
            },
            removed: c.removed && !c.deleted,
            author: PersonView::new(&d.author),
            score: c.upvotes - c.downvotes,
            my_vote: d.my_vote,
            created: Time::new(c.created_at),
            mine: viewer.is_some_and(|v| v.person_id == c.author_id) && !c.deleted,
            open,
            close,
        });
        if let Some(replies) = children.get(&Some(c.id)) {
            stack.extend(replies.iter().rev().map(|r| (*r, depth + 1)));
        }
    }
    (out, previous.unwrap_or(0))
}

/// A problem with one field of a form: shown in the error summary (linking to the field)
/// and beside the field itself.
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    /// Places a service's refusal on the field it is about; `fallback` takes the rest.
    pub fn from_app(e: &crate::error::AppError, fallback: &'static str) -> FieldError {
        let message = e.to_string();
        let field = match e.code() {
            "invalid_name" | "name_taken" => "name",
            "invalid_email" | "email_taken" | "email_domain_not_allowed" => "email",
            "weak_password" | "invalid_password" => "password",
            "invite_required" | "invalid_invite" => "invite_code",
            "invalid_url" => "link",
            "invalid_poll" => "poll_option_0",
            "invalid_closing_time" => "poll_closes_at",
            "invalid_choice" | "poll_closed" | "vote_final" => "choice-0",
            _ => [
                "title",
                "description",
                "body",
                "content_warning",
                "reason",
                "application",
                "search",
            ]
            .into_iter()
            .find(|f| message.starts_with(f))
            .unwrap_or(fallback),
        };
        FieldError {
            field,
            message: super::render::upper_first(&message),
        }
    }
}

/// A form's problems, in the order of its fields.
#[derive(Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn one(error: FieldError) -> Errors {
        Errors(vec![error])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }

    /// The message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// A page's query string read leniently: a malformed one counts as none.
pub fn query<T: serde::de::DeserializeOwned + Default>(uri: &axum::http::Uri) -> T {
    uri.query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_machine_readable_and_in_utc() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 5)
            .and_then(|d| d.and_hms_opt(9, 7, 0))
            .expect("date");
        let t = Time::new(at);
        assert_eq!(t.iso, "2026-03-05T09:07:00Z");
        assert_eq!(t.text, "5 March 2026 at 09:07 UTC");
    }

    #[test]
    fn a_next_page_link_keeps_the_whole_search() {
        assert_eq!(
            next_page_link("/members", "planning & housing #1", Some("abc=".into())).as_deref(),
            Some("/members?q=planning+%26+housing+%231&cursor=abc%3D")
        );
        assert_eq!(
            next_page_link("/members", "", Some("abc".into())).as_deref(),
            Some("/members?cursor=abc")
        );
        assert_eq!(next_page_link("/members", "x", None), None);
    }
}
