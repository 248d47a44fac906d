//! The instance settings administrators change while the server runs: its name, the
//! sign-up mode and the allowed e-mail domains. The configuration file gives the starting
//! values; a value saved here overrides it and survives restarts. The current settings
//! are kept in memory, so reading them costs nothing per request.

use std::sync::{Arc, RwLock};

use super::accounts::require_admin;
use super::{Actor, text_field};
use crate::config::{Config, SignupMode, is_email_domain_pattern};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

const NAME_KEY: &str = "settings.instance_name";
const MODE_KEY: &str = "settings.registration_mode";
const DOMAINS_KEY: &str = "settings.allowed_email_domains";

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSettings {
    /// The instance's name, shown on every page and in NodeInfo.
    pub name: String,
    pub signup_mode: SignupMode,
    /// E-mail domains sign-ups must come from (`*.gov.uk` for all sub-domains); empty
    /// means any.
    pub allowed_email_domains: Vec<String>,
}

impl InstanceSettings {
    fn from_config(config: &Config) -> InstanceSettings {
        InstanceSettings {
            name: config.instance.name.clone(),
            signup_mode: config.registration.mode,
            allowed_email_domains: config.registration.allowed_email_domains.clone(),
        }
    }
}

/// The settings in force, shared by every request.
#[derive(Debug)]
pub struct SettingsCache(RwLock<Arc<InstanceSettings>>);

impl SettingsCache {
    pub fn new(config: &Config) -> SettingsCache {
        SettingsCache(RwLock::new(Arc::new(InstanceSettings::from_config(config))))
    }

    pub fn current(&self) -> Arc<InstanceSettings> {
        match self.0.read() {
            Ok(settings) => settings.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, settings: InstanceSettings) {
        let settings = Arc::new(settings);
        match self.0.write() {
            Ok(mut current) => *current = settings,
            Err(poisoned) => *poisoned.into_inner() = settings,
        }
    }
}

/// Reads the saved settings over the configured ones; called once at start-up.
pub async fn load(state: &AppState) -> AppResult<()> {
    let saved = state
        .db
        .read(|conn| {
            Ok((
                db::persons::setting(conn, NAME_KEY)?,
                db::persons::setting(conn, MODE_KEY)?,
                db::persons::setting(conn, DOMAINS_KEY)?,
            ))
        })
        .await?;
    let mut settings = InstanceSettings::from_config(&state.config);
    let (name, mode, domains) = saved;
    if let Some(name) = name {
        settings.name = name;
    }
    if let Some(mode) = mode {
        match SignupMode::parse(&mode) {
            Some(mode) => settings.signup_mode = mode,
            None => {
                tracing::warn!(%mode, "ignoring a saved sign-up mode this version does not know")
            }
        }
    }
    if let Some(domains) = domains {
        settings.allowed_email_domains = domains.lines().map(str::to_owned).collect();
    }
    state.settings.replace(settings);
    Ok(())
}

/// What an administrator asks for.
#[derive(Debug, Clone)]
pub struct SettingsChange {
    pub name: String,
    pub signup_mode: SignupMode,
    /// One domain per entry; blanks are ignored.
    pub allowed_email_domains: Vec<String>,
}

/// Saves new settings (admins only) and puts them in force at once.
#[tracing::instrument(skip_all, fields(by = %actor.name))]
pub async fn update(
    state: &AppState,
    actor: &Actor,
    change: SettingsChange,
) -> AppResult<Arc<InstanceSettings>> {
    require_admin(actor)?;
    let name = text_field("name", &change.name, 1, 100)?;
    let mut domains = Vec::new();
    for domain in &change.allowed_email_domains {
        let domain = domain.trim().to_ascii_lowercase();
        if domain.is_empty() || domains.contains(&domain) {
            continue;
        }
        if !is_email_domain_pattern(&domain) {
            return Err(AppError::bad_request(
                "invalid_email_domain",
                format!(
                    "{domain:?} is not a domain such as council.gov.uk, or *.gov.uk for all its sub-domains"
                ),
            ));
        }
        domains.push(domain);
    }
    let settings = InstanceSettings {
        name,
        signup_mode: change.signup_mode,
        allowed_email_domains: domains,
    };
    {
        let settings = settings.clone();
        state
            .db
            .write(move |conn| {
                db::persons::set_setting(conn, NAME_KEY, &settings.name)?;
                db::persons::set_setting(conn, MODE_KEY, settings.signup_mode.as_str())?;
                db::persons::set_setting(
                    conn,
                    DOMAINS_KEY,
                    &settings.allowed_email_domains.join("\n"),
                )
            })
            .await?;
    }
    tracing::info!(
        name = %settings.name,
        mode = settings.signup_mode.as_str(),
        domains = ?settings.allowed_email_domains,
        "instance settings changed"
    );
    state.settings.replace(settings);
    Ok(state.settings.current())
}
