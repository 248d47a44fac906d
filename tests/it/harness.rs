//! The `TestApp` builder: a real server on an ephemeral loopback port with its own fresh
//! database (SQLite in a temporary directory, or a new PostgreSQL database), and members
//! who talk to it over real HTTP.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::{Connection, RunQueryDsl};
use guildhall::config::Config;
use guildhall::server::Server;
use guildhall::state::AppState;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The backends a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend: `name::sqlite` always runs; `name::postgres` runs when
/// `GUILDHALL_TEST_POSTGRES` names a server and says it was skipped otherwise.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($backend:ident: Backend) $body:block)+) => {$(
        mod $name {
            use super::*;
            async fn run($backend: $crate::harness::Backend) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::harness::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::harness::postgres_server().is_none() {
                    // Written past the test harness's capture, so the skip is always visible.
                    use std::io::Write as _;
                    let _ = writeln!(std::io::stderr(), "skipped {}::postgres: GUILDHALL_TEST_POSTGRES is not set", module_path!());
                    return;
                }
                run($crate::harness::Backend::Postgres).await
            }
        }
    )+};
}

/// With `GUILDHALL_TEST_LOG` set to a filter such as `guildhall=info`, the servers' logs
/// go to each test's captured output, which the harness shows when the test fails.
fn init_logging() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("GUILDHALL_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_ansi(false)
                .with_test_writer()
                .try_init();
        }
    });
}

/// The PostgreSQL server named by `GUILDHALL_TEST_POSTGRES`, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("GUILDHALL_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
}

/// A throw-away PostgreSQL database, dropped when the test ends.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
    fn create() -> PgDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let admin_url = postgres_server().expect("GUILDHALL_TEST_POSTGRES");
        let name = format!(
            "guildhall_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand_suffix()
        );
        let mut conn = diesel::PgConnection::establish(&admin_url).unwrap_or_else(|e| {
            panic!("GUILDHALL_TEST_POSTGRES={admin_url} was asked for but cannot be reached: {e}")
        });
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("creating the test database");
        PgDatabase { admin_url, name }
    }

    fn url(&self) -> String {
        let base = self
            .admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&self.admin_url);
        format!("{base}/{}", self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0)
}

/// Starts a server, on `listener` if given, and waits until it answers.
async fn serve(
    config: Config,
    listener: Option<std::net::TcpListener>,
) -> (
    AppState,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let port = config.http.bind.port();
    let server = match listener {
        Some(listener) => Server::on_listener(config, listener).await,
        None => Server::bind(config).await,
    }
    .expect("server starts");
    let state = server.state.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        let _ = server
            .run(async {
                let _ = rx.await;
            })
            .await;
    });
    // Serving starts after start-up work (such as the first-run link) is done: wait for it.
    let client = reqwest::Client::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while client
        .get(format!("http://localhost:{port}/api/v1/communities"))
        .send()
        .await
        .is_err()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the server never started serving"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    (state, tx, serving)
}

/// A fresh database for `backend`: a file in `dir`, or a new PostgreSQL database that
/// lives as long as the returned guard.
pub fn fresh_database(backend: Backend, dir: &std::path::Path) -> (String, Option<PgDatabase>) {
    match backend {
        Backend::Sqlite => (format!("sqlite://{}/guildhall.db", dir.display()), None),
        Backend::Postgres => {
            let db = PgDatabase::create();
            (db.url(), Some(db))
        }
    }
}

