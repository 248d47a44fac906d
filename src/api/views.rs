//! What the JSON API shows: view types built explicitly from rows, never rows themselves.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::{
    DbBan, DbCommunity, DbInstanceBan, DbMembership, DbModAction, DbPerson, DbReport,
};
use crate::services::comments::CommentDetail;
use crate::services::communities::CommunityDetail;
use crate::services::posts::PostDetail;
use crate::types::{MembershipState, Visibility};

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A member's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The member's name, unique on their instance.
    pub name: String,
    /// The member's instance, absent for members of this one.
    pub domain: Option<String>,
    pub display_name: Option<String>,
    pub job_title: Option<String>,
    pub organisation: Option<String>,
    pub region: Option<String>,
    /// What the member works on, in their words.
    pub interests: Option<String>,
    /// Whether the member appears in the member directory; shown only to the member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_directory: Option<bool>,
    /// The bio as the member wrote it (Markdown).
    pub bio: String,
    /// The bio rendered to sanitised HTML.
    pub bio_html: String,
    pub created_at: DateTime<Utc>,
}

impl MemberView {
    /// The profile as its owner sees it: with their directory choice.
    pub fn own(p: DbPerson) -> MemberView {
        let in_directory = p.in_directory;
        MemberView {
            in_directory: Some(in_directory),
            ..MemberView::from(p)
        }
    }
}

impl From<DbPerson> for MemberView {
    fn from(p: DbPerson) -> Self {
        MemberView {
            name: p.name,
            domain: p.domain,
            display_name: p.display_name,
            job_title: p.job_title,
            organisation: p.organisation,
            region: p.region,
            interests: p.interests,
            in_directory: None,
            bio: p.bio,
            bio_html: p.bio_html,
            created_at: utc(p.created_at),
        }
    }
}

/// Who wrote something, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorView {
    pub name: String,
    pub domain: Option<String>,
    pub display_name: Option<String>,
}

impl From<DbPerson> for AuthorView {
    fn from(p: DbPerson) -> Self {
        AuthorView {
            name: p.name,
            domain: p.domain,
            display_name: p.display_name,
        }
    }
}

/// A community. The counts and the viewer's standing appear when one community is asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommunityView {
    pub name: String,
    pub domain: Option<String>,
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub visibility: Visibility,
    /// Only facilitators may start threads.
    pub posting_restricted: bool,
    /// Comments, not only new threads, reach followers on Mastodon-style servers.
    pub microblog_comments: bool,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_count: Option<i64>,
    /// Names of the community's facilitators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderators: Option<Vec<String>>,
    /// The viewer's membership: absent if none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<MembershipState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_moderator: Option<bool>,
}

impl From<DbCommunity> for CommunityView {
    fn from(c: DbCommunity) -> Self {
        CommunityView {
            visibility: Visibility::from_db(&c.visibility).unwrap_or(Visibility::Private),
            name: c.name,
            domain: c.domain,
            title: c.title,
            description: c.description,
            description_html: c.description_html,
            posting_restricted: c.posting_restricted,
            microblog_comments: c.microblog_comments,
            created_at: utc(c.created_at),
            member_count: None,
            moderators: None,
            membership: None,
            is_moderator: None,
        }
    }
}

impl From<CommunityDetail> for CommunityView {
    fn from(d: CommunityDetail) -> Self {
        CommunityView {
            member_count: Some(d.member_count),
            moderators: Some(d.moderators.into_iter().map(|p| p.name).collect()),
            membership: d.membership,
            is_moderator: Some(d.is_moderator),
            ..CommunityView::from(d.community)
        }
    }
}

