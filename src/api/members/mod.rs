//! Member profiles and the member directory.
pub mod get_member;
pub mod list_members;
