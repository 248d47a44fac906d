//! What every request handler and service shares.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::rate_limit::RateLimiter;

/// The application state: the database, the configuration (loaded once) and the
/// rate limiter.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub limiter: Arc<RateLimiter>,
    /// Wakes the delivery workers when new deliveries are queued.
    pub deliveries: Arc<tokio::sync::Notify>,
    /// The federation policy's run-time entries, cached (see `services::policy`).
    pub peers: Arc<crate::services::policy::PeerCache>,
    /// The instance settings in force (see `services::settings`).
    pub settings: Arc<crate::services::settings::SettingsCache>,
    /// The key for web forms' CSRF tokens, derived from the instance key on first use.
    pub form_key: Arc<std::sync::OnceLock<[u8; 32]>>,
    /// Where uploaded files are kept.
    pub files: Arc<crate::storage::Storage>,
    /// A plain HTTP client for other servers (NodeInfo), made on first use.
    http: Arc<std::sync::OnceLock<reqwest::Client>>,
}

impl AppState {
    /// Runs `f` in one write transaction, then wakes the delivery workers for whatever
    /// activities it queued.
    pub async fn write_and_deliver<T, F>(&self, f: F) -> crate::error::AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut crate::db::DbConn) -> crate::error::AppResult<T> + Send + 'static,
    {
        let result = self.db.write(f).await;
        if result.is_ok() {
            self.deliveries.notify_one();
        }
        result
    }

    pub fn new(db: Db, config: Arc<Config>) -> AppState {
        let limiter = Arc::new(RateLimiter::new(config.limits.clone()));
        AppState {
            db,
            limiter,
            deliveries: Arc::new(tokio::sync::Notify::new()),
            peers: Arc::new(crate::services::policy::PeerCache::new()),
            settings: Arc::new(crate::services::settings::SettingsCache::new(&config)),
            form_key: Arc::new(std::sync::OnceLock::new()),
            files: Arc::new(crate::storage::Storage::new(&config.storage)),
            http: Arc::new(std::sync::OnceLock::new()),
            config,
        }
    }

    /// The HTTP client for plain (unsigned) requests to other servers.
    pub fn http(&self) -> anyhow::Result<&reqwest::Client> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = crate::federation::setup::http_client(&self.config)?;
        Ok(self.http.get_or_init(|| client))
    }
}