/// A thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostView {
    pub id: i64,
    /// The community's name.
    pub community: String,
    pub author: AuthorView,
    pub title: String,
    pub url: Option<String>,
    /// The body as written (Markdown).
    pub body: String,
    /// The body rendered to sanitised HTML.
    pub body_html: String,
    /// Shown before the body, which readers open on purpose; absent for none.
    pub content_warning: Option<String>,
    pub pinned: bool,
    pub locked: bool,
    /// Removed by a facilitator (only facilitators see removed threads).
    pub removed: bool,
    pub score: i32,
    pub upvotes: i32,
    pub downvotes: i32,
    pub comment_count: i32,
    /// The viewer's vote: 1, -1 or 0.
    pub my_vote: i32,
    /// The thread's poll, if it asks one.
    pub poll: Option<PollView>,
    /// When the thread is an event: its times. The whole event (place, answers, online
    /// link) is at `GET /events/{id}`, with the thread's id.
    pub event: Option<PostEventView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The times of a thread that is an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostEventView {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The IANA zone the event is shown in, such as `Europe/London`.
    pub timezone: String,
    pub cancelled: bool,
}

/// A thread's poll as the viewer may see it. Counts appear once the viewer has voted or
/// the poll has closed, and always to the thread's author and facilitators.
#[derive(Debug, Serialize, ToSchema)]
pub struct PollView {
    /// Whether several options may be chosen.
    pub multiple: bool,
    pub options: Vec<PollOptionView>,
    /// The positions the viewer chose; empty if they have not voted.
    pub voted: Vec<i32>,
    pub closes_at: Option<DateTime<Utc>>,
    pub closed: bool,
    /// Whether the counts are shown to this viewer.
    pub results_visible: bool,
    /// How many people voted; absent while the results are hidden.
    pub voters_count: Option<i32>,
    /// Whether the viewer may vote now.
    pub can_vote: bool,
    /// Whether the viewer may change or withdraw their vote (not on polls from other
    /// servers, where a vote is final).
    pub can_change: bool,
}

/// One option of a poll.
#[derive(Debug, Serialize, ToSchema)]
pub struct PollOptionView {
    /// Its place in the poll, from 0: what a vote names.
    pub position: i32,
    pub name: String,
    /// Votes for it; absent while the results are hidden.
    pub votes: Option<i32>,
    /// Its share of the voters in whole per cent; absent while the results are hidden.
    pub percent: Option<u32>,
}

impl From<crate::services::polls::Poll> for PollView {
    fn from(p: crate::services::polls::Poll) -> Self {
        let visible = p.results_visible;
        PollView {
            multiple: p.row.multiple,
            options: p
                .options
                .iter()
                .map(|o| PollOptionView {
                    position: o.position,
                    name: o.name.clone(),
                    votes: visible.then_some(o.votes),
                    percent: visible.then(|| p.percent(o)),
                })
                .collect(),
            voted: p.voted.clone(),
            closes_at: p.row.closes_at.map(utc),
            closed: p.closed,
            results_visible: visible,
            voters_count: visible.then_some(p.row.voters_count),
            can_vote: p.can_vote,
            can_change: p.can_change,
        }
    }
}

impl From<PostDetail> for PostView {
    fn from(d: PostDetail) -> Self {
        let p = d.post;
        PostView {
            id: p.id,
            community: d.community.name,
            author: d.author.into(),
            title: p.title,
            url: p.url,
            body: p.body,
            body_html: p.body_html,
            content_warning: p.content_warning,
            pinned: p.pinned,
            locked: p.locked,
            removed: p.removed,
            score: p.upvotes - p.downvotes,
            upvotes: p.upvotes,
            downvotes: p.downvotes,
            comment_count: p.comment_count,
            my_vote: d.my_vote,
            poll: d.poll.map(PollView::from),
            event: d.event.map(|e| PostEventView {
                starts_at: utc(e.starts_at),
                ends_at: utc(e.ends_at),
                timezone: e.timezone,
                cancelled: e.cancelled,
            }),
            created_at: utc(p.created_at),
            updated_at: p.updated_at.map(utc),
        }
    }
}

