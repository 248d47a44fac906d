//! A sender killed with SIGKILL in the middle of a 10,000-delivery fan-out delivers
//! everything once it restarts: the queue lives in the database, and a dead worker's claims
//! expire. Activities whose answer was lost in the kill are sent again, and a real
//! receiving server stores each of them once.

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;
use crate::stand_in::{self, StandIn};

const THREADS: usize = 100;
/// Stand-in servers, and followers on each with their own inbox.
const SERVERS: usize = 3;
const FOLLOWERS_PER_SERVER: usize = 33;
/// Every thread goes to every stand-in follower and to the real receiver's shared inbox.
const DELIVERIES: usize = THREADS * (SERVERS * FOLLOWERS_PER_SERVER + 1);

/// The sender's process, killed with SIGKILL when dropped, so that a failing test leaves
/// no server behind.
struct Sender(Child);

impl Sender {
    /// SIGKILL (what `Child::kill` sends on Unix): no chance to finish anything.
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `guildhall serve` as its own process.
fn start_sender(env: &[(String, String)]) -> Sender {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guildhall"));
    command
        .arg("serve")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    Sender(command.spawn().expect("the sender starts"))
}

async fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Everything the stand-ins received, counted cheaply enough to poll.
fn received_count(stand_ins: &[StandIn]) -> usize {
    stand_ins.iter().map(StandIn::count).sum()
}

/// Distinct `(inbox, thread)` pairs the stand-ins received, and all receipts counted.
fn delivered(stand_ins: &[StandIn]) -> (HashSet<(String, String, String)>, usize) {
    let mut pairs = HashSet::new();
    let mut all = 0;
    for stand_in in stand_ins {
        let received = stand_in.received.lock().unwrap();
        all += received.len();
        pairs.extend(
            received
                .iter()
                .map(|r| (stand_in.host.clone(), r.inbox.clone(), r.thread.clone())),
        );
    }
    (pairs, all)
}

/// A forwarding proxy in front of a real server's shared inbox that counts what passes
/// and, like the recording stand-ins, can keep the server's answer back from the sender.
async fn inbox_proxy(to: &str) -> StandIn {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = StandIn::new(format!(
        "localhost:{}",
        listener.local_addr().unwrap().port()
    ));
    let shared = proxy.clone();
    let target = format!("http://{to}/inbox");
    let client = reqwest::Client::new();
    let route = axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
        let (shared, target, client) = (shared.clone(), target.clone(), client.clone());
        async move {
            // The Host header is signed, so it passes through unchanged.
            let mut request = client.post(&target).body(body.clone());
            for (name, value) in &headers {
                if !["content-length", "connection", "transfer-encoding"].contains(&name.as_str()) {
                    request = request.header(name.as_str(), value.as_bytes());
                }
            }
            let status = match request.send().await {
                Ok(response) => response.status().as_u16(),
                Err(_) => 502,
            };
            let activity: Value = serde_json::from_str(&body).unwrap_or_default();
            shared.received.lock().unwrap().push(stand_in::Received {
                inbox: "inbox".into(),
                thread: activity
                    .pointer("/object/object/id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                activity: activity["id"].as_str().unwrap_or_default().to_owned(),
                at: Instant::now(),
            });
            shared.keep_back_if_asked().await;
            axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::BAD_GATEWAY)
        }
    });
    let app = axum::Router::new().route("/inbox", route);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    proxy
}

