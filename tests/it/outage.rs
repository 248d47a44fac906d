//! The database goes away while the server runs, and comes back: meanwhile the API answers
//! 503 `unavailable` within a bounded time and the process keeps serving; afterwards it
//! recovers by itself, with everything written before still there and queued deliveries
//! going out.

use std::sync::atomic::Ordering;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;
use crate::stand_in;

/// A fault on the database, undone when dropped so a failing test leaves nothing behind.
enum Outage {
    /// PostgreSQL: the test's database refuses new connections and its sessions are
    /// ended, as when the database server restarts or the network to it is cut. The
    /// shared server itself stays up for other tests.
    Postgres { admin_url: String, name: String },
    /// SQLite has no server to lose. Another process takes the database's write lock and
    /// keeps it, as a stuck maintenance script, a long backup or a second server pointed
    /// at the same file would: nothing can be written. (An unwritable file cannot stand
    /// in here: tests run as root, which file modes do not stop, and a running server's
    /// open handles outlive a chmod.)
    Sqlite(diesel::SqliteConnection),
}

impl Outage {
    fn begin(app: &TestApp) -> Outage {
        let url = app.state.config.database.url.clone();
        match app.backend {
            Backend::Postgres => {
                let admin_url = postgres_server().expect("GUILDHALL_TEST_POSTGRES");
                let name = url.rsplit('/').next().expect("database name").to_owned();
                let mut conn =
                    diesel::PgConnection::establish(&admin_url).expect("admin connection");
                diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
                    .execute(&mut conn)
                    .expect("refusing connections");
                diesel::sql_query(format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                ))
                .execute(&mut conn)
                .expect("ending the server's sessions");
                Outage::Postgres { admin_url, name }
            }
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").expect("a SQLite URL");
                let mut conn =
                    diesel::SqliteConnection::establish(path).expect("second connection");
                conn.batch_execute("PRAGMA busy_timeout = 30000; BEGIN IMMEDIATE;")
                    .expect("taking the write lock");
                Outage::Sqlite(conn)
            }
        }
    }

    fn end(self) {}
}

impl Drop for Outage {
    fn drop(&mut self) {
        match self {
            Outage::Postgres { admin_url, name } => {
                if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
                            .execute(&mut conn);
                }
            }
            Outage::Sqlite(conn) => {
                let _ = conn.batch_execute("ROLLBACK");
            }
        }
    }
}

/// Runs `request`, failing the test if it does not answer within a generous deadline: an
/// unreachable database must not hold a request for good.
async fn bounded<T>(what: &str, request: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), request)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer while the database was away"))
}

on_both_backends! {
    async fn the_api_answers_503_while_the_database_is_away_then_recovers(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| {
            c.database.timeout_seconds = 2;
            c.federation.retry_initial_seconds = 1;
            c.federation.retry_max_seconds = 2;
        })
        .await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        // A follower whose server is down for now, so the thread below waits in the queue
        // across the outage.
        let follower = stand_in::recording().await;
        follower.refuse.store(true, Ordering::SeqCst);
        stand_in::add_followers(&alpha.state, "planners", vec![follower.person("fay")]).await;
        let before = ana.posts_in("planners", "Before the outage").await;
        eventually("the delivery has failed once", || async {
            follower.hits.load(Ordering::SeqCst) > 0
        }).await;

        let outage = Outage::begin(&alpha);
        let write = bounded("a new thread", ana.post("/communities/planners/posts", json!({"title": "During the outage"}))).await;
        write.error(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        let vote = bounded("a vote", ana.post(&format!("/posts/{before}/vote"), json!({"score": 1}))).await;
        vote.error(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        let read = bounded("the thread list", ana.get("/communities/planners/posts")).await;
        match backend {
            // Nothing can be read from a database that cannot be reached.
            Backend::Postgres => read.error(StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            // A SQLite file whose write lock is taken can still be read: reads go on.
            Backend::Sqlite => assert_eq!(names(&read.ok(), "title"), ["Before the outage"]),
        }
        let page = bounded("the community page", reqwest::Client::new().get(format!("{}/c/planners", alpha.base)).header("accept", "text/html").send()).await.expect("the page answers");
        match backend {
            Backend::Postgres => assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE),
            Backend::Sqlite => assert_eq!(page.status(), StatusCode::OK),
        }
        // The process is still there and answers what needs no database.
        let health = bounded("a static page", reqwest::get(format!("{}/.well-known/host-meta", alpha.base))).await.expect("the server still answers");
        assert!(health.status().is_success(), "{}", health.status());

        follower.refuse.store(false, Ordering::SeqCst);
        outage.end();

        // It recovers by itself: no restart.
        eventually("the server reaches its database again", || async {
            ana.get("/communities/planners/posts").await.status == StatusCode::OK
        }).await;
        let threads = ana.get("/communities/planners/posts").await.ok();
        assert_eq!(names(&threads, "title"), ["Before the outage"], "what was written before is there; the refused write is not");
        let after = ana.posts_in("planners", "After the outage").await;
        ana.post(&format!("/posts/{after}/vote"), json!({"score": 1})).await.ok();
        assert_eq!(names(&ana.get("/communities/planners/posts").await.ok(), "title").len(), 2);

        // The delivery queued before the outage goes out, and so does the new one.
        let expected = [format!("{}/post/{before}", alpha.base), format!("{}/post/{after}", alpha.base)];
        eventually("the follower gets both threads", || async {
            let received = follower.received.lock().unwrap();
            expected.iter().all(|t| received.iter().any(|r| &r.thread == t))
        }).await;
        alpha.deliveries_settled().await;
    }
}