/// A comment. Deleted and removed comments keep their place with empty text.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub post_id: i64,
    /// The comment this replies to; absent for a reply to the thread itself.
    pub parent_id: Option<i64>,
    /// 0 for a reply to the thread, 1 for a reply to such a reply, and so on.
    pub depth: i32,
    pub author: AuthorView,
    pub body: String,
    pub body_html: String,
    pub deleted: bool,
    pub removed: bool,
    pub score: i32,
    pub upvotes: i32,
    pub downvotes: i32,
    pub my_vote: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<CommentDetail> for CommentView {
    fn from(d: CommentDetail) -> Self {
        let c = d.comment;
        CommentView {
            id: c.id,
            post_id: c.post_id,
            parent_id: c.parent_id,
            depth: c.depth,
            author: d.author.into(),
            body: c.body,
            body_html: c.body_html,
            deleted: c.deleted,
            removed: c.removed,
            score: c.upvotes - c.downvotes,
            upvotes: c.upvotes,
            downvotes: c.downvotes,
            my_vote: d.my_vote,
            created_at: utc(c.created_at),
            updated_at: c.updated_at.map(utc),
        }
    }
}

/// A member of a community, or someone asking to join.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    pub member: MemberView,
    pub state: MembershipState,
    pub since: DateTime<Utc>,
}

impl From<(DbMembership, DbPerson)> for MembershipView {
    fn from((m, p): (DbMembership, DbPerson)) -> Self {
        MembershipView {
            state: MembershipState::from_db(&m.state).unwrap_or(MembershipState::Pending),
            since: utc(m.created_at),
            member: p.into(),
        }
    }
}

/// A ban from a community.
#[derive(Debug, Serialize, ToSchema)]
pub struct BanView {
    pub member: AuthorView,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    /// When the ban ends; absent for a permanent ban.
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<(DbBan, DbPerson)> for BanView {
    fn from((b, p): (DbBan, DbPerson)) -> Self {
        BanView {
            member: p.into(),
            reason: b.reason,
            created_at: utc(b.created_at),
            expires_at: b.expires_at.map(utc),
        }
    }
}

impl From<(DbInstanceBan, DbPerson)> for BanView {
    fn from((b, p): (DbInstanceBan, DbPerson)) -> Self {
        BanView {
            member: p.into(),
            reason: b.reason,
            created_at: utc(b.created_at),
            expires_at: b.expires_at.map(utc),
        }
    }
}

/// A report to a community's facilitators.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub reason: String,
    pub resolved: bool,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<DbReport> for ReportView {
    fn from(r: DbReport) -> Self {
        ReportView {
            id: r.id,
            post_id: r.post_id,
            comment_id: r.comment_id,
            reason: r.reason,
            resolved: r.resolved,
            created_at: utc(r.created_at),
            resolved_at: r.resolved_at.map(utc),
        }
    }
}

/// One line of a community's moderation log.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModActionView {
    pub id: i64,
    /// What was done, such as `remove_post`, `ban` or `approve_member`.
    pub action: String,
    pub moderator: String,
    pub target: Option<String>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<(DbModAction, String, Option<String>)> for ModActionView {
    fn from((a, moderator, target): (DbModAction, String, Option<String>)) -> Self {
        ModActionView {
            id: a.id,
            action: a.action,
            moderator,
            target,
            post_id: a.post_id,
            comment_id: a.comment_id,
            reason: a.reason,
            created_at: utc(a.created_at),
        }
    }
}

/// An event (also a thread, whose id it shares) as the viewer may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// The event's id, which is also its thread's.
    pub id: i64,
    /// The community's name.
    pub community: String,
    pub organiser: AuthorView,
    pub title: String,
    /// The description as written (Markdown).
    pub description: String,
    /// The description rendered to sanitised HTML.
    pub description_html: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The IANA zone the event is held in.
    pub timezone: String,
    /// The start in the event's zone, with its offset (RFC 3339).
    pub starts_at_local: String,
    pub ends_at_local: String,
    pub address: Option<String>,
    /// Whether the event has an online link.
    pub online: bool,
    /// The online link: shown only to people going and to facilitators.
    pub online_link: Option<String>,
    /// How many may go; absent for no limit.
    pub capacity: Option<i32>,
    /// Places left; absent for no limit.
    pub remaining: Option<i32>,
    /// `free`, `restricted` (members only) or `invite` (facilitators add people).
    pub join_mode: String,
    pub going_count: i32,
    pub maybe_count: i32,
    pub cancelled: bool,
    pub ended: bool,
    /// The viewer's answer: `going`, `maybe`, `declined`, or absent.
    pub my_rsvp: Option<String>,
    /// Whether the viewer may answer now.
    pub can_answer: bool,
    /// Whether the viewer facilitates the community (and so may edit the event).
    pub can_edit: bool,
    /// An online conference's programme, in the order it runs.
    pub sessions: Vec<SessionView>,
}

