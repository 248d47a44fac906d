//! Instance-wide bans: an administrator suspends someone from the whole instance, and a
//! server's suspension of its own member holds on the servers that carry their content.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;

async fn membership(member: &Member, handle: &str) -> serde_json::Value {
    member.get(&format!("/communities/{handle}")).await.ok()["membership"].clone()
}

fn banned(list: &serde_json::Value) -> Vec<(String, String)> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| {
            let name = b["member"]["name"].as_str().unwrap_or_default();
            let who = match b["member"]["domain"].as_str() {
                Some(domain) => format!("{name}@{domain}"),
                None => name.to_owned(),
            };
            (who, b["reason"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

on_both_backends! {
    async fn a_suspended_member_is_signed_out_and_takes_part_nowhere_until_unbanned(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let root = app.admin("root").await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        ben.joins("planners").await;
        ben.posts_in("planners", "Before").await;

        ana.post("/admin/bans", json!({"member": "ben", "reason": "x"})).await.error(StatusCode::FORBIDDEN, "not_admin");
        root.post("/admin/bans", json!({"member": "root", "reason": "x"})).await.error(StatusCode::FORBIDDEN, "cannot_ban_self");
        root.post("/admin/bans", json!({"member": "nobody", "reason": "x"})).await.error(StatusCode::NOT_FOUND, "not_found");
        root.post("/admin/bans", json!({"member": "ben", "reason": ""})).await.error(StatusCode::BAD_REQUEST, "invalid_input");
        root.post("/admin/bans", json!({"member": "ben", "reason": "x", "expires_at": "2001-01-01T00:00:00Z"}))
            .await.error(StatusCode::BAD_REQUEST, "invalid_input");
        let ban = root.post("/admin/bans", json!({"member": "ben", "reason": "spam across communities"})).await.expect(StatusCode::CREATED);
        assert_eq!(ban["reason"], "spam across communities");

        // Signed out at once, and cannot sign in again.
        ben.post("/communities/planners/posts", json!({"title": "After", "body": "x"})).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let login = app.visitor().post("/auth/login", json!({"login": "ben", "password": "correct horse battery"})).await;
        assert_eq!(login.status, StatusCode::FORBIDDEN, "{:?}", login.body);
        assert_eq!(login.body["error"], "suspended");
        assert!(login.body["message"].as_str().unwrap().contains("spam across communities"));

        let list = root.get("/admin/bans").await.ok();
        assert_eq!(banned(&list), [("ben".to_owned(), "spam across communities".to_owned())]);
        ana.get("/admin/bans").await.error(StatusCode::FORBIDDEN, "not_admin");

        root.delete("/admin/bans/ben").await.expect(StatusCode::NO_CONTENT);
        root.delete("/admin/bans/ben").await.error(StatusCode::NOT_FOUND, "not_found");
        let ben = app.log_in("ben").await;
        ben.posts_in("planners", "After").await;
        assert!(banned(&root.get("/admin/bans").await.ok()).is_empty());
    }

    async fn a_server_suspending_its_own_member_is_heard_where_their_content_lives(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let root = alpha.admin("root").await;
        let beta_root = beta.admin("root").await;
        let ana = alpha.member("ana").await;
        let bob = beta.member("bob").await;
        bob.creates_community("planners", "public").await;
        let handle = format!("planners@{}", domain(&beta));
        ana.post("/resolve", json!({"query": handle})).await.ok();
        ana.joins(&handle).await;
        eventually("the follow is accepted", || async { membership(&ana, &handle).await == "accepted" }).await;

        root.post("/admin/bans", json!({"member": "ana", "reason": "impersonation"})).await.expect(StatusCode::CREATED);
        let ana_there = format!("ana@{}", domain(&alpha));
        eventually("beta records the suspension", || async {
            banned(&beta_root.get("/admin/bans").await.ok()) == [(ana_there.clone(), "impersonation".to_owned())]
        }).await;

        root.delete("/admin/bans/ana").await.expect(StatusCode::NO_CONTENT);
        eventually("beta lifts it too", || async {
            banned(&beta_root.get("/admin/bans").await.ok()).is_empty()
        }).await;
        alpha.deliveries_settled().await;
    }

    async fn a_person_from_another_server_banned_here_is_refused_in_every_community(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let root = alpha.admin("root").await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let thread = ana.posts_in("planners", "Local plans").await;
        let bob = beta.member("bob").await;
        let handle = format!("planners@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": handle})).await.ok();
        bob.joins(&handle).await;
        eventually("the follow is accepted", || async { membership(&bob, &handle).await == "accepted" }).await;
        let copy = eventually_thread(&bob, &handle).await;

        let bob_handle = format!("bob@{}", domain(&beta));
        root.post("/admin/bans", json!({"member": bob_handle, "reason": "off-topic flooding"})).await.expect(StatusCode::CREATED);
        bob.replies(copy, None, "One more advert").await;
        beta.deliveries_settled().await;
        let comments = ana.get(&format!("/posts/{thread}/comments")).await.ok();
        assert!(comments["items"].as_array().unwrap().is_empty(), "the banned person's comment was refused: {comments}");

        root.delete(&format!("/admin/bans/{bob_handle}")).await.expect(StatusCode::NO_CONTENT);
        bob.replies(copy, None, "A fair question").await;
        eventually("the comment arrives once the ban is lifted", || async {
            names(&ana.get(&format!("/posts/{thread}/comments")).await.ok(), "body") == ["A fair question"]
        }).await;
    }
}

/// The id on the member's server of the first thread of a remote community, once it arrives.
async fn eventually_thread(member: &Member, handle: &str) -> i64 {
    let first = || async {
        member
            .get(&format!("/communities/{handle}/posts"))
            .await
            .ok()["items"][0]["id"]
            .as_i64()
    };
    eventually("the thread is backfilled", || async {
        first().await.is_some()
    })
    .await;
    first().await.expect("thread id")
}
