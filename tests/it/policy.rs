//! The federation policy between real instances over loopback: an admin blocks or allows
//! peers through the API or the command line, and blocked peers are neither sent to nor
//! accepted from.

use std::process::{Command, Output, Stdio};

use diesel::prelude::*;
use guildhall::db::schema::deliveries;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;

async fn membership(member: &Member, handle: &str) -> Value {
    member.get(&format!("/communities/{handle}")).await.ok()["membership"].clone()
}

/// Names of the accepted members of a local community.
async fn member_names(member: &Member, community: &str) -> Vec<String> {
    let page = member
        .get(&format!("/communities/{community}/members"))
        .await
        .ok();
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["member"]["name"].as_str().expect("name").to_owned())
        .collect()
}

/// Whether every queued delivery has been made, refused by its peer, or dropped.
async fn queue_is_empty(app: &TestApp) -> bool {
    app.state
        .db
        .read(guildhall::db::federation::pending_deliveries)
        .await
        .expect("pending deliveries")
        == 0
}

/// Every delivery's `last_error`, oldest first.
async fn delivery_errors(app: &TestApp) -> Vec<Option<String>> {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().expect("connection");
        deliveries::table
            .order(deliveries::id.asc())
            .select(deliveries::last_error)
            .load::<Option<String>>(&mut *conn)
            .expect("deliveries")
    })
    .await
    .expect("query")
}

/// An unsigned Follow claiming to come from `origin`, posted to `app`'s shared inbox.
async fn unsigned_follow(app: &TestApp, origin: &str) -> StatusCode {
    let follow = json!({
        "id": format!("http://{origin}/activities/follow/probe"), "type": "Follow",
        "actor": format!("http://{origin}/u/mallory"), "object": format!("{}/c/planners", app.base)
    });
    reqwest::Client::new()
        .post(format!("{}/inbox", app.base))
        .header("content-type", "application/activity+json")
        .body(follow.to_string())
        .send()
        .await
        .expect("inbox answers")
        .status()
}

fn peer_path(domain: &str) -> String {
    format!("/admin/federation/peers/{domain}")
}

async fn sets_peer(admin: &Member, domain: &str, state: &str) -> Value {
    admin
        .request(
            Method::PUT,
            &peer_path(domain),
            Some(json!({"state": state})),
        )
        .await
        .expect(StatusCode::OK)
}

