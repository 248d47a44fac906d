//! Two real instances federating over loopback with real signatures: a member on beta
//! follows communities on alpha.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;

async fn membership(member: &Member, handle: &str) -> Value {
    member.get(&format!("/communities/{handle}")).await.ok()["membership"].clone()
}

on_both_backends! {
    async fn a_member_on_beta_follows_a_public_community_on_alpha(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let older = ana.posts_in("planners", "Older thread").await;
        ana.posts_in("planners", "Recent thread").await;
        ana.post(&format!("/posts/{older}/pin"), json!({"on": true})).await.ok();
        let bob = beta.member("bob").await;

        // Members of other servers are found the same way.
        let ana_there = bob.post("/resolve/member", json!({"query": format!("@ana@{}", domain(&alpha))})).await.ok();
        assert_eq!((ana_there["name"].as_str(), ana_there["domain"].as_str()), (Some("ana"), Some(domain(&alpha).as_str())));
        bob.post("/resolve/member", json!({"query": format!("@planners@{}", domain(&alpha))})).await.error(StatusCode::NOT_FOUND, "not_found");
        bob.post("/resolve", json!({"query": "no-host"})).await.error(StatusCode::BAD_REQUEST, "invalid_query");

        let found = bob.post("/resolve", json!({"query": format!("!planners@{}", domain(&alpha))})).await.ok();
        assert_eq!(found["name"], "planners");
        assert_eq!(found["domain"], domain(&alpha));
        assert_eq!(found["title"], "planners network");
        assert!(found.get("membership").is_none());

        let handle = format!("planners@{}", domain(&alpha));
        assert_eq!(bob.joins(&handle).await, "pending", "a remote community answers later");
        eventually("alpha accepts bob's follow", || async { membership(&bob, &handle).await == "accepted" }).await;

        let members = ana.get("/communities/planners/members").await.ok();
        let listed: Vec<(String, Value)> = members["items"].as_array().unwrap().iter()
            .map(|m| (m["member"]["name"].as_str().unwrap().to_owned(), m["member"]["domain"].clone()))
            .collect();
        assert_eq!(listed, [("ana".to_owned(), Value::Null), ("bob".to_owned(), json!(domain(&beta)))]);

        // What the community held before bob followed is backfilled, pinned thread first.
        eventually("beta backfills the community's threads", || async {
            names(&bob.get(&format!("/communities/{handle}/posts")).await.ok(), "title") == ["Older thread", "Recent thread"]
        }).await;
        // …and its facilitators.
        eventually("beta backfills the community's facilitators", || async {
            bob.get(&format!("/communities/{handle}")).await.ok()["moderators"] == json!(["ana"])
        }).await;
    }

    async fn a_restricted_community_waits_for_a_facilitator(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("councillors", "restricted").await;
        let bob = beta.member("bob").await;
        let handle = format!("councillors@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": handle})).await.ok();
        assert_eq!(bob.joins(&handle).await, "pending");

        let bob_there = format!("bob@{}", domain(&beta));
        eventually("alpha records bob's request", || async {
            ana.get("/communities/councillors/members?state=pending").await.ok()["items"]
                .as_array().is_some_and(|items| items.iter().any(|m| m["member"]["name"] == "bob"))
        }).await;
        assert_eq!(membership(&bob, &handle).await, "pending", "no Accept before approval");
        // The facilitator is told, once, whichever server the request came from.
        let told = ana.get("/notifications").await.ok();
        let requests: Vec<&Value> = told["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "join_request").collect();
        assert_eq!(requests.len(), 1, "{told}");
        assert!(requests[0]["summary"].as_str().unwrap().contains(&bob_there), "{told}");
        assert_eq!(requests[0]["link"], "/c/councillors/manage/members");

        ana.post_empty(&format!("/communities/councillors/members/{bob_there}/approve")).await.expect(StatusCode::NO_CONTENT);
        eventually("the Accept reaches beta", || async { membership(&bob, &handle).await == "accepted" }).await;
    }

    async fn inboxes_refuse_what_they_cannot_verify(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| c.http.body_limit_bytes = 8192).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let client = reqwest::Client::new();
        let post = |path: &str, body: String, headers: Vec<(&'static str, String)>| {
            let mut request = client.post(format!("{}{path}", alpha.base)).header("content-type", "application/activity+json").body(body);
            for (k, v) in headers {
                request = request.header(k, v);
            }
            async move { request.send().await.unwrap().status() }
        };
        let follow = json!({
            "id": "http://localhost:1/activities/follow/1", "type": "Follow",
            "actor": "http://localhost:1/u/mallory", "object": format!("{}/c/planners", alpha.base)
        }).to_string();
        // No signature and no digest.
        assert_eq!(post("/inbox", follow.clone(), vec![]).await, StatusCode::UNAUTHORIZED);
        // A digest that does not match the body.
        assert_eq!(post("/c/planners/inbox", follow.clone(), vec![("digest", "SHA-256=AAAA".into())]).await, StatusCode::UNAUTHORIZED);
        // Not JSON, nested too deep, too large.
        assert_eq!(post("/inbox", "{not json".into(), vec![]).await, StatusCode::BAD_REQUEST);
        assert_eq!(post("/inbox", format!("{}{}", "[".repeat(300), "]".repeat(300)), vec![]).await, StatusCode::BAD_REQUEST);
        assert_eq!(post("/inbox", format!("{{\"id\": \"x\", \"pad\": \"{}\"}}", "x".repeat(20_000)), vec![]).await, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(post("/inbox", json!({"type": "Follow"}).to_string(), vec![]).await, StatusCode::BAD_REQUEST);
        // An activity type we do not handle is acknowledged and changes nothing.
        let unknown = json!({"id": "http://localhost:1/activities/x", "type": "Arrive", "actor": "http://localhost:1/u/m"}).to_string();
        assert_eq!(post("/inbox", unknown, vec![]).await, StatusCode::ACCEPTED);

        let members = ana.get("/communities/planners/members").await.ok();
        assert_eq!(members["items"].as_array().unwrap().len(), 1, "nothing was stored");
    }
}

