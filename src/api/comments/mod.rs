//! Comments.
pub mod create_comment;
pub mod delete_comment;
pub mod edit_comment;
pub mod get_comment;
pub mod list_comments;
pub mod remove_comment;
pub mod report_comment;
pub mod vote_comment;
