use serde::Serialize;

use crate::api::prelude::*;
use crate::types::Role;

#[derive(Serialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    member: MemberView,
    role: Role,
}

/// The signed-in member's profile and role.
#[utoipa::path(get, path = "/me", tag = "me", responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
pub async fn get_me(State(state): State<AppState>, auth: Auth) -> AppResult<Json<MeView>> {
    let person = services::accounts::profile(&state, &auth.name).await?;
    Ok(Json(MeView {
        member: MemberView::own(person),
        role: auth.role,
    }))
}
