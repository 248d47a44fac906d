//! Threads.
pub mod create_post;
pub mod delete_post;
pub mod edit_post;
pub mod get_post;
pub mod list_posts;
pub mod lock_post;
pub mod pin_post;
pub mod remove_post;
pub mod report_post;
pub mod vote_poll;
pub mod vote_post;
pub mod withdraw_poll_vote;

use serde::Deserialize;
use utoipa::ToSchema;

/// A vote: 1 (up), -1 (down) or 0 (withdraw).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    pub score: i32,
}

/// A vote in a thread's poll: the chosen options' positions (from 0); one unless the
/// poll takes several.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PollVoteRequest {
    pub choices: Vec<i32>,
}

/// Turns a facilitator action on or off, with an optional reason for the log.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToggleRequest {
    pub on: bool,
    pub reason: Option<String>,
}

/// Why something is reported.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    pub reason: String,
}
