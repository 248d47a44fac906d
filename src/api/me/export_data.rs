//! `GET /me/export`: a member takes away everything the instance holds about them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::api::prelude::*;
use crate::error::AppError;
use crate::services::accounts::DataExport;
use crate::types::{MembershipState, Role};

/// Everything the instance holds about the signed-in member.
#[derive(Serialize, ToSchema)]
pub struct DataExportView {
    pub exported_at: DateTime<Utc>,
    pub profile: ExportProfileView,
    pub account: ExportAccountView,
    /// Memberships and requests to join.
    pub memberships: Vec<ExportMembershipView>,
    /// Names of the communities the member facilitates.
    pub facilitates: Vec<String>,
    /// Every thread the member started, deleted and removed ones included.
    pub threads: Vec<ExportThreadView>,
    /// Every comment the member wrote, deleted and removed ones included.
    pub comments: Vec<ExportCommentView>,
    pub votes: ExportVotesView,
    /// Every post on the member's blog, deleted ones included.
    pub blog_posts: Vec<ExportBlogPostView>,
    /// Every comment the member left on a blog, deleted ones included.
    pub blog_comments: Vec<ExportBlogCommentView>,
    /// The member's answers to events.
    pub event_answers: Vec<ExportEventAnswerView>,
}

#[derive(Serialize, ToSchema)]
pub struct ExportBlogPostView {
    pub id: i64,
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ExportBlogCommentView {
    pub id: i64,
    pub blog_post_id: i64,
    /// Markdown, as written.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted: bool,
}

/// An answer to an event: the event's thread, and going, maybe or declined.
#[derive(Serialize, ToSchema)]
pub struct ExportEventAnswerView {
    pub thread_id: i64,
    pub answer: String,
    pub answered_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ExportProfileView {
    pub name: String,
    pub display_name: Option<String>,
    pub job_title: Option<String>,
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub interests: Option<String>,
    pub in_directory: bool,
    /// Markdown, as written.
    pub bio: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ExportAccountView {
    pub email: String,
    pub role: Role,
    pub approved: bool,
    /// What the member wrote when asking to join the instance, if anything.
    pub application: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ExportMembershipView {
    /// The community's name.
    pub community: String,
    pub state: MembershipState,
    pub since: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ExportThreadView {
    pub id: i64,
    /// The community's name.
    pub community: String,
    pub title: String,
    pub url: Option<String>,
    /// Markdown, as written.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// Removed by a facilitator.
    pub removed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ExportCommentView {
    pub id: i64,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    /// Markdown, as written.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// Removed by a facilitator.
    pub removed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ExportVotesView {
    pub threads: Vec<ExportVoteView>,
    pub comments: Vec<ExportVoteView>,
    /// Choices in threads' polls, one per option chosen.
    pub polls: Vec<ExportPollVoteView>,
}

/// A choice in a poll: the thread's id, and the option's position and text.
#[derive(Serialize, ToSchema)]
pub struct ExportPollVoteView {
    pub thread_id: i64,
    pub position: i32,
    pub option: String,
}

/// A vote: the thread's or comment's id, and 1 or -1.
#[derive(Serialize, ToSchema)]
pub struct ExportVoteView {
    pub id: i64,
    pub score: i32,
}

/// Everything the instance holds about you, deleted threads and comments included.
#[utoipa::path(get, path = "/me/export", tag = "me",
    responses((status = 200, body = DataExportView), (status = 401, body = ErrorBody)))]
pub async fn export_data(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<DataExportView>> {
    let export = services::accounts::export_data(&state, &auth).await?;
    Ok(Json(DataExportView::try_from(export)?))
}

impl TryFrom<DataExport> for DataExportView {
    type Error = AppError;

    fn try_from(e: DataExport) -> Result<Self, AppError> {
        let p = e.person;
        let memberships = e
            .memberships
            .into_iter()
            .map(|(m, community)| {
                Ok(ExportMembershipView {
                    community,
                    state: MembershipState::from_db(&m.state)?,
                    since: m.created_at.and_utc(),
                })
            })
            .collect::<Result<_, AppError>>()?;
        let threads = e.posts.into_iter().map(|(p, community)| ExportThreadView {
            id: p.id,
            community,
            title: p.title,
            url: p.url,
            body: p.body,
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.map(|t| t.and_utc()),
            deleted: p.deleted,
            removed: p.removed,
        });
        let comments = e.comments.into_iter().map(|c| ExportCommentView {
            id: c.id,
            post_id: c.post_id,
            parent_id: c.parent_id,
            body: c.body,
            created_at: c.created_at.and_utc(),
            updated_at: c.updated_at.map(|t| t.and_utc()),
            deleted: c.deleted,
            removed: c.removed,
        });
        let votes = |rows: Vec<(i64, i32)>| {
            rows.into_iter()
                .map(|(id, score)| ExportVoteView { id, score })
                .collect()
        };
        Ok(DataExportView {
            exported_at: Utc::now(),
            profile: ExportProfileView {
                name: p.name,
                display_name: p.display_name,
                job_title: p.job_title,
                organisation: p.organisation,
                region: p.region,
                interests: p.interests,
                in_directory: p.in_directory,
                bio: p.bio,
                created_at: p.created_at.and_utc(),
            },
            account: ExportAccountView {
                email: e.account.email,
                role: Role::from_db(&e.account.role)?,
                approved: e.account.approved,
                application: e.account.application,
                created_at: e.account.created_at.and_utc(),
            },
            memberships,
            facilitates: e.facilitates,
            threads: threads.collect(),
            comments: comments.collect(),
            votes: ExportVotesView {
                threads: votes(e.post_votes),
                comments: votes(e.comment_votes),
                polls: e
                    .poll_votes
                    .into_iter()
                    .map(|(thread_id, position, option)| ExportPollVoteView {
                        thread_id,
                        position,
                        option,
                    })
                    .collect(),
            },
            blog_posts: e
                .blog_posts
                .into_iter()
                .map(|b| ExportBlogPostView {
                    id: b.id,
                    title: b.title,
                    body: b.body,
                    created_at: b.created_at.and_utc(),
                    updated_at: b.updated_at.map(|t| t.and_utc()),
                    deleted: b.deleted,
                })
                .collect(),
            blog_comments: e
                .blog_comments
                .into_iter()
                .map(|c| ExportBlogCommentView {
                    id: c.id,
                    blog_post_id: c.blog_post_id,
                    body: c.body,
                    created_at: c.created_at.and_utc(),
                    updated_at: c.updated_at.map(|t| t.and_utc()),
                    deleted: c.deleted,
                })
                .collect(),
            event_answers: e
                .rsvps
                .into_iter()
                .map(|(thread_id, answer, at)| ExportEventAnswerView {
                    thread_id,
                    answer,
                    answered_at: at.and_utc(),
                })
                .collect(),
        })
    }
}
