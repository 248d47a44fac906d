//! Followers on servers that fail in the three usual ways (answering 500, never answering,
//! answering with bytes that are not HTTP) are retried with growing waits and marked dead
//! after the configured period, while a healthy follower of the same community gets every
//! thread in the meantime.

use std::time::Duration;

use serde_json::Value;

use crate::harness::*;
use crate::on_both_backends;
use crate::stand_in::{self, StandIn};

const THREADS: usize = 5;
/// The configured period after which a failing peer counts as dead.
const DEAD_AFTER_SECONDS: u32 = 10;

/// Whether `stand_in` received an activity about each of `threads`.
fn has_all(stand_in: &StandIn, threads: &[String]) -> bool {
    let received = stand_in.received.lock().unwrap();
    threads
        .iter()
        .all(|thread| received.iter().any(|r| &r.thread == thread))
}

/// The admin API's view of one peer.
async fn peer(admin: &Member, host: &str) -> Value {
    let peers = admin.get("/admin/federation/deliveries").await.ok();
    peers
        .as_array()
        .expect("a list of peers")
        .iter()
        .find(|p| p["host"] == host)
        .cloned()
        .unwrap_or(Value::Null)
}

/// `(attempts, last error)` of every delivery still waiting for `host`.
async fn waiting_for(app: &TestApp, host: &str) -> Vec<(i32, Option<String>)> {
    let db = app.state.db.clone();
    let prefix = format!("http://{host}/");
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        guildhall::db::federation::undelivered(&mut conn, 10_000)
            .unwrap()
            .into_iter()
            .filter(|d| d.inbox_url.starts_with(&prefix))
            .map(|d| (d.attempts, d.last_error))
            .collect()
    })
    .await
    .unwrap()
}

on_both_backends! {
    async fn bad_peers_are_retried_then_marked_dead_and_hold_up_no_one(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| {
            c.federation.retry_initial_seconds = 1;
            c.federation.retry_max_seconds = 4;
            c.federation.dead_after_seconds = Some(DEAD_AFTER_SECONDS);
            c.federation.request_timeout_seconds = 2;
            // Fewer workers than bad deliveries: a bad peer that held a worker for good
            // would soon hold them all.
            c.federation.delivery_concurrency = 4;
        })
        .await;
        let ada = alpha.admin("ada").await;
        ada.creates_community("planners", "public").await;
        let healthy = stand_in::recording().await;
        let failing = stand_in::failing().await;
        let hanging = stand_in::hanging().await;
        let garbage = stand_in::garbage().await;
        stand_in::add_followers(&alpha.state, "planners", vec![
            healthy.person("hal"), failing.person("fin"), hanging.person("hank"), garbage.person("gus"),
        ]).await;

        let mut threads = Vec::new();
        for n in 0..THREADS {
            let id = ada.posts_in("planners", &format!("Thread {n}")).await;
            threads.push(format!("{}/post/{id}", alpha.base));
        }

        // The healthy follower gets everything while the others are still only failing.
        eventually("the healthy follower gets every thread", || async { has_all(&healthy, &threads) }).await;
        for bad in [&failing, &hanging, &garbage] {
            // The hanging peer fails only when its request times out.
            eventually(&format!("{} has failed once", bad.host), || async {
                peer(&ada, &bad.host).await["health"] != "answering"
            }).await;
            let seen = peer(&ada, &bad.host).await;
            assert_eq!(seen["health"], "failing", "{}: {seen}", bad.host);
            assert_eq!(seen["pending"], THREADS, "{}: {seen}", bad.host);
        }
        assert!(hanging.hits.load(std::sync::atomic::Ordering::SeqCst) > 0, "the hanging peer was tried");
        assert!(garbage.hits.load(std::sync::atomic::Ordering::SeqCst) > 0, "the garbage peer was tried");

        // Each is marked dead once it has failed for the configured period, with every
        // delivery kept, tried more than once and its error recorded.
        for bad in [&failing, &hanging, &garbage] {
            eventually(&format!("{} is marked dead", bad.host), || async {
                peer(&ada, &bad.host).await["health"] == "dead"
            }).await;
            let seen = peer(&ada, &bad.host).await;
            assert_eq!(seen["pending"], THREADS, "{}: {seen}", bad.host);
            assert!(seen["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{}: {seen}", bad.host);
            let rows = waiting_for(&alpha, &bad.host).await;
            assert_eq!(rows.len(), THREADS, "{}: {rows:?}", bad.host);
            // A second try means the first came back: for the hanging peer, cut off by
            // the request timeout rather than holding its worker.
            assert!(rows.iter().all(|(attempts, error)| *attempts >= 2 && error.is_some()), "{}: {rows:?}", bad.host);
        }

        // The waits between tries of one activity grew: at least 1, 2 and 4 seconds, as
        // retry_initial_seconds = 1 doubling gives. Only lower bounds, which no amount of
        // load on the machine can break.
        let first = threads[0].clone();
        let tries: Vec<std::time::Instant> = failing.received.lock().unwrap().iter()
            .filter(|r| r.thread == first).map(|r| r.at).collect();
        assert!(tries.len() >= 4, "the failing peer was tried only {} times", tries.len());
        for (n, pair) in tries.windows(2).take(3).enumerate() {
            let least = Duration::from_secs(1 << n) - Duration::from_millis(50);
            let gap = pair[1] - pair[0];
            assert!(gap >= least, "retry {} came {gap:?} after the one before, sooner than {least:?}", n + 1);
        }

        // With all three dead, new threads still reach the healthy follower, and the dead
        // peers' new deliveries wait instead of being tried.
        let later = ada.posts_in("planners", "After the outage").await;
        let later = vec![format!("{}/post/{later}", alpha.base)];
        eventually("the healthy follower gets the new thread", || async { has_all(&healthy, &later) }).await;
        for bad in [&failing, &hanging, &garbage] {
            eventually(&format!("{}'s new delivery waits", bad.host), || async {
                let rows = waiting_for(&alpha, &bad.host).await;
                rows.len() == THREADS + 1
                    && rows.iter().any(|(attempts, error)| *attempts == 0 && error.as_deref().is_some_and(|e| e.contains("not answering")))
            }).await;
        }
        assert!(!failing.received.lock().unwrap().iter().any(|r| r.thread == later[0]), "a dead peer is not sent new deliveries");
    }
}