on_both_backends! {
    async fn a_receiver_that_was_down_gets_everything_when_it_returns(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| {
            c.federation.retry_initial_seconds = 1;
            c.federation.retry_max_seconds = 2;
        })
        .await;
        let mut beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let bob = beta.member("bob").await;
        let handle = format!("planners@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": handle})).await.ok();
        bob.joins(&handle).await;
        eventually("the follow is accepted", || async { membership(&bob, &handle).await == "accepted" }).await;

        beta.stop().await;
        for n in 1..=3 {
            ana.posts_in("planners", &format!("While you were out {n}")).await;
        }
        let failing = || {
            let db = alpha.state.db.clone();
            async move {
                tokio::task::spawn_blocking(move || {
                    let mut conn = db.conn().unwrap();
                    guildhall::db::federation::failing_deliveries(&mut conn).unwrap()
                })
                .await
                .unwrap()
            }
        };
        eventually("alpha notices beta is down", || async { failing().await == 3 }).await;
        // The administrators see it too.
        let root = alpha.admin("root").await;
        let beta_host = domain(&beta);
        let peer = |root: crate::harness::Member, host: String| async move {
            let peers = root.get("/admin/federation/deliveries").await.ok();
            peers.as_array().expect("peers").iter()
                .find(|p| p["host"] == host.as_str()).cloned()
                .unwrap_or_else(|| panic!("{host} not listed: {peers}"))
        };
        let down = peer(root.clone(), beta_host.clone()).await;
        assert_eq!(down["health"], "failing", "{down}");
        assert_eq!(down["pending"], 3, "{down}");
        assert!(down["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{down}");

        beta.restart().await;
        let bob = beta.log_in("bob").await;
        eventually("beta receives every thread once it is back", || async {
            names(&bob.get(&format!("/communities/{handle}/posts")).await.ok(), "title").len() == 3
        }).await;
        alpha.deliveries_settled().await;
        let back = peer(root, beta_host).await;
        assert_eq!(back["health"], "answering", "{back}");
        assert_eq!(back["pending"], 0, "{back}");
        assert!(back["last_success_at"].is_string(), "{back}");
    }
}

