//! The instance administrators' pages: approvals and invites, the federation policy, and
//! instance-wide bans. Each page calls the same services as the JSON API, which refuse
//! anyone who is not an administrator.

pub mod accounts;
pub mod bans;
pub mod federation;
pub mod overview;

use super::render::WebError;
use super::session::Viewer;
use crate::services::Actor;

/// The signed-in administrator: others get the "you cannot do that" page, visitors the
/// sign-in page.
fn admin(viewer: &Viewer) -> Result<&Actor, WebError> {
    let actor = viewer.member()?;
    crate::services::accounts::require_admin(actor)?;
    Ok(actor)
}
