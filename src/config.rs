//! Typed configuration: the defaults, `config/guildhall.toml` (or `--config FILE`) and
//! `GUILDHALL_SECTION__KEY` environment variables, validated once at start-up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The whole configuration, loaded once and shared through the application state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub instance: InstanceConfig,
    pub http: HttpConfig,
    pub database: DatabaseConfig,
    pub registration: RegistrationConfig,
    pub limits: LimitsConfig,
    pub federation: FederationConfig,
    /// Outgoing e-mail. Without it nothing is ever sent: sign-up needs no verification
    /// and nobody gets a digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<SmtpConfig>,
    pub storage: StorageConfig,
    pub uploads: UploadsConfig,
}

/// How to reach the SMTP server that sends our e-mail.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    #[serde(default)]
    pub username: Option<String>,
    /// Never logged: the `Debug` form hides it.
    #[serde(default)]
    pub password: Option<String>,
    /// The sender, such as `"Guildhall <noreply@east.example.org>"`.
    pub from: String,
    #[serde(default)]
    pub tls: SmtpTls,
}

fn default_smtp_port() -> u16 {
    587
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("from", &self.from)
            .field("tls", &self.tls)
            .finish()
    }
}

/// Where uploaded files (the document library) are kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    pub backend: StorageBackend,
    /// The directory for `local` storage; created if missing.
    pub path: PathBuf,
    /// The bucket for `s3` storage.
    pub s3: S3Config,
}

/// The kind of file storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// A directory on this machine (`storage.path`).
    Local,
    /// An S3-compatible object store (`storage.s3`).
    S3,
}

/// An S3-compatible bucket. Empty credentials fall back to the standard `AWS_*`
/// environment variables.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    pub bucket: String,
    pub region: String,
    /// The service's address, for stores other than Amazon's (MinIO, Garage, Ceph…).
    pub endpoint: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Allow a plain-http `endpoint` (a store on the same private network).
    pub allow_http: bool,
}

// Written by hand so that the secret never reaches a log.
impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<hidden>")
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: only for a server on the same machine or in tests.
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// What members may upload.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadsConfig {
    /// The media types accepted, as sniffed from the bytes; each must be one that
    /// [`crate::sniff::KNOWN_TYPES`] recognises.
    pub allowed_types: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationConfig {
    /// Let federation reach loopback, private and link-local addresses, and plain-http
    /// peers with explicit ports. Only development and tests set this.
    pub allow_private_addresses: bool,
    /// Deliveries in flight at once, across all peers.
    pub delivery_concurrency: usize,
    /// The wait before the first retry of a failed delivery, in seconds; it doubles with
    /// each failure, up to `retry_max_seconds`.
    pub retry_initial_seconds: u32,
    /// The longest wait between two tries of a failed delivery, in seconds.
    pub retry_max_seconds: u32,
    /// How long a worker's claim on a queued delivery lasts, in seconds. If the process
    /// dies mid-send, another worker (or the restarted process) takes the row after this.
    pub claim_lease_seconds: u32,
    /// Authorized fetch: serve threads, comments and collections to federation clients
    /// only on a valid signed GET from a peer we federate with.
    pub secure_mode: bool,
    /// After this many hours of failed deliveries a peer counts as dead: new deliveries to
    /// it wait, and one is tried every six hours, until it answers again.
    pub dead_after_hours: u32,
    /// The same period in seconds, taking the place of `dead_after_hours` when set: for
    /// tests and trials that need to see a peer declared dead within minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_after_seconds: Option<u32>,
    /// How long one outgoing request (a delivery or a fetch) may take, in seconds, before
    /// it is abandoned: a peer that accepts a connection and never answers holds a
    /// delivery worker no longer than this.
    pub request_timeout_seconds: u32,
    /// Which peer servers this instance federates with.
    pub policy: FederationPolicy,
    /// The initial block-list (under `blocklist`) or allow-list (under `allowlist`): host
    /// names, optionally with `:port`; `*.example.org` matches its sub-domains. Admins add
    /// entries at run time through the CLI or the admin API; those live in the database.
    pub domains: Vec<String>,
}

