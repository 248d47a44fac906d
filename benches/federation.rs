//! Federation benchmarks for the targets of DESIGN section 8, against a real server in this
//! process: the inbox rate for signed `Create(Note)` replies (SQLite, and PostgreSQL when
//! `GUILDHALL_TEST_POSTGRES` names a server), the delivery rate to one peer that takes
//! 150 ms to answer, through the real delivery workers, and the fan-out of one new thread
//! to 1,000 followers on 200 instances that verify every signature.
//!
//! `cargo bench --bench federation` for the figures; `-- --quick` for a short smoke run.
//! Each scenario runs on its own Tokio runtime, dropped at its end, so that one scenario's
//! delivery workers do not run on into the next.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use activitypub_federation::http_signatures::Keypair;
use anyhow::{Context, bail, ensure};
use axum::http::StatusCode;
use axum::routing::post;
use diesel::{Connection, RunQueryDsl};
use guildhall::config::Config;
use guildhall::db::federation::NewDelivery;
use guildhall::federation::urls::Urls;
use guildhall::server::Server;
use guildhall::services;
use guildhall::state::AppState;
use guildhall::types::{Role, Visibility};
use serde_json::{Value, json};

/// Concurrent clients posting to the inbox.
const INBOX_CLIENTS: usize = 32;
/// Deliveries sent before measuring, to another thread, so that the measured run finds
/// the remote actor cached and the connections open.
const INBOX_WARM_UP: usize = 64;
/// How long the slow peer takes to answer each delivery.
const PEER_DELAY: Duration = Duration::from_millis(150);
/// The delivery worker counts compared: the default, and a higher one.
const DELIVERY_CONCURRENCY: [usize; 2] = [16, 64];
const PASSWORD: &str = "correct horse battery";
/// The fan-out: followers of the community, spread evenly over this many instances.
const FAN_OUT_FOLLOWERS: usize = 1000;
const FAN_OUT_INSTANCES: usize = 200;

#[path = "support/receivers.rs"]
mod receivers;
#[path = "support/remote.rs"]
mod remote;

fn main() -> anyhow::Result<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    let (inbox_n, delivery_m) = if quick { (200, 200) } else { (2000, 1000) };
    let postgres = std::env::var("GUILDHALL_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty());

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "guildhall federation benchmark{}",
        if quick { " (--quick)" } else { "" }
    );
    println!(
        "date: {}; cores: {cores}; memory: {}; build: {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        total_memory().unwrap_or_else(|| "unknown".into()),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    if postgres.is_none() {
        println!("PostgreSQL: skipped (set GUILDHALL_TEST_POSTGRES to a server to include it)");
    }

    // Making RSA keys is slow: every scenario shares the remote actor's.
    let mallory = guildhall::services::actors::generate_pair().context("making mallory's key")?;
    let mallory = Keypair {
        public_key: mallory.public_key,
        private_key: mallory.private_key,
    };

    let mut backends = vec![Backend::Sqlite];
    if let Some(server) = &postgres {
        backends.push(Backend::Postgres(server.clone()));
    }
    for backend in &backends {
        let figures = on_own_runtime(inbox_bench(backend, &mallory, inbox_n))?;
        println!("{figures}");
    }
    for backend in &backends {
        for concurrency in DELIVERY_CONCURRENCY {
            let figures = on_own_runtime(delivery_bench(backend, delivery_m, concurrency))?;
            println!("{figures}");
        }
    }
    for backend in &backends {
        let figures = on_own_runtime(fan_out_bench(backend, FAN_OUT_FOLLOWERS, FAN_OUT_INSTANCES))?;
        println!("{figures}");
    }
    Ok(())
}

fn on_own_runtime<T>(scenario: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting a Tokio runtime")?;
    let result = runtime.block_on(scenario);
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

/// `MemTotal` from /proc/meminfo, where there is one.
fn total_memory() -> Option<String> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(format!("{:.1} GiB", kib as f64 / (1024.0 * 1024.0)))
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite,
    /// The administrative URL of a PostgreSQL server.
    Postgres(String),
}

