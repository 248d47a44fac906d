//! What passes if the sender tries again. Two requests that need the same actor, new to
//! this server, at the same moment both succeed; an activity whose signer cannot be
//! fetched just now (no answer, or an error page) is answered 503 with `Retry-After`,
//! which every sender retries (a 4xx makes senders built on our federation library
//! drop it), and is taken when its server is back.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;
use crate::peer::Peer;

on_both_backends! {
    async fn requests_that_meet_a_new_actor_at_once_all_succeed(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let bob = beta.member("bob").await;

        // Each request finds the actor missing and fetches it; on PostgreSQL they all
        // try to store it at once.
        let person = format!("@ana@{}", domain(&alpha));
        let group = format!("!planners@{}", domain(&alpha));
        let mut requests = tokio::task::JoinSet::new();
        for i in 0..16 {
            let (bob, query) = (bob.clone(), if i % 2 == 0 { person.clone() } else { group.clone() });
            let path = if i % 2 == 0 { "/resolve/member" } else { "/resolve" };
            requests.spawn(async move { (i % 2, bob.post(path, json!({"query": query})).await.ok()["name"].clone()) });
        }
        let found = requests.join_all().await;
        let people: Vec<_> = found.iter().filter(|(kind, _)| *kind == 0).map(|(_, n)| n).collect();
        let groups: Vec<_> = found.iter().filter(|(kind, _)| *kind == 1).map(|(_, n)| n).collect();
        assert!(people.len() == 8 && people.iter().all(|n| *n == "ana"), "{people:?}");
        assert!(groups.len() == 8 && groups.iter().all(|n| *n == "planners"), "{groups:?}");

        // Stored once each.
        let db = beta.state.db.clone();
        let (persons, communities) = db
            .read(|conn| {
                use diesel::prelude::*;
                use guildhall::db::schema::{communities, persons};
                let persons: i64 = persons::table.filter(persons::name.eq("ana")).count().get_result(conn)?;
                let communities: i64 = communities::table.filter(communities::name.eq("planners")).count().get_result(conn)?;
                Ok((persons, communities))
            })
            .await
            .unwrap();
        assert_eq!((persons, communities), (1, 1));
    }

    async fn an_activity_whose_signer_is_away_is_taken_when_retried(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;

        // A server that is away: its port answers nothing, so its actor cannot be fetched.
        // (`away` only signs: the stand-in's key is the one its actors publish.)
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
        let port = listener.local_addr().expect("address").port();
        drop(listener);
        let away = Peer::start_on("mastodon", tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap());
        let person = format!("http://localhost:{port}/users/kim");
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("http://localhost:{port}/follows/1"),
            "type": "Follow",
            "actor": person,
            "object": format!("{}/c/planners", alpha.base),
        });
        let sent = away.sends_as_answered(&person, &alpha, "/inbox", follow.clone()).await;
        assert_eq!(sent.0, StatusCode::SERVICE_UNAVAILABLE, "{}", sent.2);
        assert_eq!(sent.1.as_deref(), Some("30"), "a 503 says when to retry");

        // Then it answers, but only that it is busy: still a 503 here, not a refusal.
        let busy = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("the same port");
        let busy = tokio::spawn(async move {
            let app = axum::Router::new().fallback(|| async {
                (axum::http::StatusCode::SERVICE_UNAVAILABLE, "<html>Down for maintenance</html>")
            });
            let _ = axum::serve(busy, app).await;
        });
        let sent = away.sends_as_answered(&person, &alpha, "/inbox", follow.clone()).await;
        assert_eq!(sent.0, StatusCode::SERVICE_UNAVAILABLE, "{}", sent.2);
        busy.abort();
        let _ = busy.await;
        drop(away);

        // The server is back on its port: the same activity, sent again, is taken.
        let back = Peer::start_on("mastodon", tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("the same port"));
        assert_eq!(back.sends_as(&person, &alpha, "/inbox", follow).await, StatusCode::ACCEPTED);
        eventually("kim's follow is accepted", || async {
            back.received().iter().any(|a| a["type"] == "Accept")
        }).await;
    }
}