on_both_backends! {
    async fn a_sender_killed_mid_fan_out_delivers_everything_after_restart(backend: Backend) {
        let started = Instant::now();
        let mut stand_ins = Vec::new();
        for _ in 0..SERVERS {
            stand_ins.push(stand_in::recording().await);
        }
        // The real receiver: it verifies signatures and de-duplicates by activity id.
        let beta = TestApp::spawn(backend).await;

        // The sender's database: a community with ana, and the stand-ins' followers.
        let dir = tempfile::tempdir().unwrap();
        let (url, _guard) = fresh_database(backend, dir.path());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = format!("http://localhost:{port}");
        let env: Vec<(String, String)> = [
            ("GUILDHALL_DATABASE__URL", url.clone()),
            ("GUILDHALL_HTTP__BIND", format!("127.0.0.1:{port}")),
            ("GUILDHALL_INSTANCE__DOMAIN", format!("localhost:{port}")),
            ("GUILDHALL_FEDERATION__ALLOW_PRIVATE_ADDRESSES", "true".into()),
            ("GUILDHALL_FEDERATION__DELIVERY_CONCURRENCY", "64".into()),
            ("GUILDHALL_FEDERATION__CLAIM_LEASE_SECONDS", "5".into()),
            ("GUILDHALL_FEDERATION__REQUEST_TIMEOUT_SECONDS", "4".into()),
            ("GUILDHALL_FEDERATION__RETRY_INITIAL_SECONDS", "1".into()),
            ("GUILDHALL_FEDERATION__RETRY_MAX_SECONDS", "2".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let mut config = guildhall::config::Config::default();
        config.database.url = url.clone();
        config.instance.domain = format!("localhost:{port}");
        let db = guildhall::server::open_database(&config).unwrap();
        let state = guildhall::state::AppState::new(db, std::sync::Arc::new(config));
        let ana = guildhall::services::accounts::create_account(&state, "ana", "ana@leeds.gov.uk", "correct horse battery", guildhall::types::Role::Member).await.unwrap();
        let input = guildhall::services::communities::CommunityInput {
            name: "planners".into(), title: None, description: None,
            visibility: guildhall::types::Visibility::Public, posting_restricted: false,
        };
        guildhall::services::communities::create_for(&state, ana.id, input).await.unwrap();
        let mut people = Vec::new();
        for (s, stand_in) in stand_ins.iter().enumerate() {
            for f in 0..FOLLOWERS_PER_SERVER {
                people.push(stand_in.person(&format!("f{s}x{f}")));
            }
        }
        stand_in::add_followers(&state, "planners", people).await;

        let mut sender = start_sender(&env);
        let client = reqwest::Client::new();
        wait_until_serving(&client, &base).await;

        // bob on beta follows the community for real; beta's shared inbox is then reached
        // through a proxy that can keep beta's answers from the sender.
        let bob = beta.member("bob").await;
        let handle = format!("planners@localhost:{port}");
        bob.post("/resolve", json!({"query": handle})).await.ok();
        bob.joins(&handle).await;
        eventually("the follow is accepted", || async {
            bob.get(&format!("/communities/{handle}")).await.ok()["membership"] == "accepted"
        }).await;
        let proxy = inbox_proxy(&domain(&beta)).await;
        let (beta_domain, proxied) = (domain(&beta), format!("http://{}/inbox", proxy.host));
        state.db.write(move |conn| {
            use guildhall::db::schema::persons;
            diesel::update(persons::table.filter(persons::domain.eq(beta_domain)))
                .set(persons::shared_inbox_url.eq(proxied))
                .execute(conn)?;
            Ok(())
        }).await.unwrap();

        let login: Value = client.post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"login": "ana", "password": "correct horse battery"}))
            .send().await.unwrap().json().await.unwrap();
        let token = login["token"].as_str().unwrap().to_owned();
        let mut threads = Vec::new();
        for n in 0..THREADS {
            let post: Value = client.post(format!("{base}/api/v1/communities/planners/posts"))
                .bearer_auth(&token).json(&json!({"title": format!("Thread {n}")}))
                .send().await.unwrap().json().await.unwrap();
            threads.push(format!("{base}/post/{}", post["id"]));
        }
        let fanned_out = started.elapsed();

        // Part-way through, the receivers store a few activities but keep their answers
        // back; the sender is killed hard while those are unanswered.
        wait_until("a fifth of the deliveries", Duration::from_secs(120), || received_count(&stand_ins) >= DELIVERIES / 5).await;
        for receiver in stand_ins.iter().chain([&proxy]) {
            receiver.hold.store(2, Ordering::SeqCst);
        }
        wait_until("answers kept back at every receiver", Duration::from_secs(60), || {
            stand_ins.iter().chain([&proxy]).all(|r| r.held.load(Ordering::SeqCst) > 0)
        }).await;
        sender.kill();
        let at_kill = delivered(&stand_ins).0.len() + proxy.count();
        assert!(at_kill < DELIVERIES, "the fan-out finished before the kill: {at_kill} of {DELIVERIES}");
        for receiver in stand_ins.iter().chain([&proxy]) {
            receiver.release();
        }

        let mut sender = start_sender(&env);
        let expected: HashSet<(String, String, String)> = stand_ins.iter().enumerate().flat_map(|(s, stand_in)| {
            let threads = &threads;
            (0..FOLLOWERS_PER_SERVER).flat_map(move |f| threads.iter().map(move |t| {
                (stand_in.host.clone(), format!("u/f{s}x{f}/inbox"), t.clone())
            }))
        }).collect();
        wait_until("every stand-in follower gets every thread", Duration::from_secs(300), || {
            // Counting first keeps the poll cheap; the full comparison runs near the end.
            received_count(&stand_ins) >= expected.len() && delivered(&stand_ins).0.is_superset(&expected)
        }).await;
        let beta_posts = || {
            let db = beta.state.db.clone();
            let threads = threads.clone();
            async move {
                tokio::task::spawn_blocking(move || {
                    use guildhall::db::schema::posts;
                    let mut conn = db.conn().unwrap();
                    posts::table.filter(posts::ap_id.eq_any(&threads)).select(posts::ap_id)
                        .load::<Option<String>>(&mut *conn).unwrap().into_iter().flatten().collect::<Vec<String>>()
                }).await.unwrap()
            }
        };
        eventually("beta stores every thread", || async { beta_posts().await.len() >= THREADS }).await;
        sender.kill();

        // Answers lost in the kill meant sending again: each receiver got something twice…
        let (pairs, all) = delivered(&stand_ins);
        assert!(all > pairs.len(), "no stand-in received anything twice");
        let mut through_proxy: HashMap<String, usize> = HashMap::new();
        for r in proxy.received.lock().unwrap().iter() {
            *through_proxy.entry(r.activity.clone()).or_default() += 1;
        }
        assert!(through_proxy.values().any(|&n| n > 1), "beta was sent nothing twice: {through_proxy:?}");
        // …and beta stored each thread exactly once.
        let mut stored = beta_posts().await;
        stored.sort();
        let mut want = threads.clone();
        want.sort();
        assert_eq!(stored, want, "beta stores each thread once");
        eprintln!(
            "crash test ({backend:?}): {DELIVERIES} deliveries, {at_kill} received before the kill, {} sent twice; threads posted after {fanned_out:?}, all done after {:?}",
            all + proxy.count() - pairs.len() - through_proxy.len(),
            started.elapsed()
        );
    }
}

async fn wait_until_serving(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while client
        .get(format!("{base}/api/v1/communities"))
        .send()
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "the sender never started serving"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
