use super::get_settings::SettingsView;
use crate::api::prelude::*;
use crate::config::SignupMode;
use crate::services::settings::SettingsChange;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingsRequest {
    name: String,
    signup_mode: SignupMode,
    allowed_email_domains: Vec<String>,
}

/// Replaces the instance settings. They take effect at once, override the configuration
/// file and survive restarts. Admins only.
#[utoipa::path(put, path = "/admin/settings", tag = "admin", request_body = UpdateSettingsRequest,
    responses((status = 200, body = SettingsView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update_settings(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<UpdateSettingsRequest>,
) -> AppResult<Json<SettingsView>> {
    let change = SettingsChange {
        name: req.name,
        signup_mode: req.signup_mode,
        allowed_email_domains: req.allowed_email_domains,
    };
    let settings = services::settings::update(&state, &auth, change).await?;
    Ok(Json(SettingsView::from(&*settings)))
}
