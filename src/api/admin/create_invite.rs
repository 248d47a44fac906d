use serde::Serialize;

use crate::api::prelude::*;

#[derive(Serialize, ToSchema)]
pub struct InviteView {
    /// Give this to the person you invite; it works once.
    code: String,
}

/// Creates a one-use invite code. Admins always may; members may when sign-up is by invite.
#[utoipa::path(post, path = "/invites", tag = "admin",
    responses((status = 201, body = InviteView), (status = 403, body = ErrorBody)))]
pub async fn create_invite(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<(StatusCode, Json<InviteView>)> {
    let code = services::accounts::create_invite(&state, &auth).await?;
    Ok((StatusCode::CREATED, Json(InviteView { code })))
}
