//! A sender killed with SIGKILL in the middle of a fan-out delivers everything once it
//! restarts: the queue lives in the database, and a dead worker's claims expire.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;

const THREADS: usize = 24;

/// Starts `guildhall serve` as its own process.
fn start_sender(env: &[(String, String)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guildhall"));
    command
        .arg("serve")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("the sender starts")
}

async fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

on_both_backends! {
    async fn a_sender_killed_mid_fan_out_delivers_everything_after_restart(backend: Backend) {
        // A slow follower's server that records every activity it receives.
        let received: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = received.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let follower_host = format!("localhost:{}", listener.local_addr().unwrap().port());
        let inbox = axum::Router::new().route("/inbox", axum::routing::post(move |body: String| {
            let record = record.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                if let Ok(activity) = serde_json::from_str::<Value>(&body) {
                    let id = activity.pointer("/object/object/id").and_then(Value::as_str).unwrap_or_default();
                    record.lock().unwrap().push(id.to_owned());
                }
                axum::http::StatusCode::ACCEPTED
            }
        }));
        tokio::spawn(async move { axum::serve(listener, inbox).await.unwrap() });

        // The sender's database: a community with ana, and one follower on that server.
        let dir = tempfile::tempdir().unwrap();
        let (url, _guard) = fresh_database(backend, dir.path());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = format!("http://localhost:{port}");
        let env: Vec<(String, String)> = [
            ("GUILDHALL_DATABASE__URL", url.clone()),
            ("GUILDHALL_HTTP__BIND", format!("127.0.0.1:{port}")),
            ("GUILDHALL_INSTANCE__DOMAIN", format!("localhost:{port}")),
            ("GUILDHALL_FEDERATION__ALLOW_PRIVATE_ADDRESSES", "true".into()),
            ("GUILDHALL_FEDERATION__DELIVERY_CONCURRENCY", "2".into()),
            ("GUILDHALL_FEDERATION__CLAIM_LEASE_SECONDS", "2".into()),
            ("GUILDHALL_FEDERATION__RETRY_INITIAL_SECONDS", "1".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        {
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
            let community = guildhall::services::communities::create_for(&state, ana.id, input).await.unwrap();
            let host = follower_host.clone();
            state.db.write(move |conn| {
                let follower = guildhall::db::federation::upsert_remote_person(conn, &guildhall::db::models::RemoteActorRow {
                    ap_id: format!("http://{host}/u/fay"), name: "fay".into(), domain: host.clone(),
                    display_name: None, summary_html: String::new(), public_key: String::new(),
                    inbox_url: format!("http://{host}/u/fay/inbox"), shared_inbox_url: Some(format!("http://{host}/inbox")),
                })?;
                guildhall::db::communities::set_membership(conn, community.id, follower.id, "accepted")
            }).await.unwrap();
        }

        let mut sender = start_sender(&env);
        let client = reqwest::Client::new();
        wait_until_serving(&client, &base).await;
        let login: Value = client.post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"login": "ana", "password": "correct horse battery"}))
            .send().await.unwrap().json().await.unwrap();
        let token = login["token"].as_str().unwrap().to_owned();
        let mut expected = HashSet::new();
        for n in 0..THREADS {
            let post: Value = client.post(format!("{base}/api/v1/communities/planners/posts"))
                .bearer_auth(&token).json(&json!({"title": format!("Thread {n}")}))
                .send().await.unwrap().json().await.unwrap();
            expected.insert(format!("{base}/post/{}", post["id"]));
        }

        // Kill it hard once some, not all, have gone out.
        wait_until("a few deliveries", Duration::from_secs(30), || received.lock().unwrap().len() >= 3).await;
        sender.kill().unwrap();
        sender.wait().unwrap();
        let before_restart = received.lock().unwrap().len();
        assert!(before_restart < THREADS, "the fan-out finished before the kill; slow the follower down");

        let mut sender = start_sender(&env);
        wait_until("every thread reaches the follower", Duration::from_secs(60), || {
            let got: HashSet<String> = received.lock().unwrap().iter().cloned().collect();
            expected.is_subset(&got)
        }).await;
        sender.kill().unwrap();
        sender.wait().unwrap();
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
