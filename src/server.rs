//! Building the application and serving it.

use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;

use activitypub_federation::config::{FederationConfig, FederationMiddleware};

use crate::config::Config;
use crate::db::Db;
use crate::state::AppState;
use crate::{api, federation, services, web};

/// Connects to the database and applies migrations.
pub fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(
        &config.database.url,
        config.database.pool_size,
        std::time::Duration::from_secs(u64::from(config.database.timeout_seconds)),
    )?;
    let applied = db.migrate()?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(db)
}

/// The whole HTTP application.
pub fn app(state: AppState, federation: FederationConfig<AppState>) -> Router {
    let limit = state.config.http.body_limit_bytes;
    Router::new()
        .nest("/api/v1", api::router())
        .merge(web::router())
        .merge(federation::router(state.clone()))
        .fallback(web::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::finish_pages,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .layer(FederationMiddleware::new(federation))
        .with_state(state)
}

/// A server bound and ready: tests start several on ephemeral ports.
pub struct Server {
    pub state: AppState,
    federation: FederationConfig<AppState>,
    listener: TcpListener,
}

impl Server {
    /// Opens the database, applies migrations and binds the listener.
    pub async fn bind(config: Config) -> anyhow::Result<Server> {
        Server::start(config, None).await
    }

    /// Like [`bind`](Self::bind), on a socket the caller has bound and listens on already
    /// (its address should be `http.bind`): no other process can take the port between
    /// choosing it and serving on it.
    pub async fn on_listener(
        config: Config,
        listener: std::net::TcpListener,
    ) -> anyhow::Result<Server> {
        Server::start(config, Some(listener)).await
    }

    async fn start(
        config: Config,
        listener: Option<std::net::TcpListener>,
    ) -> anyhow::Result<Server> {
        let config = Arc::new(config);
        let db = {
            let config = config.clone();
            tokio::task::spawn_blocking(move || open_database(&config)).await??
        };
        let listener = match listener {
            Some(listener) => {
                listener
                    .set_nonblocking(true)
                    .context("preparing the given listener")?;
                TcpListener::from_std(listener).context("taking the given listener")?
            }
            None => TcpListener::bind(config.http.bind)
                .await
                .with_context(|| format!("binding http.bind = {}", config.http.bind))?,
        };
        let state = AppState::new(db, config);
        state.files.open()?;
        // In the background: a store that does not answer must not hold up start-up.
        let files = state.files.clone();
        tokio::spawn(async move { files.check().await });
        crate::services::settings::load(&state)
            .await
            .context("reading the saved instance settings")?;
        let federation = federation::setup::federation_config(state.clone()).await?;
        Ok(Server {
            state,
            federation,
            listener,
        })
    }

    pub fn local_addr(&self) -> anyhow::Result<std::net::SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Logs the first-run link if the instance has no admin yet, then serves until
    /// `shutdown` completes.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        if let Some(link) = services::setup::setup_link(&self.state).await? {
            tracing::warn!("no administrator yet: open this one-time link to create one: {link}");
            println!("Create the first administrator at: {link}");
        }
        tracing::info!(address = %self.listener.local_addr()?, base = %self.state.config.base_url(), "serving");
        federation::delivery::spawn(self.federation.clone());
        let hourly = tokio::spawn(services::jobs::run_hourly(self.state.clone()));
        let app = app(self.state, self.federation)
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP");
        hourly.abort();
        served
    }
}
