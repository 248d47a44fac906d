//! Every rule about who may see or do what in a community, in one place.

use crate::db::models::DbCommunity;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::services::Actor;
use crate::types::{MembershipState, Visibility};

/// What one viewer may do in one community.
#[derive(Debug, Clone)]
pub struct Access {
    pub community: DbCommunity,
    pub visibility: Visibility,
    pub membership: Option<MembershipState>,
    /// A facilitator of this community, or an instance admin or moderator.
    pub moderator: bool,
    pub banned: bool,
    pub person_id: Option<i64>,
}

impl Access {
    /// Works out a viewer's standing; `None` is an anonymous visitor.
    pub fn load(
        conn: &mut DbConn,
        community: DbCommunity,
        viewer: Option<&Actor>,
    ) -> AppResult<Access> {
        let visibility = Visibility::from_db(&community.visibility)?;
        let (membership, moderator, banned) = match viewer {
            Some(actor) => {
                let membership = db::communities::membership(conn, community.id, actor.person_id)?
                    .map(|m| MembershipState::from_db(&m.state))
                    .transpose()?;
                let moderator = actor.moderates_everywhere()
                    || db::communities::is_moderator(conn, community.id, actor.person_id)?;
                let banned =
                    db::communities::banned_in(conn, community.id, actor.person_id, db::now())?;
                (membership, moderator, banned)
            }
            None => (None, false, false),
        };
        Ok(Access {
            community,
            visibility,
            membership,
            moderator,
            banned,
            person_id: viewer.map(|a| a.person_id),
        })
    }

    /// A person's standing, local or remote; instance roles do not apply.
    pub fn for_person(
        conn: &mut DbConn,
        community: DbCommunity,
        person_id: i64,
    ) -> AppResult<Access> {
        let visibility = Visibility::from_db(&community.visibility)?;
        let membership = db::communities::membership(conn, community.id, person_id)?
            .map(|m| MembershipState::from_db(&m.state))
            .transpose()?;
        let moderator = db::communities::is_moderator(conn, community.id, person_id)?;
        let banned = db::communities::banned_in(conn, community.id, person_id, db::now())?;
        Ok(Access {
            community,
            visibility,
            membership,
            moderator,
            banned,
            person_id: Some(person_id),
        })
    }

    pub fn is_member(&self) -> bool {
        self.membership == Some(MembershipState::Accepted)
    }

    /// Private communities show their content to approved members only.
    pub fn can_read(&self) -> bool {
        match self.visibility {
            Visibility::Public | Visibility::Restricted => true,
            Visibility::Private => self.moderator || (self.is_member() && !self.banned),
        }
    }

    pub fn require_read(&self) -> AppResult<()> {
        if self.community.deleted {
            return Err(AppError::Gone("this community has been deleted".into()));
        }
        if self.can_read() {
            Ok(())
        } else {
            Err(AppError::denied(
                "members_only",
                "only members of this private community can see its content",
            ))
        }
    }

    /// Commenting and voting: not banned, and a member unless the community is public.
    pub fn require_participate(&self) -> AppResult<()> {
        self.require_read()?;
        if self.person_id.is_none() {
            return Err(AppError::Unauthenticated);
        }
        if self.banned {
            return Err(AppError::denied(
                "banned",
                "you are banned from this community",
            ));
        }
        if self.visibility != Visibility::Public && !self.is_member() && !self.moderator {
            return Err(AppError::denied(
                "members_only",
                "join this community, and be approved, before taking part",
            ));
        }
        Ok(())
    }

    /// Starting a thread: taking part, and a facilitator where posting is restricted.
    pub fn require_start_thread(&self) -> AppResult<()> {
        self.require_participate()?;
        if self.community.posting_restricted && !self.moderator {
            return Err(AppError::denied(
                "posting_restricted",
                "only facilitators can start threads in this community",
            ));
        }
        Ok(())
    }

    pub fn require_moderator(&self) -> AppResult<()> {
        if self.moderator {
            Ok(())
        } else {
            Err(AppError::denied(
                "not_moderator",
                "only this community's facilitators can do that",
            ))
        }
    }
}