/// A running instance.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub backend: Backend,
    client: reqwest::Client,
    config: Config,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts an instance after `configure` adjusts its configuration.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
        init_logging();
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut config = Config::default();
        config.http.bind = "127.0.0.1:0".parse().expect("address");
        let pg = match backend {
            Backend::Sqlite => {
                config.database.url = format!("sqlite://{}/guildhall.db", dir.path().display());
                None
            }
            Backend::Postgres => {
                let db = PgDatabase::create();
                config.database.url = db.url();
                config.database.pool_size = 4;
                Some(db)
            }
        };
        // Tests sign many members in from one address; the rate-limit test lowers these.
        config.limits.login_per_minute = 10_000;
        config.limits.signup_per_hour = 10_000;
        // A delivery that fails on a loaded machine is retried within seconds, not the
        // production default's ten seconds doubling, which outlasts a test's patience.
        config.federation.retry_initial_seconds = 1;
        config.federation.retry_max_seconds = 4;
        config.storage.path = dir.path().join("files");
        configure(&mut config);
        // The server takes this socket as it is: a port chosen, let go and bound again
        // could be taken in between by anything else on the machine (an outgoing
        // connection's local port, another test's server).
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        let addr = listener.local_addr().expect("address");
        config.http.bind = addr;
        // A host name rather than an address: ActivityPub ids need a domain.
        config.instance.domain = format!("localhost:{}", addr.port());
        config.federation.allow_private_addresses = true;
        config.validate().expect("valid test configuration");
        let (state, shutdown, serving) = serve(config.clone(), Some(listener)).await;
        TestApp {
            base: format!("http://localhost:{}", addr.port()),
            state,
            backend,
            client: reqwest::Client::new(),
            config,
            _dir: dir,
            _pg: pg,
            shutdown: Some(shutdown),
            serving: Some(serving),
        }
    }

    /// Stops serving HTTP, as a server that goes down; the database stays.
    pub async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(serving) = self.serving.take() {
            let _ = serving.await;
        }
    }

    /// Starts serving again on the same address and database.
    pub async fn restart(&mut self) {
        let (state, shutdown, serving) = serve(self.config.clone(), None).await;
        self.state = state;
        self.shutdown = Some(shutdown);
        self.serving = Some(serving);
    }

    /// Waits until every queued delivery of this instance has been answered.
    pub async fn deliveries_settled(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let db = self.state.db.clone();
            let pending = tokio::task::spawn_blocking(move || {
                let mut conn = db.conn().expect("connection");
                guildhall::db::federation::pending_deliveries(&mut conn).expect("count")
            })
            .await
            .expect("count task");
            if pending == 0 {
                return;
            }
            if std::time::Instant::now() >= deadline {
                let db = self.state.db.clone();
                let rows = tokio::task::spawn_blocking(move || {
                    let mut conn = db.conn().expect("connection");
                    guildhall::db::federation::undelivered(&mut conn, 20).expect("rows")
                })
                .await
                .expect("rows task");
                let now = chrono::Utc::now().naive_utc();
                let rows: Vec<String> = rows
                    .iter()
                    .map(|d| {
                        format!(
                            "{} -> {} attempts={} next={} claimed_until={:?} error={:?} (now {now})",
                            d.activity_id, d.inbox_url, d.attempts, d.next_attempt_at,
                            d.claimed_until, d.last_error
                        )
                    })
                    .collect();
                panic!("{pending} deliveries still pending:\n{}", rows.join("\n"));
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// An anonymous visitor.
    pub fn visitor(&self) -> Member {
        Member {
            token: None,
            base: self.base.clone(),
            client: self.client.clone(),
        }
    }

    /// Signs up (open mode) and signs in a member called `name`.
    pub async fn member(&self, name: &str) -> Member {
        let visitor = self.visitor();
        visitor
            .post(
                "/accounts",
                json!({"name": name, "email": format!("{name}@leeds.gov.uk"), "password": "correct horse battery"}),
            )
            .await
            .expect(StatusCode::CREATED);
        self.log_in(name).await
    }

    /// Creates an administrator directly and signs in.
    pub async fn admin(&self, name: &str) -> Member {
        guildhall::services::accounts::create_account(
            &self.state,
            name,
            &format!("{name}@leeds.gov.uk"),
            "correct horse battery",
            guildhall::types::Role::Admin,
        )
        .await
        .expect("admin created");
        self.log_in(name).await
    }

    pub async fn log_in(&self, name: &str) -> Member {
        let body = self
            .visitor()
            .post(
                "/auth/login",
                json!({"login": name, "password": "correct horse battery"}),
            )
            .await
            .ok();
        Member {
            token: Some(body["token"].as_str().expect("token").to_owned()),
            base: self.base.clone(),
            client: self.client.clone(),
        }
    }
}

/// Someone using the API: signed in with a bearer token, or anonymous.
#[derive(Clone)]
pub struct Member {
    pub token: Option<String>,
    pub base: String,
    pub client: reqwest::Client,
}

impl Member {
    pub async fn request(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}"))
        };
        Reply {
            what: path.to_owned(),
            status,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(body)).await
    }

    pub async fn post_empty(&self, path: &str) -> Reply {
        self.request(Method::POST, path, None).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.request(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.request(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.request(Method::DELETE, path, None).await
    }

    // The story helpers below keep tests close to what a member does.

    pub async fn creates_community(&self, name: &str, visibility: &str) -> Value {
        self.post(
            "/communities",
            json!({"name": name, "title": format!("{name} network"), "visibility": visibility}),
        )
        .await
        .expect(StatusCode::CREATED)
    }

    pub async fn joins(&self, community: &str) -> String {
        let body = self
            .post_empty(&format!("/communities/{community}/join"))
            .await
            .ok();
        body["state"].as_str().expect("state").to_owned()
    }

    pub async fn posts_in(&self, community: &str, title: &str) -> i64 {
        let body = self
            .post(
                &format!("/communities/{community}/posts"),
                json!({"title": title, "body": format!("About **{title}**.")}),
            )
            .await
            .expect(StatusCode::CREATED);
        body["id"].as_i64().expect("post id")
    }

    pub async fn replies(&self, post: i64, parent: Option<i64>, body: &str) -> i64 {
        let reply = self
            .post(
                &format!("/posts/{post}/comments"),
                json!({"body": body, "parent_id": parent}),
            )
            .await
            .expect(StatusCode::CREATED);
        reply["id"].as_i64().expect("comment id")
    }
}

/// A response: its status and JSON body.
#[derive(Debug)]
pub struct Reply {
    pub what: String,
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "{}: {}", self.what, self.body);
        self.body
    }

    /// Asserts a 2xx status and returns the body.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            self.status.is_success(),
            "{}: {} {}",
            self.what,
            self.status,
            self.body
        );
        self.body
    }

    /// Asserts an error with this status and stable code, and a human message.
    #[track_caller]
    pub fn error(self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}: {}", self.what, self.body);
        assert_eq!(self.body["error"], code, "{}: {}", self.what, self.body);
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}: error without message: {}",
            self.what,
            self.body
        );
    }
}

/// The names of the items of a list response.
pub fn names(page: &Value, field: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| match &i[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// The `host:port` an instance is known by.
pub fn domain(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_owned()
}

/// Polls `check` until it holds, failing after a generous deadline.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Whether python3 can import `modules`, for a test that runs a helper server written in
/// Python. Without them the test says it skipped, unless `var` (or `CI`) asks for it, when
/// their absence fails it.
pub fn python_helper(test: &str, var: &str, modules: &str, install: &str) -> bool {
    let asked = [var, "CI"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|v| !v.is_empty()));
    let available = std::process::Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert!(
            !asked,
            "{var} or CI is set but python3 cannot import {modules} ({install})"
        );
        eprintln!(
            "skipped {test}: python3 cannot import {modules} ({install}); set {var} to require it"
        );
    }
    available
}
