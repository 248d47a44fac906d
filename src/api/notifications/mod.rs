//! The signed-in member's notifications.
pub mod count_unread;
pub mod list_notifications;
pub mod mark_all_read;
pub mod mark_read;
