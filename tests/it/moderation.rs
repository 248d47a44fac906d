//! Facilitators' tools: removal with a reason, bans, reports and the moderation log.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;

on_both_backends! {
    async fn removal_hides_content_from_members_and_is_logged(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        let post = ben.posts_in("planners", "Spam offer").await;
        let keep = ben.posts_in("planners", "Genuine question").await;
        let comment = ben.replies(keep, None, "rude remark").await;

        ben.post(&format!("/posts/{post}/remove"), json!({"on": true})).await.error(StatusCode::FORBIDDEN, "not_moderator");
        ana.post(&format!("/posts/{post}/remove"), json!({"on": true, "reason": "advertising"})).await.ok();
        ana.post(&format!("/comments/{comment}/remove"), json!({"on": true, "reason": "be kind"})).await.ok();

        // Members and visitors no longer see it; facilitators still do.
        assert_eq!(names(&ben.get("/communities/planners/posts").await.ok(), "title"), ["Genuine question"]);
        ben.get(&format!("/posts/{post}")).await.error(StatusCode::GONE, "gone");
        ben.patch(&format!("/posts/{post}"), json!({"title": "edited"})).await.error(StatusCode::GONE, "gone");
        assert_eq!(ana.get(&format!("/posts/{post}")).await.ok()["removed"], true);
        assert_eq!(names(&ana.get("/communities/planners/posts").await.ok(), "title").len(), 2);
        let comments = ben.get(&format!("/posts/{keep}/comments")).await.ok();
        assert_eq!((comments["items"][0]["removed"].as_bool(), comments["items"][0]["body"].as_str()), (Some(true), Some("")));
        assert_eq!(ana.get(&format!("/posts/{keep}/comments")).await.ok()["items"][0]["body"], "rude remark");
        ben.post(&format!("/comments/{comment}/vote"), json!({"score": 1})).await.error(StatusCode::GONE, "gone");

        let log = app.visitor().get("/communities/planners/modlog").await.ok();
        let entries: Vec<(String, String, String, String)> = log["items"].as_array().unwrap().iter().map(|e| (
            e["action"].as_str().unwrap().to_owned(), e["moderator"].as_str().unwrap().to_owned(),
            e["target"].as_str().unwrap_or("").to_owned(), e["reason"].as_str().unwrap_or("").to_owned(),
        )).collect();
        assert_eq!(entries, [
            ("remove_comment".into(), "ana".into(), "ben".into(), "be kind".into()),
            ("remove_post".into(), "ana".into(), "ben".into(), "advertising".into()),
        ]);

        ana.post(&format!("/posts/{post}/remove"), json!({"on": false})).await.ok();
        assert_eq!(ben.get(&format!("/posts/{post}")).await.ok()["removed"], false);
    }

    async fn banned_members_cannot_take_part_until_unbanned(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let cat = app.member("cat").await;
        ana.creates_community("planners", "public").await;
        ben.joins("planners").await;
        let post = ana.posts_in("planners", "Rules").await;

        cat.post("/communities/planners/bans", json!({"member": "ben", "reason": "x"})).await.error(StatusCode::FORBIDDEN, "not_moderator");
        ana.post("/communities/planners/bans", json!({"member": "ben", "reason": "repeated abuse"})).await.expect(StatusCode::NO_CONTENT);
        ana.post("/communities/planners/bans", json!({"member": "ana", "reason": "x"})).await.error(StatusCode::FORBIDDEN, "cannot_ban_self");
        ana.post("/communities/planners/bans", json!({"member": "ben", "reason": "x", "expires_at": "2001-01-01T00:00:00Z"}))
            .await.error(StatusCode::BAD_REQUEST, "invalid_input");

        ben.post("/communities/planners/posts", json!({"title": "I am back"})).await.error(StatusCode::FORBIDDEN, "banned");
        ben.post(&format!("/posts/{post}/comments"), json!({"body": "hi"})).await.error(StatusCode::FORBIDDEN, "banned");
        ben.post(&format!("/posts/{post}/vote"), json!({"score": -1})).await.error(StatusCode::FORBIDDEN, "banned");
        ben.post_empty("/communities/planners/join").await.error(StatusCode::FORBIDDEN, "banned");
        ben.post(&format!("/posts/{post}/report"), json!({"reason": "unfair"})).await.error(StatusCode::FORBIDDEN, "banned");
        let bans = ana.get("/communities/planners/bans").await.ok();
        assert_eq!(bans["items"][0]["member"]["name"], "ben");
        assert_eq!(bans["items"][0]["reason"], "repeated abuse");
        ben.get("/communities/planners/bans").await.error(StatusCode::FORBIDDEN, "not_moderator");
        assert_eq!(app.visitor().get("/communities/planners").await.ok()["member_count"], 1, "a ban ends membership");

        // Facilitators cannot be banned.
        ana.post("/communities/planners/moderators", json!({"member": "cat"})).await.expect(StatusCode::NO_CONTENT);
        ana.post("/communities/planners/bans", json!({"member": "cat", "reason": "x"})).await.error(StatusCode::FORBIDDEN, "cannot_ban_moderator");

        ana.delete("/communities/planners/bans/ben").await.expect(StatusCode::NO_CONTENT);
        ana.delete("/communities/planners/bans/ben").await.error(StatusCode::NOT_FOUND, "not_found");
        ben.replies(post, None, "sorry").await;
    }

    async fn a_ban_with_an_end_date_expires(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        let post = ana.posts_in("planners", "Rules").await;
        let soon = chrono::Utc::now() + chrono::TimeDelta::seconds(2);
        ana.post("/communities/planners/bans", json!({"member": "ben", "reason": "cool off", "expires_at": soon})).await.expect(StatusCode::NO_CONTENT);
        ben.post(&format!("/posts/{post}/comments"), json!({"body": "hi"})).await.error(StatusCode::FORBIDDEN, "banned");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let reply = ben.post(&format!("/posts/{post}/comments"), json!({"body": "hi"})).await;
            if reply.status == StatusCode::CREATED {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the ban never expired: {:?}", reply);
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }

    async fn reports_reach_the_facilitators(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let cat = app.member("cat").await;
        ana.creates_community("planners", "public").await;
        let post = ben.posts_in("planners", "Dubious claim").await;
        let comment = ben.replies(post, None, "insult").await;

        let report = cat.post(&format!("/posts/{post}/report"), json!({"reason": "misleading"})).await.expect(StatusCode::CREATED);
        cat.post(&format!("/comments/{comment}/report"), json!({"reason": "abusive"})).await.expect(StatusCode::CREATED);
        cat.post(&format!("/posts/{post}/report"), json!({"reason": ""})).await.error(StatusCode::BAD_REQUEST, "invalid_input");
        app.visitor().post(&format!("/posts/{post}/report"), json!({"reason": "x"})).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");

        cat.get("/communities/planners/reports").await.error(StatusCode::FORBIDDEN, "not_moderator");
        let open = ana.get("/communities/planners/reports").await.ok();
        let reasons: Vec<(&str, Option<i64>, Option<i64>)> = open["items"].as_array().unwrap().iter()
            .map(|r| (r["reason"].as_str().unwrap(), r["post_id"].as_i64(), r["comment_id"].as_i64())).collect();
        assert_eq!(reasons, [("misleading", Some(post), None), ("abusive", None, Some(comment))]);

        let id = report["id"].as_i64().unwrap();
        cat.post_empty(&format!("/reports/{id}/resolve")).await.error(StatusCode::FORBIDDEN, "not_moderator");
        assert_eq!(ana.post_empty(&format!("/reports/{id}/resolve")).await.ok()["resolved"], true);
        ana.post_empty(&format!("/reports/{id}/resolve")).await.error(StatusCode::CONFLICT, "already_resolved");
        assert_eq!(ana.get("/communities/planners/reports").await.ok()["items"].as_array().unwrap().len(), 1);
        assert_eq!(names(&ana.get("/communities/planners/reports?resolved=true").await.ok(), "reason"), ["misleading"]);
    }
}
