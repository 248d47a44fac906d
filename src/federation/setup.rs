//! The federation library's configuration: our domain, our HTTP client and its limits.

use std::sync::Arc;
use std::time::Duration;

use activitypub_federation::config::FederationConfig;
use activitypub_federation::resolver::ValidatingDnsResolver;
use anyhow::Context;

use crate::config::Config;
use crate::state::AppState;

/// Whether peers' ids may be plain `http` URLs: in development, or when we run without TLS.
pub fn allows_plain_http(config: &Config) -> bool {
    config.federation.allow_private_addresses || !config.instance.https
}

/// The HTTP client for talking to other servers: no redirects followed blindly, bounded
/// time, and no connections to loopback, private or link-local addresses unless
/// configured for development (checked when connecting, after name resolution).
pub fn http_client(config: &Config) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(format!(
            "Guildhall/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            config.base_url()
        ))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(request_timeout(config))
        .connect_timeout(request_timeout(config).min(Duration::from_secs(5)))
        .dns_resolver(Arc::new(ValidatingDnsResolver::new(
            Vec::new(),
            !config.federation.allow_private_addresses,
        )))
        .build()
        .context("building the federation HTTP client")
}

/// The longest one request to a peer may take, answer included: a peer that accepts the
/// connection and never answers frees its delivery worker after this.
fn request_timeout(config: &Config) -> Duration {
    Duration::from_secs(u64::from(config.federation.request_timeout_seconds))
}

/// A fetch that the peer answered with a server error or `429`, as an error. The
/// federation library would otherwise try to read the error page as the object and
/// report a malformed object, which the inbox refuses for good (401); as a failed
/// request it is answered 503, and the activity that needed the fetch is sent again.
/// Deliveries (POSTs) pass through: the library already retries their 5xx and 429.
fn busy_peer_is_an_error<'a>(
    request: reqwest::Request,
    extensions: &'a mut http::Extensions,
    next: reqwest_middleware::Next<'a>,
) -> std::pin::Pin<
    Box<dyn Future<Output = reqwest_middleware::Result<reqwest::Response>> + Send + 'a>,
> {
    Box::pin(async move {
        let fetch = request.method() == reqwest::Method::GET;
        let response = next.run(request, extensions).await?;
        let status = response.status();
        if fetch && (status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS) {
            return Err(reqwest_middleware::Error::Middleware(anyhow::anyhow!(
                "{} answered {status}",
                response.url()
            )));
        }
        Ok(response)
    })
}

/// Builds the configuration that signs, fetches and verifies for this instance.
pub async fn federation_config(state: AppState) -> anyhow::Result<FederationConfig<AppState>> {
    let allow_private = state.config.federation.allow_private_addresses;
    let client = http_client(&state.config)?;
    let timeout = request_timeout(&state.config);
    let domain = state.config.instance.domain.clone();
    let plain_http = allows_plain_http(&state.config);
    // Every received id, fetched URL and target inbox passes the federation policy.
    let verifier = super::policy::PolicyVerifier::new(state.clone());
    // Fetches are signed as the instance actor, so that peers requiring signed fetches
    // (secure mode, authorized fetch) answer them.
    let keys = crate::services::actors::instance_keys(&state)
        .await
        .map_err(|e| anyhow::anyhow!("preparing the instance actor's keys: {e}"))?;
    let instance =
        super::actors::InstanceActor::new(super::urls::Urls::new(&state.config).instance()?, keys);
    FederationConfig::builder()
        .domain(domain)
        .signed_fetch_actor(&instance)
        .app_data(state)
        .url_verifier(Box::new(verifier))
        .client(
            reqwest_middleware::ClientBuilder::new(client)
                .with(busy_peer_is_an_error)
                .build(),
        )
        .debug(allow_private)
        .allow_http_urls(plain_http)
        .http_fetch_limit(50)
        .request_timeout(timeout)
        .build()
        .await
        .context("configuring federation")
}