/// How the instance chooses the peers it federates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FederationPolicy {
    /// Every peer except those blocked at run time.
    Open,
    /// Every peer except those listed in `federation.domains` or blocked at run time.
    Blocklist,
    /// Only peers listed in `federation.domains` or allowed at run time.
    Allowlist,
}

impl FederationPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            FederationPolicy::Open => "open",
            FederationPolicy::Blocklist => "blocklist",
            FederationPolicy::Allowlist => "allowlist",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceConfig {
    pub domain: String,
    pub https: bool,
    pub name: String,
    /// The language members mostly write in (a BCP 47 tag such as `en` or `cy`): pages
    /// declare it, and federated posts carry it in `contentMap`.
    pub language: String,
    pub community_creation: CommunityCreation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommunityCreation {
    Members,
    Admins,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    pub bind: SocketAddr,
    pub body_limit_bytes: usize,
    /// Take the client's address from `X-Forwarded-For`: set only behind a reverse proxy
    /// that sets it, or clients could pick their own address.
    pub trust_forwarded_for: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    pub url: String,
    pub pool_size: u32,
    /// How long a request waits for the database, in seconds: for a pooled connection,
    /// for a SQLite lock held elsewhere, or for the database to come back. After this it
    /// answers 503, so an unreachable database never holds a request for longer.
    pub timeout_seconds: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationConfig {
    pub mode: SignupMode,
    pub allowed_email_domains: Vec<String>,
    pub invite_ttl_hours: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Sign-in attempts per client address per minute.
    pub login_per_minute: u32,
    /// Sign-ups per client address per hour.
    pub signup_per_hour: u32,
    /// Activities accepted per peer server per minute, across all inboxes.
    pub inbox_per_minute_per_peer: u32,
    /// The largest file a member may upload, in bytes.
    pub upload_max_bytes: u64,
}

/// Whether `pattern` is an e-mail domain such as `council.gov.uk`, or `*.gov.uk` for all
/// its sub-domains.
pub fn is_email_domain_pattern(pattern: &str) -> bool {
    let bare = pattern.strip_prefix("*.").unwrap_or(pattern);
    !(bare.is_empty()
        || bare.contains('*')
        || bare.contains('@')
        || bare.starts_with('.')
        || !bare.contains('.'))
}

/// How new members may join the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignupMode {
    /// Anyone may sign up and use the account at once.
    Open,
    /// Anyone may apply; an admin approves the account before it can sign in.
    Approval,
    /// Sign-up needs an invite code from an existing member.
    Invite,
    /// Nobody may sign up; admins create accounts.
    Closed,
}

impl SignupMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SignupMode::Open => "open",
            SignupMode::Approval => "approval",
            SignupMode::Invite => "invite",
            SignupMode::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<SignupMode> {
        [
            SignupMode::Open,
            SignupMode::Approval,
            SignupMode::Invite,
            SignupMode::Closed,
        ]
        .into_iter()
        .find(|mode| mode.as_str() == text)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            instance: InstanceConfig {
                domain: "localhost:8080".into(),
                https: false,
                name: "Guildhall".into(),
                language: "en".into(),
                community_creation: CommunityCreation::Members,
            },
            http: HttpConfig {
                bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
                body_limit_bytes: 1024 * 1024,
                trust_forwarded_for: false,
            },
            database: DatabaseConfig {
                url: "sqlite://data/guildhall.db".into(),
                pool_size: 8,
                timeout_seconds: 10,
            },
            registration: RegistrationConfig {
                mode: SignupMode::Open,
                allowed_email_domains: Vec::new(),
                invite_ttl_hours: 24 * 7,
            },
            limits: LimitsConfig {
                login_per_minute: 30,
                signup_per_hour: 20,
                inbox_per_minute_per_peer: 60_000,
                upload_max_bytes: 25 * 1024 * 1024,
            },
            federation: FederationConfig {
                allow_private_addresses: false,
                delivery_concurrency: 64,
                retry_initial_seconds: 10,
                retry_max_seconds: 6 * 3600,
                claim_lease_seconds: 60,
                secure_mode: false,
                dead_after_hours: 24,
                dead_after_seconds: None,
                request_timeout_seconds: 10,
                policy: FederationPolicy::Open,
                domains: Vec::new(),
            },
            smtp: None,
            storage: StorageConfig {
                backend: StorageBackend::Local,
                path: PathBuf::from("data/files"),
                s3: S3Config::default(),
            },
            uploads: UploadsConfig {
                allowed_types: crate::sniff::KNOWN_TYPES
                    .iter()
                    .map(|t| (*t).to_owned())
                    .collect(),
            },
        }
    }
}

