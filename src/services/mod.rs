//! The domain: who may do what, and what happens. Web pages, the JSON API and (later)
//! the federation inbox all call these functions, so every path runs the same rules.

pub mod accounts;
pub mod actors;
pub mod blogs;
pub mod comments;
pub mod communities;
pub mod delivery;
pub mod digest;
pub mod email;
pub mod events;
pub mod federation;
pub mod jobs;
pub mod library;
pub mod moderation;
pub mod notifications;
pub mod permissions;
pub mod policy;
pub mod polls;
pub mod posts;
pub mod remote_files;
pub mod search;
pub mod settings;
pub mod setup;

use crate::types::Role;

/// The signed-in local member a service call acts for.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub person_id: i64,
    pub name: String,
    pub role: Role,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Admins and instance moderators act as facilitators in every community.
    pub fn moderates_everywhere(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Moderator)
    }
}

/// Checks a free-text field's length, counting characters, and trims it.
pub(crate) fn text_field(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<String, crate::error::AppError> {
    let value = value.trim();
    let count = value.chars().count();
    if count < min || count > max {
        let message = if min > 0 && count < min {
            format!("{field} must not be empty")
        } else {
            format!("{field} must be at most {max} characters long")
        };
        return Err(crate::error::AppError::bad_request(
            "invalid_input",
            message,
        ));
    }
    Ok(value.to_owned())
}
