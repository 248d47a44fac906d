//! Database rows: what is stored, not what is shown. Views and protocol types convert
//! from these explicitly.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = persons)]
pub struct DbPerson {
    pub id: i64,
    pub name: String,
    pub domain: Option<String>,
    pub ap_id: Option<String>,
    pub display_name: Option<String>,
    pub job_title: Option<String>,
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub bio: String,
    pub bio_html: String,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    pub inbox_url: Option<String>,
    pub shared_inbox_url: Option<String>,
    pub last_refreshed_at: Option<NaiveDateTime>,
    /// What the member works on, in their words, for peers to find them by.
    pub interests: Option<String>,
    /// Whether a local member appears in the member directory.
    pub in_directory: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = persons)]
pub struct NewPerson<'a> {
    pub name: &'a str,
    pub domain: Option<&'a str>,
    pub ap_id: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub bio: &'a str,
    pub bio_html: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = local_users)]
pub struct DbLocalUser {
    pub id: i64,
    pub person_id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub approved: bool,
    pub application: Option<String>,
    pub created_at: NaiveDateTime,
    /// False while a sign-up waits for its e-mail link to be followed.
    pub email_verified: bool,
    /// How often the member wants the activity digest: `off`, `daily` or `weekly`.
    pub digest: String,
    /// The end of the window the last digest covered.
    pub last_digest_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = local_users)]
pub struct NewLocalUser<'a> {
    pub person_id: i64,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub approved: bool,
    pub application: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub email_verified: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = communities)]
pub struct DbCommunity {
    pub id: i64,
    pub name: String,
    pub domain: Option<String>,
    pub ap_id: Option<String>,
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub visibility: String,
    pub posting_restricted: bool,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    pub inbox_url: Option<String>,
    pub shared_inbox_url: Option<String>,
    pub last_refreshed_at: Option<NaiveDateTime>,
    /// Send comments, not only threads, to followers on microblog servers.
    pub microblog_comments: bool,
    /// Accepted members, kept by the database as memberships change.
    pub member_count: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = communities)]
pub struct NewCommunity<'a> {
    pub name: &'a str,
    pub domain: Option<&'a str>,
    pub ap_id: Option<&'a str>,
    pub title: &'a str,
    pub description: &'a str,
    pub description_html: &'a str,
    pub visibility: &'a str,
    pub posting_restricted: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = community_members)]
pub struct DbMembership {
    pub community_id: i64,
    pub person_id: i64,
    pub state: String,
    pub created_at: NaiveDateTime,
    pub follow_activity_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = community_bans)]
pub struct DbBan {
    pub community_id: i64,
    pub person_id: i64,
    pub banned_by: i64,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = instance_bans)]
pub struct DbInstanceBan {
    pub person_id: i64,
    pub banned_by: Option<i64>,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = posts)]
pub struct DbPost {
    pub id: i64,
    pub community_id: i64,
    pub author_id: i64,
    pub ap_id: Option<String>,
    pub title: String,
    pub url: Option<String>,
    pub body: String,
    pub body_html: String,
    pub pinned: bool,
    pub locked: bool,
    pub removed: bool,
    pub deleted: bool,
    pub upvotes: i32,
    pub downvotes: i32,
    pub comment_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    /// Shown before the body; `None` for none.
    pub content_warning: Option<String>,
    /// The newest reply's time, or the thread's own; kept by the database.
    pub active_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost<'a> {
    pub community_id: i64,
    pub author_id: i64,
    pub ap_id: Option<&'a str>,
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub content_warning: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = comments)]
pub struct DbComment {
    pub id: i64,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub ap_id: Option<String>,
    pub body: String,
    pub body_html: String,
    pub depth: i32,
    pub removed: bool,
    pub deleted: bool,
    pub upvotes: i32,
    pub downvotes: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = comments)]
pub struct NewComment<'a> {
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub ap_id: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub depth: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = reports)]
pub struct DbReport {
    pub id: i64,
    pub community_id: i64,
    pub reporter_id: i64,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub reason: String,
    pub resolved: bool,
    pub resolved_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = mod_log)]
pub struct DbModAction {
    pub id: i64,
    pub community_id: Option<i64>,
    pub moderator_id: i64,
    pub action: String,
    pub target_person_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = mod_log)]
