//! Instance administration: account approval, invites, instance-wide bans and the
//! federation policy.
pub mod approve_account;
pub mod ban_member;
pub mod create_invite;
pub mod get_settings;
pub mod list_bans;
pub mod list_deliveries;
pub mod list_peers;
pub mod list_pending_accounts;
pub mod reject_account;
pub mod remove_peer;
pub mod set_peer;
pub mod unban_member;
pub mod update_settings;