on_both_backends! {
    async fn leaving_and_refusals_travel_back(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        ana.creates_community("councillors", "restricted").await;
        let bob = beta.member("bob").await;
        let planners = format!("planners@{}", domain(&alpha));
        let councillors = format!("councillors@{}", domain(&alpha));
        for handle in [&planners, &councillors] {
            bob.post("/resolve", json!({"query": handle})).await.ok();
            bob.joins(handle).await;
        }
        eventually("the public follow is accepted", || async { membership(&bob, &planners).await == "accepted" }).await;

        // Leaving sends an Undo: alpha forgets bob.
        bob.post_empty(&format!("/communities/{planners}/leave")).await.expect(StatusCode::NO_CONTENT);
        eventually("alpha removes bob", || async {
            ana.get("/communities/planners/members").await.ok()["items"].as_array().is_some_and(|m| m.len() == 1)
        }).await;

        // A refused request sends a Reject: beta forgets the request.
        let bob_there = format!("bob@{}", domain(&beta));
        eventually("alpha records the request", || async {
            ana.get("/communities/councillors/members?state=pending").await.ok()["items"]
                .as_array().is_some_and(|items| !items.is_empty())
        }).await;
        ana.post_empty(&format!("/communities/councillors/members/{bob_there}/reject")).await.expect(StatusCode::NO_CONTENT);
        eventually("beta forgets the refused request", || async { membership(&bob, &councillors).await.is_null() }).await;
    }

    async fn a_private_community_sends_and_serves_nothing_to_outsiders(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let gamma = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("cabinet", "private").await;
        let handle = format!("cabinet@{}", domain(&alpha));
        let bob = beta.member("bob").await;
        let gus = gamma.member("gus").await;
        for member in [&bob, &gus] {
            member.post("/resolve", json!({"query": handle})).await.ok();
            assert_eq!(member.joins(&handle).await, "pending");
        }
        eventually("alpha records both requests", || async {
            ana.get("/communities/cabinet/members?state=pending").await.ok()["items"]
                .as_array().is_some_and(|items| items.len() == 2)
        }).await;
        ana.post_empty(&format!("/communities/cabinet/members/bob@{}/approve", domain(&beta))).await.expect(StatusCode::NO_CONTENT);
        eventually("bob is accepted", || async { membership(&bob, &handle).await == "accepted" }).await;

        let post = ana.posts_in("cabinet", "Budget options").await;
        eventually("the member's server receives the thread", || async {
            names(&bob.get(&format!("/communities/{handle}/posts")).await.ok(), "title") == ["Budget options"]
        }).await;
        alpha.deliveries_settled().await;
        // gamma's member only asked to join: gamma has received nothing, and cannot fetch it.
        assert_eq!(membership(&gus, &handle).await, "pending");
        let status = reqwest::Client::new()
            .get(format!("{}/post/{post}", alpha.base))
            .header("accept", "application/activity+json")
            .send().await.unwrap().status();
        assert_eq!(status, StatusCode::FORBIDDEN);
        let db = gamma.state.db.clone();
        let alpha_domain = domain(&alpha);
        let stored = tokio::task::spawn_blocking(move || {
            use guildhall::db::{communities, content, federation};
            let mut conn = db.conn().unwrap();
            let copy = federation::remote_community(&mut conn, "cabinet", &alpha_domain).unwrap().unwrap();
            assert_eq!(copy.visibility, "private", "gamma knows the community is private");
            content::list_posts(&mut conn, copy.id, content::PostSort::New, None, true, 10).unwrap().len()
                + communities::member_count(&mut conn, copy.id).unwrap() as usize
        }).await.unwrap();
        assert_eq!(stored, 0, "gamma stored no threads and has no accepted member");
        let members_listing = gus.get(&format!("/communities/{handle}/posts")).await;
        assert_eq!(members_listing.status, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    async fn fetches_are_signed_as_the_instance_actor(backend: Backend) {
        use std::sync::{Arc, Mutex};
        let alpha = TestApp::spawn(backend).await;
        let bob = alpha.member("bob").await;

        // A peer that records the signature on each request and serves one community.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let peer = format!("localhost:{}", listener.local_addr().unwrap().port());
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let (group, record) = (format!("http://{peer}/c/secure"), seen.clone());
        let keys = crate::peer::new_keypair();
        let actor = json!({
            "type": "Group", "id": group, "preferredUsername": "secure", "name": "Secure",
            "inbox": format!("{group}/inbox"),
            "publicKey": {"id": format!("{group}#main-key"), "owner": group, "publicKeyPem": keys.public_key}
        });
        let webfinger = json!({
            "subject": format!("acct:secure@{peer}"),
            "links": [{"rel": "self", "type": "application/activity+json", "href": group}]
        });
        let app = axum::Router::new()
            .route("/.well-known/webfinger", axum::routing::get(move || async move { axum::Json(webfinger) }))
            .route("/c/secure", axum::routing::get(move |headers: axum::http::HeaderMap| {
                let (actor, record) = (actor.clone(), record.clone());
                async move {
                    let signature = headers.get("signature").and_then(|v| v.to_str().ok()).unwrap_or("");
                    record.lock().unwrap().push(signature.to_owned());
                    // Like a server in secure mode: unsigned fetches are refused.
                    if signature.is_empty() {
                        return (axum::http::StatusCode::UNAUTHORIZED, "sign your fetches").into_response();
                    }
                    ([("content-type", "application/activity+json")], actor.to_string()).into_response()
                }
            }));
        use axum::response::IntoResponse;
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let found = bob.post("/resolve", json!({"query": format!("!secure@{peer}")})).await.ok();
        assert_eq!(found["name"], "secure");
        let signatures = seen.lock().unwrap().clone();
        assert!(!signatures.is_empty());
        let key = format!("keyId=\"{}/#main-key\"", alpha.base);
        assert!(signatures.iter().all(|s| s.contains(&key)), "{signatures:?}");
    }
}

on_both_backends! {
    async fn a_flooding_peer_is_slowed_down(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| c.limits.inbox_per_minute_per_peer = 3).await;
        let client = reqwest::Client::new();
        let send = |host: &str, n: u32| {
            let body = json!({"id": format!("http://{host}/activities/{n}"), "type": "Arrive", "actor": format!("http://{host}/u/x")});
            let request = client.post(format!("{}/inbox", alpha.base)).json(&body);
            async move { request.send().await.unwrap() }
        };
        for n in 0..3 {
            assert_eq!(send("busy.example", n).await.status(), StatusCode::ACCEPTED);
        }
        let refused = send("busy.example", 3).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.headers().contains_key("retry-after"));
        assert_eq!(send("quiet.example", 0).await.status(), StatusCode::ACCEPTED, "other peers are not affected");
    }
}