pub struct NewModAction<'a> {
    pub community_id: Option<i64>,
    pub moderator_id: i64,
    pub action: &'a str,
    pub target_person_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub reason: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = deliveries)]
pub struct DbDelivery {
    pub id: i64,
    pub activity_id: String,
    pub inbox_url: String,
    pub payload: String,
    pub signer_kind: String,
    pub signer_id: i64,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub claim_token: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
    pub object_key: Option<String>,
}

/// A remote actor as we keep it.
#[derive(Debug, Clone)]
pub struct RemoteActorRow {
    pub ap_id: String,
    pub name: String,
    pub domain: String,
    pub display_name: Option<String>,
    pub summary_html: String,
    pub public_key: String,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
}

/// A thread's poll.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = polls)]
pub struct DbPoll {
    pub post_id: i64,
    /// Several choices (`anyOf`) rather than one (`oneOf`).
    pub multiple: bool,
    pub closes_at: Option<NaiveDateTime>,
    pub voters_count: i32,
    pub created_at: NaiveDateTime,
}

/// One answer a poll offers, in its place (`position`, from 0).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = poll_options)]
pub struct DbPollOption {
    pub id: i64,
    pub post_id: i64,
    pub position: i32,
    pub name: String,
    pub votes: i32,
}

/// An event: the time and place of a thread that is one.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct DbEvent {
    pub post_id: i64,
    pub community_id: i64,
    /// In UTC; shown in `timezone`.
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// An IANA zone name, such as `Europe/London`.
    pub timezone: String,
    pub address: Option<String>,
    pub online_link: Option<String>,
    pub capacity: Option<i32>,
    /// `free`, `restricted` or `invite`, as Mobilizon names them.
    pub join_mode: String,
    pub going_count: i32,
    pub maybe_count: i32,
    pub cancelled: bool,
    pub created_at: NaiveDateTime,
}

/// What an event holds, for storing or changing it.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = events, treat_none_as_null = true)]
pub struct EventFields {
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub timezone: String,
    pub address: Option<String>,
    pub online_link: Option<String>,
    pub capacity: Option<i32>,
    pub join_mode: String,
}

/// One session of an online conference, with the thread where it is discussed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = event_sessions)]
pub struct DbEventSession {
    pub id: i64,
    pub event_id: i64,
    pub post_id: i64,
    pub title: String,
    pub speaker: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A member's blog post: ours, or a remote person's Article.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = blog_posts)]
pub struct DbBlogPost {
    pub id: i64,
    pub author_id: i64,
    pub ap_id: Option<String>,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub deleted: bool,
    pub comment_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = blog_posts)]
pub struct NewBlogPost<'a> {
    pub author_id: i64,
    pub ap_id: Option<&'a str>,
    pub title: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = blog_comments)]
pub struct DbBlogComment {
    pub id: i64,
    pub blog_post_id: i64,
    pub author_id: i64,
    pub ap_id: Option<String>,
    pub body: String,
    pub body_html: String,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = blog_comments)]
pub struct NewBlogComment<'a> {
    pub blog_post_id: i64,
    pub author_id: i64,
    pub ap_id: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = notifications)]
pub struct DbNotification {
    pub id: i64,
    pub recipient_id: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub summary: String,
    pub link: String,
    pub community_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub blog_post_id: Option<i64>,
    pub event_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification {
    pub recipient_id: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub summary: String,
    pub link: String,
    pub community_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub blog_post_id: Option<i64>,
    pub event_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// A folder of a community's document library.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = document_folders)]
pub struct DbFolder {
    pub id: i64,
    pub community_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub created_at: NaiveDateTime,
}

/// A library document; its title and description are its thread's (`post_id`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct DbDocument {
    pub id: i64,
    pub community_id: i64,
    pub post_id: i64,
    pub folder_id: Option<i64>,
    pub current_version: i32,
    pub uploader_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One uploaded version of a document: which bytes (by hash) and what they are.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = document_versions)]
pub struct DbDocumentVersion {
    pub id: i64,
    pub document_id: i64,
    pub version: i32,
    /// SHA-256 of the bytes, lower-case hex: the key they are stored under.
    pub content_hash: String,
    pub size_bytes: i64,
    /// The type sniffed from the bytes, never the one the client claimed.
    pub media_type: String,
    /// The uploaded file's name, made safe.
    pub file_name: String,
    pub uploader_id: i64,
    pub created_at: NaiveDateTime,
}
