//! Stand-ins for other servers' inboxes, for the fault tests: one that records what it
//! receives, one that answers 500, one that accepts connections and never answers, and one
//! that answers with bytes that are not HTTP. Each counts what reached it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::Value;
use tokio::net::TcpListener;

/// One activity as a stand-in saw it: the inbox path, the id of the thread it carries and
/// the activity's own id.
#[derive(Debug, Clone)]
pub struct Received {
    pub inbox: String,
    pub thread: String,
    pub activity: String,
    pub at: Instant,
}

/// A stand-in server and what reached it.
#[derive(Clone)]
pub struct StandIn {
    /// `localhost:port`.
    pub host: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    /// Connections or requests that reached it, whatever became of them.
    pub hits: Arc<AtomicUsize>,
    /// A recording stand-in records this many more requests and then keeps their answers
    /// back (until `release`), as a server that stored an activity but whose answer never
    /// got back to the sender.
    pub hold: Arc<AtomicUsize>,
    /// Requests recorded and kept without an answer.
    pub held: Arc<AtomicUsize>,
    /// While set, a recording stand-in records nothing and answers 503, as a server that
    /// is down for maintenance.
    pub refuse: Arc<AtomicBool>,
    release: Arc<tokio::sync::Notify>,
}

impl StandIn {
    pub fn new(host: String) -> StandIn {
        StandIn {
            host,
            received: Arc::default(),
            hits: Arc::default(),
            hold: Arc::default(),
            held: Arc::default(),
            refuse: Arc::default(),
            release: Arc::default(),
        }
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// Stops keeping answers back and lets every kept request finish.
    pub fn release(&self) {
        self.hold.store(0, Ordering::SeqCst);
        self.release.notify_waiters();
    }

    /// Records the request, then keeps the answer back if asked to.
    pub async fn keep_back_if_asked(&self) {
        if self
            .hold
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            let released = self.release.notified();
            self.held.fetch_add(1, Ordering::SeqCst);
            released.await;
        }
    }

    /// A person on this server with their own inbox and no shared one.
    pub fn person(&self, name: &str) -> guildhall::db::models::RemoteActorRow {
        let host = &self.host;
        guildhall::db::models::RemoteActorRow {
            ap_id: format!("http://{host}/u/{name}"),
            name: name.into(),
            domain: host.clone(),
            display_name: None,
            summary_html: String::new(),
            public_key: String::new(),
            inbox_url: format!("http://{host}/u/{name}/inbox"),
            shared_inbox_url: None,
        }
    }
}

async fn bind() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = format!("localhost:{}", listener.local_addr().unwrap().port());
    (listener, host)
}

/// The thread an activity is about: the object of an `Announce{Create{Page}}` or of an
/// `Announce{Page}`.
fn thread_of(activity: &Value) -> String {
    ["/object/object/id", "/object/id"]
        .iter()
        .find_map(|p| activity.pointer(p).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

/// A fast inbox server that records every activity and answers 202.
pub async fn recording() -> StandIn {
    let (listener, host) = bind().await;
    let stand_in = StandIn::new(host);
    let shared = stand_in.clone();
    let inbox = axum::Router::new().route(
        "/{*path}",
        axum::routing::post(
            move |axum::extract::Path(path): axum::extract::Path<String>, body: String| {
                let shared = shared.clone();
                async move {
                    shared.hits.fetch_add(1, Ordering::SeqCst);
                    if shared.refuse.load(Ordering::SeqCst) {
                        return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                    }
                    let Ok(activity) = serde_json::from_str::<Value>(&body) else {
                        return axum::http::StatusCode::BAD_REQUEST;
                    };
                    shared.received.lock().unwrap().push(Received {
                        inbox: path,
                        thread: thread_of(&activity),
                        activity: activity["id"].as_str().unwrap_or_default().to_owned(),
                        at: Instant::now(),
                    });
                    shared.keep_back_if_asked().await;
                    axum::http::StatusCode::ACCEPTED
                }
            },
        ),
    );
    tokio::spawn(async move { axum::serve(listener, inbox).await.unwrap() });
    stand_in
}

/// An inbox server that records each attempt and answers 500.
pub async fn failing() -> StandIn {
    let (listener, host) = bind().await;
    let stand_in = StandIn::new(host);
    let shared = stand_in.clone();
    let inbox = axum::Router::new().route(
        "/{*path}",
        axum::routing::post(
            move |axum::extract::Path(path): axum::extract::Path<String>, body: String| {
                let shared = shared.clone();
                async move {
                    shared.hits.fetch_add(1, Ordering::SeqCst);
                    let activity: Value = serde_json::from_str(&body).unwrap_or_default();
                    shared.received.lock().unwrap().push(Received {
                        inbox: path,
                        thread: thread_of(&activity),
                        activity: activity["id"].as_str().unwrap_or_default().to_owned(),
                        at: Instant::now(),
                    });
                    (
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        "something broke",
                    )
                }
            },
        ),
    );
    tokio::spawn(async move { axum::serve(listener, inbox).await.unwrap() });
    stand_in
}

/// A server that accepts every connection and never says a word, holding it open.
pub async fn hanging() -> StandIn {
    let (listener, host) = bind().await;
    let stand_in = StandIn::new(host);
    let hits = stand_in.hits.clone();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            hits.fetch_add(1, Ordering::SeqCst);
            open.push(socket);
        }
    });
    stand_in
}

/// A server that reads the request and answers with bytes that are not HTTP, then hangs up.
pub async fn garbage() -> StandIn {
    let (listener, host) = bind().await;
    let stand_in = StandIn::new(host);
    let hits = stand_in.hits.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            hits.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                if socket.readable().await.is_ok() {
                    let _ = socket.try_read(&mut buffer);
                }
                if socket.writable().await.is_ok() {
                    let _ = socket.try_write(b"\x00\x01 not http at all {]\r\n\r\n");
                }
                // Dropping the socket hangs up.
            });
        }
    });
    stand_in
}

/// Makes `people` on other servers accepted followers of the local community `community`,
/// as if each had sent a Follow that was accepted.
pub async fn add_followers(
    state: &guildhall::state::AppState,
    community: &str,
    people: Vec<guildhall::db::models::RemoteActorRow>,
) {
    let community = community.to_owned();
    state
        .db
        .write(move |conn| {
            let community = guildhall::db::communities::local_by_name(conn, &community)?
                .ok_or(guildhall::error::AppError::NotFound("community"))?;
            for person in &people {
                let follower = guildhall::db::federation::upsert_remote_person(conn, person)?;
                guildhall::db::communities::set_membership(
                    conn,
                    community.id,
                    follower.id,
                    "accepted",
                )?;
            }
            Ok(())
        })
        .await
        .expect("followers added");
}
