//! The signed-in member's own account.
pub mod change_password;
pub mod delete_account;
pub mod export_data;
pub mod get_me;
pub mod set_digest;
pub mod update_profile;
