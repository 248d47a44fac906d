//! Communities, their members, facilitators, bans, reports and moderation log.
pub mod add_moderator;
pub mod approve_member;
pub mod ban_member;
pub mod create_community;
pub mod get_community;
pub mod get_mod_log;
pub mod join_community;
pub mod leave_community;
pub mod list_bans;
pub mod list_communities;
pub mod list_members;
pub mod list_reports;
pub mod reject_member;
pub mod remove_moderator;
pub mod unban_member;
pub mod update_community;