/// The file read when no `--config` is given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "config/guildhall.toml";

impl Config {
    /// Loads defaults, then the file, then the environment, and validates the result.
    /// An explicitly named file must exist; the default file is optional.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.is_file() {
                    bail!("configuration file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file(path));
            }
            None => {
                let default = PathBuf::from(DEFAULT_CONFIG_FILE);
                if default.is_file() {
                    figment = figment.merge(Toml::file(default));
                }
            }
        }
        // Only `GUILDHALL_SECTION__KEY` names are configuration; others such as
        // GUILDHALL_TEST_POSTGRES belong to tools and are left alone.
        let env = Env::prefixed("GUILDHALL_").filter_map(|key| {
            let key = key.as_str();
            key.contains("__")
                .then(|| key.replace("__", ".").to_lowercase().into())
        });
        let config: Config = figment
            .merge(env)
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: formats and ranges. Each message names its key.
    pub fn validate(&self) -> anyhow::Result<()> {
        let language = &self.instance.language;
        let tag_ok = !language.is_empty()
            && language.len() <= 35
            && language.split('-').all(|part| {
                !part.is_empty()
                    && part.len() <= 8
                    && part.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if !tag_ok {
            bail!("instance.language: {language:?} is not a language tag such as \"en\" or \"cy\"");
        }
        let domain = &self.instance.domain;
        if domain.is_empty()
            || domain.contains("://")
            || domain.contains('/')
            || url::Url::parse(&format!("http://{domain}/"))
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .is_none()
        {
            bail!(
                "instance.domain: {domain:?} is not a host name such as \"east.example.org\" or \"127.0.0.1:8081\""
            );
        }
        DatabaseUrl::parse(&self.database.url).context("database.url")?;
        if self.database.pool_size == 0 {
            bail!("database.pool_size: must be at least 1");
        }
        if self.http.body_limit_bytes < 1024 {
            bail!("http.body_limit_bytes: must be at least 1024");
        }
        for pattern in &self.registration.allowed_email_domains {
            if !is_email_domain_pattern(pattern) {
                bail!(
                    "registration.allowed_email_domains: {pattern:?} is not a domain such as \"council.gov.uk\" or \"*.gov.uk\""
                );
            }
        }
        if self.limits.login_per_minute == 0 {
            bail!("limits.login_per_minute: must be at least 1");
        }
        if self.limits.inbox_per_minute_per_peer == 0 {
            bail!("limits.inbox_per_minute_per_peer: must be at least 1");
        }
        if self.limits.signup_per_hour == 0 {
            bail!("limits.signup_per_hour: must be at least 1");
        }
        if self.federation.dead_after_hours == 0 {
            bail!("federation.dead_after_hours: must be at least 1");
        }
        if self.federation.dead_after_seconds == Some(0) {
            bail!(
                "federation.dead_after_seconds: must be at least 1; leave it out to use dead_after_hours"
            );
        }
        if self.federation.request_timeout_seconds == 0 {
            bail!("federation.request_timeout_seconds: must be at least 1");
        }
        if self.database.timeout_seconds == 0 {
            bail!("database.timeout_seconds: must be at least 1");
        }
        if self.federation.claim_lease_seconds < 2 {
            bail!("federation.claim_lease_seconds: must be at least 2");
        }
        if self.federation.retry_initial_seconds == 0 {
            bail!("federation.retry_initial_seconds: must be at least 1");
        }
        if self.federation.retry_max_seconds < self.federation.retry_initial_seconds {
            bail!("federation.retry_max_seconds: must be at least retry_initial_seconds");
        }
        if self.federation.delivery_concurrency == 0 {
            bail!("federation.delivery_concurrency: must be at least 1");
        }
        if self.federation.policy == FederationPolicy::Open && !self.federation.domains.is_empty() {
            // Listing peers under `open` would look like a block-list and block nothing.
            bail!(
                "federation.domains: lists peers, but federation.policy = \"open\" ignores it; set federation.policy to \"blocklist\" or \"allowlist\""
            );
        }
        for pattern in &self.federation.domains {
            if let Err(e) = crate::services::policy::PeerPattern::parse(pattern) {
                bail!("federation.domains: {e}");
            }
        }
        if self.limits.upload_max_bytes == 0 || self.limits.upload_max_bytes > 1 << 30 {
            bail!("limits.upload_max_bytes: must be between 1 and 1073741824 (1 GiB)");
        }
        for media_type in &self.uploads.allowed_types {
            if !crate::sniff::KNOWN_TYPES.contains(&media_type.as_str()) {
                bail!(
                    "uploads.allowed_types: {media_type:?} is not a type Guildhall can recognise from a file's contents; choose from {}",
                    crate::sniff::KNOWN_TYPES.join(", ")
                );
            }
        }
        match self.storage.backend {
            StorageBackend::Local if self.storage.path.as_os_str().is_empty() => {
                bail!("storage.path: names no directory; use for example \"data/files\"");
            }
            StorageBackend::S3 if self.storage.s3.bucket.is_empty() => {
                bail!("storage.s3.bucket: storage.backend = \"s3\" needs a bucket name");
            }
            StorageBackend::S3 if !self.storage.s3.endpoint.is_empty() => {
                let endpoint = url::Url::parse(&self.storage.s3.endpoint).ok();
                match endpoint.as_ref().map(url::Url::scheme) {
                    Some("https") => {}
                    Some("http") if self.storage.s3.allow_http => {}
                    Some("http") => bail!(
                        "storage.s3.endpoint: is plain http; use https, or set storage.s3.allow_http = true"
                    ),
                    _ => bail!(
                        "storage.s3.endpoint: {:?} is not an address such as \"https://s3.example.org\"",
                        self.storage.s3.endpoint
                    ),
                }
            }
            _ => {}
        }
        if self.registration.invite_ttl_hours == 0 {
            bail!("registration.invite_ttl_hours: must be at least 1");
        }
        if let Some(smtp) = &self.smtp {
            if smtp.host.trim().is_empty() {
                bail!("smtp.host: must name the SMTP server, such as \"smtp.example.org\"");
            }
            if smtp.port == 0 {
                bail!("smtp.port: must be between 1 and 65535");
            }
            if smtp.from.parse::<lettre::message::Mailbox>().is_err() {
                bail!(
                    "smtp.from: {:?} is not an address such as \"Guildhall <noreply@example.org>\"",
                    smtp.from
                );
            }
            if smtp.username.is_some() != smtp.password.is_some() {
                bail!("smtp.username and smtp.password: give both or neither");
            }
        }
        Ok(())
    }

    /// How long deliveries to a peer must have failed before it counts as dead.
    pub fn dead_after(&self) -> chrono::TimeDelta {
        match self.federation.dead_after_seconds {
            Some(seconds) => chrono::TimeDelta::seconds(i64::from(seconds)),
            None => chrono::TimeDelta::hours(i64::from(self.federation.dead_after_hours)),
        }
    }

    /// The origin every local id starts with, such as `https://east.example.org`.
    pub fn base_url(&self) -> String {
        let scheme = if self.instance.https { "https" } else { "http" };
        format!("{scheme}://{}", self.instance.domain)
    }
}

/// Which backend `database.url` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path for the embedded SQLite database.
    Sqlite(PathBuf),
    /// A libpq connection URL.
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> anyhow::Result<DatabaseUrl> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                bail!("{url:?} names no file; use sqlite://data/guildhall.db");
            }
            Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(url.to_owned()))
        } else {
            bail!("must start with sqlite:// or postgres://")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_documented_file() {
        Config::default().validate().unwrap();
        let file: Config = Figment::from(Toml::file(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_CONFIG_FILE),
        ))
        .extract()
        .unwrap();
        assert_eq!(
            serde_json::to_value(&file).unwrap(),
            serde_json::to_value(Config::default()).unwrap()
        );
    }

    #[test]
    fn bad_values_name_their_key() {
        let mut config = Config::default();
        config.instance.domain = "https://x.org/".into();
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("instance.domain")
        );
        let mut config = Config::default();
        config.database.url = "mysql://x".into();
        assert!(format!("{:#}", config.validate().unwrap_err()).contains("database.url"));
        let mut config = Config::default();
        config.registration.allowed_email_domains = vec!["*".into()];
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("allowed_email_domains")
        );
        for bad in [
            "https://evil.example",
            "evil.example/path",
            "*",
            "a.*.org",
            "x:port",
            "",
        ] {
            let mut config = Config::default();
            config.federation.policy = FederationPolicy::Blocklist;
            config.federation.domains = vec![bad.into()];
            assert!(
                config
                    .validate()
                    .unwrap_err()
                    .to_string()
                    .contains("federation.domains"),
                "{bad:?} was accepted"
            );
        }
        let mut config = Config::default();
        config.federation.domains = vec!["evil.example".into()];
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("federation.policy")
        );
    }

    #[test]
    fn the_dead_period_can_be_given_in_seconds() {
        let mut config = Config::default();
        assert_eq!(config.dead_after(), chrono::TimeDelta::hours(24));
        config.federation.dead_after_seconds = Some(5);
        config.validate().unwrap();
        assert_eq!(config.dead_after(), chrono::TimeDelta::seconds(5));
        config.federation.dead_after_seconds = Some(0);
        let error = config.validate().unwrap_err().to_string();
        assert!(error.contains("federation.dead_after_seconds"), "{error}");
        let from_env: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("[federation]\ndead_after_seconds = 30\n"))
            .extract()
            .unwrap();
        assert_eq!(from_env.dead_after(), chrono::TimeDelta::seconds(30));
        let mut config = Config::default();
        config.federation.request_timeout_seconds = 0;
        let error = config.validate().unwrap_err().to_string();
        assert!(
            error.contains("federation.request_timeout_seconds"),
            "{error}"
        );
        let mut config = Config::default();
        config.database.timeout_seconds = 0;
        let error = config.validate().unwrap_err().to_string();
        assert!(error.contains("database.timeout_seconds"), "{error}");
    }

    #[test]
    fn federation_policy_reads_from_toml() {
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string(
                "[federation]\npolicy = \"allowlist\"\ndomains = [\"east.example.org\", \"*.gov.uk\", \"localhost:8081\"]\n",
            ))
            .extract()
            .unwrap();
        config.validate().unwrap();
        assert_eq!(config.federation.policy, FederationPolicy::Allowlist);
        assert_eq!(config.federation.domains.len(), 3);
        let unknown = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("[federation]\npolicy = \"closed\"\n"))
            .extract::<Config>();
        assert!(unknown.unwrap_err().to_string().contains("policy"));
    }
}
