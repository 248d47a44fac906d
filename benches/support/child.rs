//! The real `guildhall serve` binary, built in the same profile as the benchmark, run as a
//! child process on a fresh SQLite database, so that its memory is its own and not mixed
//! with the load generator's; and the accounts, community and thread the loads need.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use guildhall::config::Config;
use guildhall::db::Db;
use guildhall::services;
use guildhall::state::AppState;
use guildhall::types::{Role, Visibility};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery";

/// A running server process; killed when dropped.
pub struct ChildServer {
    child: Child,
    /// `http://localhost:PORT`.
    pub base: String,
    /// `localhost:PORT`, the instance's domain.
    pub host: String,
    pub database_url: String,
    /// From spawning the process to its first successful answer.
    pub started_in: Duration,
    dir: tempfile::TempDir,
}

/// Resident memory of a process, in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// Now (`VmRSS`).
    pub rss: u64,
    /// The most it has held since it started (`VmHWM`).
    pub peak: u64,
}

impl ChildServer {
    /// Spawns `guildhall serve` in a new directory, its database in it, and waits until it
    /// answers `GET /.well-known/nodeinfo`. `env` adds or overrides settings.
    pub async fn start(
        client: &reqwest::Client,
        env: &[(&str, String)],
    ) -> anyhow::Result<ChildServer> {
        let dir = tempfile::tempdir().context("temporary directory")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|probe| probe.local_addr())
            .context("finding a free port")?
            .port();
        let host = format!("localhost:{port}");
        let database_url = format!("sqlite://{}/guildhall.db", dir.path().display());
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        let started = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_guildhall"))
            .arg("serve")
            .current_dir(dir.path())
            .env("GUILDHALL_HTTP__BIND", format!("127.0.0.1:{port}"))
            .env("GUILDHALL_INSTANCE__DOMAIN", &host)
            .env("GUILDHALL_DATABASE__URL", &database_url)
            .env("GUILDHALL_FEDERATION__ALLOW_PRIVATE_ADDRESSES", "true")
            // All the inbox traffic comes from one peer: its rate is the load, not the limit.
            .env("GUILDHALL_LIMITS__INBOX_PER_MINUTE_PER_PEER", "1000000")
            // Plain log lines in the file, which `logged_problems` reads.
            .env("NO_COLOR", "1")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting guildhall serve")?;
        let mut server = ChildServer {
            child,
            base: format!("http://{host}"),
            host,
            database_url,
            started_in: Duration::ZERO,
            dir,
        };
        let probe = format!("{}/.well-known/nodeinfo", server.base);
        let deadline = started + Duration::from_secs(30);
        loop {
            if let Ok(response) = client.get(&probe).send().await
                && response.status().is_success()
            {
                break;
            }
            server.check_running()?;
            ensure!(
                Instant::now() < deadline,
                "the server did not answer within 30 s: {}",
                server.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.started_in = started.elapsed();
        Ok(server)
    }

    /// Fails, with the end of its log, if the process has exited.
    pub fn check_running(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("the server exited ({status}): {}", self.log_tail());
        }
        Ok(())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn memory(&self) -> anyhow::Result<Memory> {
        memory_of(self.pid())
    }

    /// The last lines the server logged.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }

    /// Error lines (WARN and ERROR) the server has logged.
    pub fn logged_problems(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("server.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("WARN ") || l.contains("ERROR "))
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS` and `VmHWM` of a process, from /proc.
pub fn memory_of(pid: u32) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    let field = |name: &str| -> anyhow::Result<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok(Memory {
        rss: field("VmRSS:")?,
        peak: field("VmHWM:")?,
    })
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Samples a process's RSS at a fixed interval until finished.
pub struct RssSampler {
    samples: Arc<Mutex<Vec<(Duration, u64)>>>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl RssSampler {
    pub fn start(pid: u32, every: Duration) -> RssSampler {
        let samples = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (kept, stopping) = (samples.clone(), stop.clone());
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut ticks = tokio::time::interval(every);
            while !stopping.load(Ordering::SeqCst) {
                ticks.tick().await;
                if let Ok(memory) = memory_of(pid)
                    && let Ok(mut kept) = kept.lock()
                {
                    kept.push((started.elapsed(), memory.rss));
                }
            }
        });
        RssSampler {
            samples,
            stop,
            task,
        }
    }

    /// Stops sampling and returns the samples: time since the start, RSS in KiB.
    pub async fn finish(self) -> Vec<(Duration, u64)> {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.task.await;
        self.samples.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// What the loads work on: the instance's first accounts (an administrator, and members
/// ana and ben, ana with an API token), ana's public community `planners`, and a thread.
pub struct Site {
    /// The same database as the server's, opened by this process.
    pub state: AppState,
    pub community_id: i64,
    /// The community's actor URL.
    pub group: String,
    pub thread_id: i64,
    pub token: String,
}

/// Creates the accounts, community and thread through the services on the server's own
/// database, as `guildhall admin` does from another process, then signs ana in through the
/// API.
pub async fn set_up(server: &ChildServer, client: &reqwest::Client) -> anyhow::Result<Site> {
    let mut config = Config::default();
    config.instance.domain = server.host.clone();
    config.database.url = server.database_url.clone();
    config.database.pool_size = 2;
    let db = Db::connect(
        &config.database.url,
        config.database.pool_size,
        std::time::Duration::from_secs(u64::from(config.database.timeout_seconds)),
    )?;
    let state = AppState::new(db, std::sync::Arc::new(config));
    for (name, role) in [
        ("root", Role::Admin),
        ("ana", Role::Member),
        ("ben", Role::Member),
    ] {
        services::accounts::create_account(
            &state,
            name,
            &format!("{name}@leeds.gov.uk"),
            PASSWORD,
            role,
        )
        .await?;
    }
    let (_, ana) = services::accounts::log_in(&state, "ana", PASSWORD).await?;
    let community = services::communities::create_for(
        &state,
        ana.person_id,
        services::communities::CommunityInput {
            name: "planners".into(),
            title: Some("Planners network".into()),
            description: Some("Town and transport planners across the region.".into()),
            visibility: Visibility::Public,
            posting_restricted: false,
        },
    )
    .await?;
    // Its keys are made once in its life, on first need: before any load.
    services::actors::local_community(&state, "planners").await?;
    let session: Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"login": "ana", "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = session["token"]
        .as_str()
        .context("no token in the log-in answer")?
        .to_owned();
    let thread = client
        .post(format!("{}/api/v1/communities/planners/posts", server.base))
        .bearer_auth(&token)
        .json(&json!({"title": "Local plan consultation", "body": "Replies welcome."}))
        .send()
        .await?
        .error_for_status()?
        .json::<Value>()
        .await?;
    let thread_id = thread["id"].as_i64().context("no id in the new thread")?;
    Ok(Site {
        group: guildhall::federation::urls::Urls::new(&state.config)
            .community("planners")?
            .to_string(),
        state,
        community_id: community.id,
        thread_id,
        token,
    })
}