/// One session of an online conference.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: i64,
    /// The thread where the session is discussed; it stays open after the event.
    pub thread_id: i64,
    pub title: String,
    pub speaker: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl From<crate::services::events::EventDetail> for EventView {
    fn from(d: crate::services::events::EventDetail) -> Self {
        let tz = d.zone();
        let local = |t: NaiveDateTime| crate::services::events::local_time(t, tz).to_rfc3339();
        EventView {
            online_link: d.visible_link().map(str::to_owned),
            remaining: d.remaining(),
            ended: d.ended(),
            can_answer: d.can_answer(),
            can_edit: d.facilitator && d.post.ap_id.is_none(),
            my_rsvp: d.my_rsvp.map(|r| r.as_str().to_owned()),
            id: d.post.id,
            community: d.community.name,
            organiser: d.organiser.into(),
            title: d.post.title,
            description: d.post.body,
            description_html: d.post.body_html,
            starts_at: utc(d.event.starts_at),
            ends_at: utc(d.event.ends_at),
            starts_at_local: local(d.event.starts_at),
            ends_at_local: local(d.event.ends_at),
            timezone: d.event.timezone,
            address: d.event.address,
            online: d.event.online_link.is_some(),
            capacity: d.event.capacity,
            join_mode: d.event.join_mode,
            going_count: d.event.going_count,
            maybe_count: d.event.maybe_count,
            cancelled: d.event.cancelled,
            sessions: d
                .sessions
                .into_iter()
                .map(|s| SessionView {
                    id: s.id,
                    thread_id: s.post_id,
                    title: s.title,
                    speaker: s.speaker,
                    starts_at: utc(s.starts_at),
                    ends_at: utc(s.ends_at),
                })
                .collect(),
        }
    }
}

/// Someone who answered an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeView {
    pub member: AuthorView,
    /// `going`, `maybe` or `declined`.
    pub status: String,
}

/// Something a member is told about.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    pub kind: crate::services::notifications::Kind,
    /// One sentence for people.
    pub summary: String,
    /// The path of the page it is about, on this instance.
    pub link: String,
    /// Who caused it; absent for reminders.
    pub actor: Option<AuthorView>,
    pub community_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub blog_post_id: Option<i64>,
    pub event_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// When it was marked read; absent while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl From<crate::services::notifications::NotificationDetail> for NotificationView {
    fn from(d: crate::services::notifications::NotificationDetail) -> Self {
        let n = d.notification;
        NotificationView {
            id: n.id,
            kind: crate::services::notifications::Kind::from_db(&n.kind)
                .unwrap_or(crate::services::notifications::Kind::Reply),
            summary: n.summary,
            link: n.link,
            actor: d.actor.map(Into::into),
            community_id: n.community_id,
            post_id: n.post_id,
            comment_id: n.comment_id,
            blog_post_id: n.blog_post_id,
            event_id: n.event_id,
            created_at: utc(n.created_at),
            read_at: n.read_at.map(utc),
        }
    }
}

