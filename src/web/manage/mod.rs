//! A community's facilitators' pages under `/c/{name}/manage`: settings, join requests
//! and members, reports, bans and the moderation log. Each page calls the same services
//! as the JSON API, which refuse anyone who does not facilitate the community.

pub mod bans;
pub mod log;
pub mod members;
pub mod overview;
pub mod reports;

use super::render::WebError;
use super::session::Viewer;
use crate::error::AppError;
use crate::services::communities::CommunityDetail;
use crate::services::{self, Actor};
use crate::state::AppState;

/// The signed-in facilitator (or administrator) of the local community `name`, and the
/// community: others get the "you cannot do that" page, visitors the sign-in page.
async fn facilitator<'a>(
    state: &AppState,
    viewer: &'a Viewer,
    name: &str,
) -> Result<(&'a Actor, CommunityDetail), WebError> {
    let actor = viewer.member()?;
    let d = services::communities::get(state, Some(actor), name).await?;
    // A community from another server is looked after on its own server.
    if d.community.domain.is_some() {
        return Err(WebError::NotFound);
    }
    if !d.is_moderator {
        return Err(AppError::denied(
            "not_moderator",
            "only this community's facilitators can do that",
        )
        .into());
    }
    Ok((actor, d))
}

/// Where a community's management pages start.
fn home(name: &str) -> String {
    format!("/c/{name}/manage")
}