on_both_backends! {
    async fn in_secure_mode_only_signed_fetches_get_content(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| c.federation.secure_mode = true).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let post = ana.posts_in("planners", "For signed eyes").await;

        let fetch = |path: String| {
            let request = reqwest::Client::new().get(format!("{}{path}", alpha.base)).header("accept", "application/activity+json");
            async move { request.send().await.unwrap().status() }
        };
        // Objects need a signature; actors stay public so peers can learn keys.
        assert_eq!(fetch(format!("/post/{post}")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(fetch("/c/planners/outbox".into()).await, StatusCode::UNAUTHORIZED);
        assert_eq!(fetch("/c/planners".into()).await, StatusCode::OK);
        assert_eq!(fetch("/u/ana".into()).await, StatusCode::OK);
        assert_eq!(fetch("/".into()).await, StatusCode::OK);
        // Browsers still get pages.
        let page = reqwest::Client::new().get(format!("{}/post/{post}", alpha.base)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);

        // beta signs its fetches, so following and backfilling work.
        let bob = beta.member("bob").await;
        let handle = format!("planners@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": handle})).await.ok();
        bob.joins(&handle).await;
        eventually("beta backfills through signed fetches", || async {
            names(&bob.get(&format!("/communities/{handle}/posts")).await.ok(), "title") == ["For signed eyes"]
        }).await;
    }
}

on_both_backends! {
    async fn a_dead_peer_is_skipped_until_it_answers_again(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| {
            c.federation.retry_initial_seconds = 1;
            c.federation.retry_max_seconds = 2;
        })
        .await;
        let mut beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let bob = beta.member("bob").await;
        let handle = format!("planners@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": handle})).await.ok();
        bob.joins(&handle).await;
        eventually("the follow is accepted", || async { membership(&bob, &handle).await == "accepted" }).await;

        // beta goes away for longer than the dead threshold (here: at once).
        beta.stop().await;
        let host = domain(&beta);
        let db = alpha.state.db.clone();
        let mark_dead = host.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            guildhall::db::federation::peer_failed(&mut conn, &mark_dead, chrono::TimeDelta::zero()).unwrap()
        }).await.unwrap();

        // A new thread's delivery waits instead of being tried.
        ana.posts_in("planners", "Written while beta was dead").await;
        let waiting = || {
            let db = alpha.state.db.clone();
            async move {
                tokio::task::spawn_blocking(move || {
                    let mut conn = db.conn().unwrap();
                    guildhall::db::federation::failing_deliveries(&mut conn).unwrap()
                }).await.unwrap()
            }
        };
        eventually("the delivery is set aside", || async { waiting().await == 1 }).await;

        // beta returns; the first answer it gives (here recorded directly, as a probe's
        // success would) makes everything waiting for it due at once.
        beta.restart().await;
        let db = alpha.state.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            guildhall::db::federation::peer_answered(&mut conn, &host).unwrap()
        }).await.unwrap();
        alpha.state.deliveries.notify_one();
        let bob = beta.log_in("bob").await;
        eventually("beta receives the thread", || async {
            names(&bob.get(&format!("/communities/{handle}/posts")).await.ok(), "title") == ["Written while beta was dead"]
        }).await;
    }
}
