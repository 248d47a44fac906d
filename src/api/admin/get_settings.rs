use serde::Serialize;

use crate::api::prelude::*;
use crate::config::SignupMode;
use crate::services::settings::InstanceSettings;

/// The instance settings administrators may change while it runs.
#[derive(Serialize, ToSchema)]
pub struct SettingsView {
    /// The instance's name, shown on every page and in NodeInfo.
    name: String,
    signup_mode: SignupMode,
    /// E-mail domains sign-ups must come from; `*.gov.uk` covers every sub-domain. Empty
    /// means any.
    allowed_email_domains: Vec<String>,
}

impl From<&InstanceSettings> for SettingsView {
    fn from(settings: &InstanceSettings) -> Self {
        SettingsView {
            name: settings.name.clone(),
            signup_mode: settings.signup_mode,
            allowed_email_domains: settings.allowed_email_domains.clone(),
        }
    }
}

/// The settings in force. Admins only.
#[utoipa::path(get, path = "/admin/settings", tag = "admin",
    responses((status = 200, body = SettingsView), (status = 403, body = ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<SettingsView>> {
    services::accounts::require_admin(&auth)?;
    Ok(Json(SettingsView::from(&*state.settings.current())))
}