impl Backend {
    fn label(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

/// Where a scenario's data lives: a temporary directory, or a PostgreSQL database made for
/// it and dropped afterwards.
struct Database {
    url: String,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl Database {
    fn create(backend: &Backend) -> anyhow::Result<Database> {
        let dir = tempfile::tempdir().context("temporary directory")?;
        match backend {
            Backend::Sqlite => Ok(Database {
                url: format!("sqlite://{}/guildhall.db", dir.path().display()),
                _dir: dir,
                postgres: None,
            }),
            Backend::Postgres(admin_url) => {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos());
                let name = format!("guildhall_bench_{}_{nanos}", std::process::id());
                let mut conn = diesel::PgConnection::establish(admin_url).with_context(|| {
                    format!("GUILDHALL_TEST_POSTGRES={admin_url} cannot be reached")
                })?;
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .context("creating the benchmark database")?;
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                Ok(Database {
                    url: format!("{base}/{name}"),
                    _dir: dir,
                    postgres: Some((admin_url.clone(), name)),
                })
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres
            && let Ok(mut conn) = diesel::PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

/// A Guildhall server serving on loopback, with its first accounts, community and thread.
struct Instance {
    base: String,
    host: String,
    state: AppState,
    community_id: i64,
    thread_id: i64,
    warm_up_thread_id: i64,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl Instance {
    /// Binds a server on a free port, creates an administrator, ana, her public community
    /// `planners` and two threads in it, then serves and waits until it answers.
    async fn start(
        database: &Database,
        configure: impl FnOnce(&mut Config),
    ) -> anyhow::Result<Self> {
        let port = free_port()?;
        let mut config = Config::default();
        config.http.bind = SocketAddr::from(([127, 0, 0, 1], port));
        config.instance.domain = format!("localhost:{port}");
        config.database.url = database.url.clone();
        config.federation.allow_private_addresses = true;
        config.limits.login_per_minute = 100_000;
        config.limits.signup_per_hour = 100_000;
        // All the replies come from one peer: its rate is the figure, not the limit's.
        config.limits.inbox_per_minute_per_peer = 1_000_000;
        configure(&mut config);
        config.validate().context("benchmark configuration")?;

        let server = Server::bind(config).await.context("binding the server")?;
        let state = server.state.clone();
        // With an administrator in place the server does not print its first-run link.
        services::accounts::create_account(
            &state,
            "root",
            "root@leeds.gov.uk",
            PASSWORD,
            Role::Admin,
        )
        .await?;
        services::accounts::create_account(
            &state,
            "ana",
            "ana@leeds.gov.uk",
            PASSWORD,
            Role::Member,
        )
        .await?;
        let (_, ana) = services::accounts::log_in(&state, "ana", PASSWORD).await?;
        let community = services::communities::create_for(
            &state,
            ana.person_id,
            services::communities::CommunityInput {
                name: "planners".into(),
                title: Some("Planners network".into()),
                description: None,
                visibility: Visibility::Public,
                posting_restricted: false,
            },
        )
        .await?;
        let mut threads = Vec::new();
        for title in ["Local plan consultation", "Warm-up thread"] {
            let thread = services::posts::create(
                &state,
                &ana,
                "planners",
                services::posts::PostInput {
                    title: Some(title.into()),
                    body: Some("Replies welcome.".into()),
                    url: None,
                    content_warning: None,
                    poll: None,
                },
            )
            .await?;
            threads.push(thread.post.id);
        }

        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(async move {
            if let Err(e) = server
                .run(async {
                    let _ = rx.await;
                })
                .await
            {
                eprintln!("the server stopped: {e:#}");
            }
        });
        let base = format!("http://localhost:{port}");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while client
            .get(format!("{base}/api/v1/communities"))
            .send()
            .await
            .is_err()
        {
            ensure!(
                Instant::now() < deadline,
                "the server never started serving"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(Instance {
            host: format!("localhost:{port}"),
            base,
            state,
            community_id: community.id,
            thread_id: threads[0],
            warm_up_thread_id: threads[1],
            shutdown: Some(tx),
            serving: Some(serving),
        })
    }

    fn urls(&self) -> Urls {
        Urls::new(&self.state.config)
    }

    async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(serving) = self.serving.take() {
            let _ = serving.await;
        }
    }

    async fn pending_deliveries(&self) -> anyhow::Result<i64> {
        Ok(self
            .state
            .db
            .read(guildhall::db::federation::pending_deliveries)
            .await?)
    }
}

fn free_port() -> anyhow::Result<u16> {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(probe.local_addr()?.port())
}

/// Serves a stand-in peer until the runtime ends.
fn serve(listener: tokio::net::TcpListener, router: axum::Router) {
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("a stand-in peer stopped: {e}");
        }
    });
}

// ---------------------------------------------------------------------------------------
// Inbox

/// The answer to one POST: its status, how long it took, and the body if it failed.
struct Answer {
    status: reqwest::StatusCode,
    latency: Duration,
    refusal: Option<String>,
}

/// Posts every delivery to `url` from `clients` concurrent tasks sharing one keep-alive
/// client, and returns the answers and the wall time.
async fn post_all(
    client: &reqwest::Client,
    url: &str,
    deliveries: Vec<remote::SignedDelivery>,
    clients: usize,
) -> anyhow::Result<(Vec<Answer>, Duration)> {
    let deliveries = Arc::new(deliveries);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, deliveries, next) = (
            client.clone(),
            url.to_owned(),
            deliveries.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(delivery) = deliveries.get(i) else {
                    return Ok::<_, reqwest::Error>(answers);
                };
                let sent = Instant::now();
                let response = client
                    .post(&url)
                    .header("content-type", "application/activity+json")
                    .header("date", &delivery.date)
                    .header("digest", &delivery.digest)
                    .header("signature", &delivery.signature)
                    .body(delivery.body.clone())
                    .send()
                    .await?;
                let status = response.status();
                let body = response.text().await?;
                answers.push(Answer {
                    status,
                    latency: sent.elapsed(),
                    refusal: (status != reqwest::StatusCode::ACCEPTED).then_some(body),
                });
            }
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.extend(task.await.context("a client task failed")??);
    }
    Ok((answers, started.elapsed()))
}

fn check_all_accepted(what: &str, answers: &[Answer]) -> anyhow::Result<()> {
    let refused: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status != reqwest::StatusCode::ACCEPTED)
        .collect();
    if let Some(first) = refused.first() {
        bail!(
            "{what}: {} of {} answered other than 202; the first: {} {}",
            refused.len(),
            answers.len(),
            first.status,
            first.refusal.as_deref().unwrap_or_default()
        );
    }
    Ok(())
}

/// The latency below which `fraction` of the answers came, by nearest rank.
fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let rank = ((sorted.len() as f64) * fraction).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn comment_count(
    client: &reqwest::Client,
    app: &Instance,
    thread: i64,
) -> anyhow::Result<i64> {
    let post: Value = client
        .get(format!("{}/api/v1/posts/{thread}", app.base))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    post["comment_count"]
        .as_i64()
        .with_context(|| format!("no comment_count in {post}"))
}

async fn inbox_bench(backend: &Backend, mallory: &Keypair, n: usize) -> anyhow::Result<String> {
    let database = Database::create(backend)?;
    let app = Instance::start(&database, |_| {}).await?;
    let (remote, actor_fetches) = remote::start_remote(&mallory.public_key).await?;
    let group = app.urls().community("planners")?.to_string();
    let key_id = format!("{remote}/u/mallory#main-key");
    let path = "/c/planners/inbox";
    let url = format!("{}{path}", app.base);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(INBOX_CLIENTS)
        .build()?;

    let warm_up: Vec<Value> = (0..INBOX_WARM_UP)
        .map(|i| {
            remote::reply(
                &remote,
                &app.base,
                &group,
                app.warm_up_thread_id,
                &format!("warm-up-{i}"),
            )
        })
        .collect();
    let mut warm_up = remote::sign_all(warm_up, &key_id, mallory, &app.host, path)?;
    // The first alone, so that the server fetches mallory's actor once, as it would in
    // steady state, rather than for many requests at the same time.
    let rest = warm_up.split_off(1);
    let (first, _) = post_all(&client, &url, warm_up, 1).await?;
    check_all_accepted("the first warm-up delivery", &first)?;
    let (rest, _) = post_all(&client, &url, rest, INBOX_CLIENTS).await?;
    check_all_accepted("the warm-up deliveries", &rest)?;

    let measured: Vec<Value> = (0..n)
        .map(|i| remote::reply(&remote, &app.base, &group, app.thread_id, &i.to_string()))
        .collect();
    let measured = remote::sign_all(measured, &key_id, mallory, &app.host, path)?;
    let (answers, wall) = post_all(&client, &url, measured, INBOX_CLIENTS).await?;
    check_all_accepted("the measured deliveries", &answers)?;
    ensure!(
        answers.len() == n,
        "{} answers for {n} deliveries",
        answers.len()
    );

    let stored = comment_count(&client, &app, app.thread_id).await?;
    ensure!(
        stored == n as i64,
        "the thread holds {stored} comments after {n} accepted replies"
    );
    let fetches = actor_fetches.load(Ordering::Relaxed);
    app.stop().await;

    let mut latencies: Vec<Duration> = answers.iter().map(|a| a.latency).collect();
    latencies.sort();
    Ok(format!(
        "inbox: {n} signed Create(Note) in {:.2} s = {:.0}/s; p50 {:.1} ms; p99 {:.1} ms ({})\n  \
         {INBOX_CLIENTS} concurrent clients on one keep-alive client, after {INBOX_WARM_UP} warm-up deliveries; \
         all answered 202 and the thread holds {stored} comments; mallory's actor fetched {fetches} time(s); max {:.1} ms",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        millis(percentile(&latencies, 0.50)),
        millis(percentile(&latencies, 0.99)),
        backend.label(),
        millis(latencies.last().copied().unwrap_or_default()),
    ))
}

// ---------------------------------------------------------------------------------------
// Delivery

/// What the slow peer has seen: each activity id once, when each request came and was
/// answered, and the most requests it held at once.
#[derive(Default)]
struct PeerLog {
    ids: Mutex<HashSet<String>>,
    spans: Mutex<Vec<(Instant, Instant)>>,
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

impl PeerLog {
    /// How long, between `from` and `to`, the peer held no request at all.
    fn idle(&self, from: Instant, to: Instant) -> Duration {
        let Ok(spans) = self.spans.lock() else {
            return Duration::ZERO;
        };
        let mut spans: Vec<(Instant, Instant)> = spans
            .iter()
            .filter(|(start, _)| *start >= from)
            .map(|&(start, end)| (start, end.min(to)))
            .collect();
        spans.sort();
        let (mut idle, mut covered) = (Duration::ZERO, from);
        for (start, end) in spans {
            if start > covered {
                idle += start - covered;
            }
            covered = covered.max(end);
        }
        idle + to.saturating_duration_since(covered)
    }
}

/// A peer whose shared inbox answers 202 after `PEER_DELAY`.
async fn start_slow_peer() -> anyhow::Result<(String, Arc<PeerLog>)> {
    let log = Arc::new(PeerLog::default());
    let seen = log.clone();
    let router = axum::Router::new().route(
        "/inbox",
        post(move |body: String| {
            let log = seen.clone();
            async move {
                let came = Instant::now();
                let now = log.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                log.peak_in_flight.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(PEER_DELAY).await;
                if let Ok(mut spans) = log.spans.lock() {
                    spans.push((came, Instant::now()));
                }
                if let Some(id) = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|a| a["id"].as_str().map(str::to_owned))
                    && let Ok(mut ids) = log.ids.lock()
                {
                    ids.insert(id);
                }
                log.requests.fetch_add(1, Ordering::SeqCst);
                log.in_flight.fetch_sub(1, Ordering::SeqCst);
                StatusCode::ACCEPTED
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let host = format!("localhost:{}", listener.local_addr()?.port());
    serve(listener, router);
    Ok((host, log))
}

/// Queues one Announce per id in `ids`, each about an object of its own, from the
/// community to the follower's inbox, and wakes the delivery workers.
async fn enqueue(app: &Instance, inbox: &str, ids: std::ops::Range<usize>) -> anyhow::Result<()> {
    let urls = app.urls();
    let group = urls.community("planners")?.to_string();
    let deliveries: Vec<NewDelivery> = ids
        .map(|i| {
            let id = format!("{}/activities/announce/bench-{i}", app.base);
            let object = format!("{}/bench/object/{i}", app.base);
            let activity = json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": id,
                "type": "Announce",
                "actor": group,
                "object": object,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
            });
            NewDelivery {
                activity_id: id,
                inbox_url: inbox.to_owned(),
                payload: activity.to_string(),
                signer_kind: "community",
                signer_id: app.community_id,
                object_key: Some(object),
                replaceable: false,
            }
        })
        .collect();
    app.state
        .db
        .write(move |conn| {
            for delivery in &deliveries {
                guildhall::db::federation::enqueue(conn, delivery)?;
            }
            Ok(())
        })
        .await?;
    app.state.deliveries.notify_one();
    Ok(())
}

/// Waits until the queue is empty and the peer has answered `count` requests.
async fn drained(
    app: &Instance,
    peer: &PeerLog,
    count: usize,
    limit: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        let pending = app.pending_deliveries().await?;
        let seen = peer.requests.load(Ordering::SeqCst);
        if pending == 0 && seen >= count {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "after {limit:?}: {pending} deliveries pending, the peer has seen {seen} of {count}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn delivery_bench(backend: &Backend, m: usize, concurrency: usize) -> anyhow::Result<String> {
    let (peer, log) = start_slow_peer().await?;
    let database = Database::create(backend)?;
    let app = Instance::start(&database, |config| {
        config.federation.delivery_concurrency = concurrency;
    })
    .await?;
    // One follower of planners on the peer, whose shared inbox gets the community's activities.
    let (community_id, host) = (app.community_id, peer.clone());
    app.state
        .db
        .write(move |conn| {
            let fay = guildhall::db::federation::upsert_remote_person(
                conn,
                &guildhall::db::models::RemoteActorRow {
                    ap_id: format!("http://{host}/u/fay"),
                    name: "fay".into(),
                    domain: host.clone(),
                    display_name: None,
                    summary_html: String::new(),
                    public_key: String::new(),
                    inbox_url: format!("http://{host}/u/fay/inbox"),
                    shared_inbox_url: Some(format!("http://{host}/inbox")),
                },
            )?;
            guildhall::db::communities::set_membership(conn, community_id, fay.id, "accepted")
        })
        .await?;
    let inboxes = app
        .state
        .db
        .read(move |conn| guildhall::db::federation::remote_follower_inboxes(conn, community_id))
        .await?;
    let [inbox] = inboxes.as_slice() else {
        bail!("expected one follower inbox, found {inboxes:?}");
    };
    // The community's keys are made on first use: make them, and open a connection to the
    // peer, before the clock starts.
    services::actors::local_community(&app.state, "planners").await?;
    enqueue(&app, inbox, 0..1).await?;
    drained(&app, &log, 1, Duration::from_secs(30)).await?;

    let started = Instant::now();
    enqueue(&app, inbox, 1..m + 1).await?;
    let limit = Duration::from_secs(60 + (m as u64) * 2);
    drained(&app, &log, m + 1, limit).await?;
    let ended = Instant::now();
    let wall = ended - started;
    let idle = log.idle(started, ended);

    let requests = log.requests.load(Ordering::SeqCst);
    let distinct = log.ids.lock().map(|ids| ids.len()).unwrap_or_default();
    let failing = app
        .state
        .db
        .read(guildhall::db::federation::failing_deliveries)
        .await?;
    app.stop().await;
    ensure!(
        requests == m + 1 && distinct == m + 1,
        "the peer answered {requests} requests carrying {distinct} distinct activities, for {} queued",
        m + 1
    );
    ensure!(failing == 0, "{failing} deliveries failed");
    Ok(format!(
        "delivery to one peer {} ms away: {m} in {:.2} s = {:.1}/s (concurrency {concurrency}, {})\n  \
         each activity seen once by the peer; at most {} requests in flight at the peer; \
         the peer held no request for {:.2} s of the {:.2} s",
        PEER_DELAY.as_millis(),
        wall.as_secs_f64(),
        m as f64 / wall.as_secs_f64(),
        backend.label(),
        log.peak_in_flight.load(Ordering::SeqCst),
        idle.as_secs_f64(),
        wall.as_secs_f64(),
    ))
}

// ---------------------------------------------------------------------------------------
// Fan-out

/// Signs ana in through the API and returns her bearer token.
async fn api_token(client: &reqwest::Client, app: &Instance) -> anyhow::Result<String> {
    let session: Value = client
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"login": "ana", "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    session["token"]
        .as_str()
        .map(str::to_owned)
        .context("no token in the log-in answer")
}

/// Ana starts a thread in planners through the API; returns its URL and the time the API
/// took to answer.
async fn start_thread(
    client: &reqwest::Client,
    app: &Instance,
    token: &str,
    title: &str,
) -> anyhow::Result<(String, Duration)> {
    let sent = Instant::now();
    let response = client
        .post(format!("{}/api/v1/communities/planners/posts", app.base))
        .bearer_auth(token)
        .json(&json!({"title": title, "body": "The **draft** is out for comment until March."}))
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    let answered = sent.elapsed();
    ensure!(
        status == reqwest::StatusCode::CREATED,
        "starting a thread: {status} {body}"
    );
    let thread: Value = serde_json::from_str(&body)?;
    let id = thread["id"].as_i64().context("no id in the new thread")?;
    Ok((format!("{}/post/{id}", app.base), answered))
}

/// Waits until the delivery queue holds nothing undelivered.
async fn queue_empty(app: &Instance, limit: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        let pending = app.pending_deliveries().await?;
        if pending == 0 {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "after {limit:?}: {pending} deliveries pending"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// One thread started through the API reaching `followers` followers of the community
/// spread over `instances` instances. Followers on one server share its inbox, so the
/// server makes one delivery per instance, each signed as the community: `instances`
/// signed POSTs, each verified by its receiver.
async fn fan_out_bench(
    backend: &Backend,
    followers: usize,
    instances: usize,
) -> anyhow::Result<String> {
    let peers = receivers::Receivers::start(instances).await?;
    let database = Database::create(backend)?;
    let app = Instance::start(&database, |_| {}).await?;
    receivers::add_followers(
        &app.state.db,
        app.community_id,
        &peers.hosts,
        followers / instances,
    )
    .await?;
    let community_id = app.community_id;
    let inboxes = app
        .state
        .db
        .read(move |conn| guildhall::db::federation::remote_follower_inboxes(conn, community_id))
        .await?;
    ensure!(
        inboxes.len() == instances,
        "{} follower inboxes for {instances} instances",
        inboxes.len()
    );
    let client = reqwest::Client::new();
    // The community's keys are made on first need, once in its life: not part of the
    // figure. The receivers learn its public key as a peer would, from its actor.
    services::actors::local_community(&app.state, "planners").await?;
    peers
        .trust(&client, app.urls().community("planners")?.as_str())
        .await?;
    let token = api_token(&client, &app).await?;

    // Twice: first with no connection open to any instance, then with them open.
    let mut runs = Vec::new();
    for title in [
        "Draft local plan: first thoughts",
        "Draft local plan: week two",
    ] {
        let started = Instant::now();
        let (thread, answered) = start_thread(&client, &app, &token, title).await?;
        let last = peers
            .log
            .wait_for(&thread, instances, Duration::from_secs(120))
            .await?;
        runs.push((thread, last - started, answered));
    }
    queue_empty(&app, Duration::from_secs(60)).await?;
    let failing = app
        .state
        .db
        .read(guildhall::db::federation::failing_deliveries)
        .await?;
    app.stop().await;

    for (thread, _, _) in &runs {
        let (reached, deliveries) = peers.log.reached(thread);
        let twice = peers.log.duplicates(thread);
        ensure!(
            reached == instances && deliveries == instances && twice.is_empty(),
            "{thread}: {deliveries} deliveries to {reached} of {instances} instances; \
             more than once to receivers {twice:?}"
        );
    }
    let refused = peers.log.refused.load(Ordering::SeqCst);
    ensure!(
        refused == 0,
        "{refused} deliveries refused: {:?}",
        peers.log.refusals()
    );
    ensure!(failing == 0, "{failing} deliveries failed");
    let verified = peers.log.verified.load(Ordering::SeqCst);
    let [(_, cold, cold_api), (_, warm, warm_api)] = runs.as_slice() else {
        bail!("expected two runs");
    };
    Ok(format!(
        "fan-out: 1 thread to {followers} followers on {instances} instances in {:.0} ms ({})\n  \
         from POST /api/v1/communities/planners/posts (answered 201 in {:.1} ms) until the last \
         instance verified the Announce; no connection open beforehand\n  \
         a second thread, connections open: {:.0} ms (API answered in {:.1} ms); \
         each thread reached each instance exactly once (one shared inbox each), \
         {verified} signatures and digests verified, none refused, no delivery failed",
        millis(*cold),
        backend.label(),
        millis(*cold_api),
        millis(*warm),
        millis(*warm_api),
    ))
}