/// A member's blog post.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlogPostView {
    pub id: i64,
    pub author: AuthorView,
    pub title: String,
    /// The text as written (Markdown).
    pub body: String,
    /// The text rendered to sanitised HTML.
    pub body_html: String,
    pub comment_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl BlogPostView {
    pub fn new(post: crate::db::models::DbBlogPost, author: DbPerson) -> BlogPostView {
        BlogPostView {
            id: post.id,
            author: author.into(),
            title: post.title,
            body: post.body,
            body_html: post.body_html,
            comment_count: post.comment_count,
            created_at: utc(post.created_at),
            updated_at: post.updated_at.map(utc),
        }
    }
}

impl From<crate::services::blogs::BlogPostDetail> for BlogPostView {
    fn from(d: crate::services::blogs::BlogPostDetail) -> Self {
        BlogPostView::new(d.post, d.author)
    }
}

/// A comment on a blog post. A deleted one keeps its place with its text withheld.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlogCommentView {
    pub id: i64,
    pub blog_post_id: i64,
    pub author: AuthorView,
    pub body: String,
    pub body_html: String,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<crate::services::blogs::BlogCommentDetail> for BlogCommentView {
    fn from(d: crate::services::blogs::BlogCommentDetail) -> Self {
        let c = d.comment;
        BlogCommentView {
            id: c.id,
            blog_post_id: c.blog_post_id,
            author: d.author.into(),
            body: c.body,
            body_html: c.body_html,
            deleted: c.deleted,
            created_at: utc(c.created_at),
            updated_at: c.updated_at.map(utc),
        }
    }
}

/// A folder of a community's library.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolderView {
    pub id: i64,
    pub name: String,
    /// The folder it sits in; absent at the top of the library.
    pub parent_id: Option<i64>,
}

impl From<crate::db::models::DbFolder> for FolderView {
    fn from(f: crate::db::models::DbFolder) -> Self {
        FolderView {
            id: f.id,
            name: f.name,
            parent_id: f.parent_id,
        }
    }
}

/// One uploaded version of a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i32,
    /// The type read from the file's contents.
    pub media_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    /// SHA-256 of the contents, lower-case hex; also the download's `ETag`.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    /// Where to download it (the JSON API's own path).
    pub download_path: String,
}

impl From<crate::db::models::DbDocumentVersion> for VersionView {
    fn from(v: crate::db::models::DbDocumentVersion) -> Self {
        VersionView {
            download_path: format!(
                "/api/v1/documents/{}/versions/{}/file",
                v.document_id, v.version
            ),
            version: v.version,
            media_type: v.media_type,
            size_bytes: v.size_bytes,
            file_name: v.file_name,
            sha256: v.content_hash,
            created_at: utc(v.created_at),
        }
    }
}

/// A library document: a file with its versions, discussed as a thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    /// The community's name.
    pub community: String,
    pub title: String,
    /// Markdown.
    pub description: String,
    pub description_html: String,
    pub folder_id: Option<i64>,
    /// The thread where members discuss it (`/posts/{id}`).
    pub post_id: i64,
    pub uploader: AuthorView,
    pub current: VersionView,
    /// Whether the viewer may upload versions, move or delete it.
    pub can_manage: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<crate::services::library::Document> for DocumentView {
    fn from(d: crate::services::library::Document) -> Self {
        DocumentView {
            id: d.document.id,
            community: d.community.name,
            title: d.post.title,
            description: d.post.body,
            description_html: d.post.body_html,
            folder_id: d.document.folder_id,
            post_id: d.post.id,
            uploader: d.uploader.into(),
            current: d.current.into(),
            can_manage: d.can_manage,
            created_at: utc(d.document.created_at),
            updated_at: utc(d.document.updated_at),
        }
    }
}

/// A community's library: every folder, and a page of documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryView {
    pub folders: Vec<FolderView>,
    pub documents: crate::pagination::Page<DocumentView>,
}