/// Runs the `guildhall` binary against `app`'s database, as an admin on that host would.
async fn guildhall(app: &TestApp, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_guildhall"));
    command
        .args(args)
        .current_dir(dir.path())
        .env("GUILDHALL_DATABASE__URL", &app.state.config.database.url)
        .env("GUILDHALL_INSTANCE__DOMAIN", domain(app))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    tokio::task::spawn_blocking(move || {
        let out = command.output().expect("guildhall runs");
        drop(dir);
        out
    })
    .await
    .expect("guildhall finishes")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

on_both_backends! {
    async fn a_blocked_peer_cannot_follow_until_it_is_unblocked(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let root = alpha.admin("root").await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let bob = beta.member("bob").await;
        bob.creates_community("gardeners", "public").await;

        let entry = sets_peer(&root, &domain(&beta), "blocked").await;
        assert_eq!(entry["domain"], domain(&beta));
        assert_eq!(entry["state"], "blocked");
        assert_eq!(entry["federates"], false);

        // Beta can still read alpha's public pages: the block is about what alpha accepts and sends.
        let handle = format!("planners@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": format!("!{handle}")})).await.ok();
        assert_eq!(bob.joins(&handle).await, "pending");
        eventually("beta has tried to deliver bob's Follow", || queue_is_empty(&beta)).await;
        assert_eq!(member_names(&ana, "planners").await, ["ana"], "alpha stored nothing");
        assert_eq!(membership(&bob, &handle).await, "pending");

        // Refused with 403 before any signature check; an unblocked origin still gets 401.
        assert_eq!(unsigned_follow(&alpha, &domain(&beta)).await, StatusCode::FORBIDDEN);
        assert_eq!(unsigned_follow(&alpha, "localhost:1").await, StatusCode::UNAUTHORIZED);
        // Alpha does not fetch from beta either.
        ana.post("/resolve", json!({"query": format!("!gardeners@{}", domain(&beta))}))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");

        root.delete(&peer_path(&domain(&beta))).await.expect(StatusCode::NO_CONTENT);
        root.delete(&peer_path(&domain(&beta))).await.error(StatusCode::NOT_FOUND, "not_found");
        bob.post_empty(&format!("/communities/{handle}/leave")).await.ok();
        assert_eq!(bob.joins(&handle).await, "pending");
        eventually("alpha accepts bob once unblocked", || async { membership(&bob, &handle).await == "accepted" }).await;
        assert_eq!(member_names(&ana, "planners").await, ["ana", "bob"]);
    }

    async fn a_peer_that_blocks_another_neither_resolves_nor_sends_to_it(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        ana.creates_community("housing", "public").await;
        let root = beta.admin("root").await;
        let bob = beta.member("bob").await;
        let handle = format!("planners@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": format!("!{handle}")})).await.ok();

        sets_peer(&root, &domain(&alpha), "blocked").await;
        bob.post("/resolve", json!({"query": format!("!housing@{}", domain(&alpha))}))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");

        // A community beta knew before the block: the Follow is queued, then dropped unsent.
        assert_eq!(bob.joins(&handle).await, "pending");
        eventually("beta drops the Follow", || queue_is_empty(&beta)).await;
        let errors = delivery_errors(&beta).await;
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].as_deref().is_some_and(|e| e.contains("federation policy")),
            "the dropped delivery says why: {errors:?}"
        );
        assert_eq!(member_names(&ana, "planners").await, ["ana"], "alpha received nothing");
        assert_eq!(membership(&bob, &handle).await, "pending");
    }

    async fn under_an_allowlist_only_listed_peers_federate(backend: Backend) {
        let beta = TestApp::spawn(backend).await;
        let gamma = TestApp::spawn(backend).await;
        let listed = domain(&gamma);
        let alpha = TestApp::spawn_with(backend, |c| {
            c.federation.policy = guildhall::config::FederationPolicy::Allowlist;
            c.federation.domains = vec![listed];
        })
        .await;
        let root = alpha.admin("root").await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let bob = beta.member("bob").await;
        let gwen = gamma.member("gwen").await;
        let handle = format!("planners@{}", domain(&alpha));
        for member in [&bob, &gwen] {
            member.post("/resolve", json!({"query": format!("!{handle}")})).await.ok();
            assert_eq!(member.joins(&handle).await, "pending");
        }
        eventually("alpha accepts gwen from the listed gamma", || async { membership(&gwen, &handle).await == "accepted" }).await;
        eventually("beta has tried to deliver bob's Follow", || queue_is_empty(&beta)).await;
        assert_eq!(membership(&bob, &handle).await, "pending");
        assert_eq!(member_names(&ana, "planners").await, ["ana", "gwen"]);

        let policy = root.get("/admin/federation/peers").await.ok();
        assert_eq!(policy, json!({"policy": "allowlist", "configured": [domain(&gamma)], "entries": []}));

        let entry = sets_peer(&root, &domain(&beta), "allowed").await;
        assert_eq!(entry["federates"], true);
        bob.post_empty(&format!("/communities/{handle}/leave")).await.ok();
        assert_eq!(bob.joins(&handle).await, "pending");
        eventually("alpha accepts bob once beta is allowed", || async { membership(&bob, &handle).await == "accepted" }).await;
        let policy = root.get("/admin/federation/peers").await.ok();
        assert_eq!(policy["entries"][0]["domain"], domain(&beta));
        assert_eq!(policy["entries"][0]["state"], "allowed");
    }

    async fn only_admins_manage_peers(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let root = alpha.admin("root").await;
        let ana = alpha.member("ana").await;
        let body = Some(json!({"state": "blocked"}));

        ana.get("/admin/federation/peers").await.error(StatusCode::FORBIDDEN, "not_admin");
        ana.request(Method::PUT, &peer_path("evil.example"), body.clone()).await.error(StatusCode::FORBIDDEN, "not_admin");
        ana.delete(&peer_path("evil.example")).await.error(StatusCode::FORBIDDEN, "not_admin");
        alpha.visitor().get("/admin/federation/peers").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(root.get("/admin/federation/peers").await.ok()["entries"], json!([]), "nothing changed");

        root.request(Method::PUT, &peer_path("evil.example%2Finbox"), body.clone()).await.error(StatusCode::BAD_REQUEST, "invalid_domain");
        root.request(Method::PUT, &peer_path(&domain(&alpha)), body.clone()).await.error(StatusCode::BAD_REQUEST, "own_domain");
        root.request(Method::PUT, &peer_path("evil.example"), Some(json!({"state": "muted"}))).await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");

        let entry = sets_peer(&root, "*.Spam.Example", "blocked").await;
        assert_eq!(entry["domain"], "*.spam.example");
        assert!(entry.get("federates").is_none(), "a pattern names no single server: {entry}");
        sets_peer(&root, "Evil.Example", "allowed").await;
        let entry = sets_peer(&root, "evil.example", "blocked").await;
        assert_eq!(entry["state"], "blocked", "setting again changes the state");
        let listed: Vec<(Value, Value)> = root.get("/admin/federation/peers").await.ok()["entries"]
            .as_array().unwrap().iter().map(|e| (e["domain"].clone(), e["state"].clone())).collect();
        assert_eq!(listed, [(json!("*.spam.example"), json!("blocked")), (json!("evil.example"), json!("blocked"))]);
    }

    async fn the_command_line_blocks_and_unblocks_a_running_server(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = domain(&TestApp::spawn(backend).await);
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;

        let out = guildhall(&alpha, &["federation", "block", &beta]).await;
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains(&format!("blocked {beta}")), "{}", text(&out));
        eventually("the running server applies the block", || async {
            unsigned_follow(&alpha, &beta).await == StatusCode::FORBIDDEN
        }).await;

        let out = guildhall(&alpha, &["federation", "allow", "Partner.Example"]).await;
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("allowed partner.example"), "{}", text(&out));
        assert!(text(&out).contains("note: the open policy federates"), "{}", text(&out));

        let out = guildhall(&alpha, &["federation", "list"]).await;
        assert!(out.status.success(), "{}", text(&out));
        let listing = text(&out);
        assert!(listing.contains("policy: open"), "{listing}");
        assert!(listing.contains("configured domains: 0"), "{listing}");
        assert!(listing.contains("entries: 2"), "{listing}");
        assert!(listing.contains(&format!("blocked {beta} since ")), "{listing}");
        assert!(listing.contains("allowed partner.example since "), "{listing}");

        let out = guildhall(&alpha, &["federation", "unblock", &beta]).await;
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains(&format!("removed the entry for {beta}")), "{}", text(&out));
        eventually("the running server lifts the block", || async {
            unsigned_follow(&alpha, &beta).await == StatusCode::UNAUTHORIZED
        }).await;

        let out = guildhall(&alpha, &["federation", "unblock", &beta]).await;
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("error: peer entry not found"), "{}", text(&out));
        let out = guildhall(&alpha, &["federation", "block", "https://evil.example/"]).await;
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("error: \"https://evil.example/\" is not a domain"), "{}", text(&out));
        let out = guildhall(&alpha, &["federation", "block", &domain(&alpha)]).await;
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("own domain"), "{}", text(&out));
        let out = guildhall(&alpha, &["federation", "block"]).await;
        assert_eq!(out.status.code(), Some(2), "clap asks for the domain: {}", text(&out));

        let out = guildhall(&alpha, &["federation", "--help"]).await;
        assert!(out.status.success());
        for word in ["allow", "block", "unblock", "list"] {
            assert!(text(&out).contains(word), "federation --help lacks {word}");
        }
    }
}
