//! Communities: creation, visibility, joining, approval, facilitators and listing.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;
use guildhall::config::CommunityCreation;

on_both_backends! {
    async fn a_member_creates_a_community_and_facilitates_it(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let created = ana.post("/communities", json!({
            "name": "Housing_Advice", "title": "Housing advice", "description": "For *advisers*", "visibility": "restricted"
        })).await.expect(StatusCode::CREATED);
        assert_eq!(created["name"], "housing_advice");
        assert_eq!(created["visibility"], "restricted");
        assert_eq!(created["moderators"], json!(["ana"]));
        assert_eq!(created["membership"], "accepted");
        assert_eq!(created["is_moderator"], true);
        assert_eq!(created["member_count"], 1);
        assert!(created["description_html"].as_str().unwrap().contains("<em>advisers</em>"));

        let seen = app.visitor().get("/communities/housing_advice").await.ok();
        assert_eq!(seen["title"], "Housing advice");
        assert!(seen.get("membership").is_none());
        assert_eq!(seen["is_moderator"], false);
        app.visitor().post("/communities", json!({"name": "anon"})).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.visitor().get("/communities/nothing_here").await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn the_directory_pages_with_a_cursor(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        for name in ["alpha_net", "beta_net", "gamma_net", "delta_net", "epsilon_net"] {
            ana.creates_community(name, "public").await;
        }
        let visitor = app.visitor();
        let first = visitor.get("/communities?limit=2").await.ok();
        assert_eq!(names(&first, "name"), ["alpha_net", "beta_net"]);
        let cursor = first["next_cursor"].as_str().unwrap();
        let second = visitor.get(&format!("/communities?limit=2&cursor={cursor}")).await.ok();
        assert_eq!(names(&second, "name"), ["gamma_net", "delta_net"]);
        let cursor = second["next_cursor"].as_str().unwrap();
        let last = visitor.get(&format!("/communities?limit=2&cursor={cursor}")).await.ok();
        assert_eq!(names(&last, "name"), ["epsilon_net"]);
        assert!(last["next_cursor"].is_null());
    }

    async fn public_communities_accept_members_at_once(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        assert_eq!(ben.joins("planners").await, "accepted");
        assert_eq!(ben.joins("planners").await, "accepted", "joining twice changes nothing");
        let members = app.visitor().get("/communities/planners/members").await.ok();
        let listed: Vec<&str> = members["items"].as_array().unwrap().iter().map(|i| i["member"]["name"].as_str().unwrap()).collect();
        assert_eq!(listed, ["ana", "ben"]);
        ben.post_empty("/communities/planners/leave").await.expect(StatusCode::NO_CONTENT);
        ben.post_empty("/communities/planners/leave").await.error(StatusCode::FORBIDDEN, "not_member");
        assert_eq!(app.visitor().get("/communities/planners").await.ok()["member_count"], 1);
    }

    async fn restricted_communities_need_a_facilitator_to_approve(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let cat = app.member("cat").await;
        ana.creates_community("councillors", "restricted").await;
        let post = ana.posts_in("councillors", "Ward surgeries").await;

        assert_eq!(ben.joins("councillors").await, "pending");
        assert_eq!(cat.joins("councillors").await, "pending");
        // Anyone may read a restricted community, but only approved members take part.
        ben.get(&format!("/posts/{post}")).await.ok();
        ben.post(&format!("/posts/{post}/comments"), json!({"body": "hello"})).await.error(StatusCode::FORBIDDEN, "members_only");
        ben.post(&format!("/posts/{post}/vote"), json!({"score": 1})).await.error(StatusCode::FORBIDDEN, "members_only");
        ben.post("/communities/councillors/posts", json!({"title": "t"})).await.error(StatusCode::FORBIDDEN, "members_only");

        // Only facilitators see and decide requests.
        ben.get("/communities/councillors/members?state=pending").await.error(StatusCode::FORBIDDEN, "not_moderator");
        ben.post_empty("/communities/councillors/members/cat/approve").await.error(StatusCode::FORBIDDEN, "not_moderator");
        let pending = ana.get("/communities/councillors/members?state=pending").await.ok();
        assert_eq!(pending["items"].as_array().unwrap().len(), 2);

        ana.post_empty("/communities/councillors/members/ben/approve").await.expect(StatusCode::NO_CONTENT);
        ana.post_empty("/communities/councillors/members/cat/reject").await.expect(StatusCode::NO_CONTENT);
        ana.post_empty("/communities/councillors/members/cat/reject").await.error(StatusCode::NOT_FOUND, "not_found");
        ben.post(&format!("/posts/{post}/comments"), json!({"body": "hello"})).await.expect(StatusCode::CREATED);
        cat.post(&format!("/posts/{post}/comments"), json!({"body": "hello"})).await.error(StatusCode::FORBIDDEN, "members_only");

        let log = ana.get("/communities/councillors/modlog").await.ok();
        let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["reject_member", "approve_member"]);
    }

    async fn private_communities_hide_their_content_from_non_members(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("cabinet", "private").await;
        let post = ana.posts_in("cabinet", "Budget options").await;
        let comment = ana.replies(post, None, "first thoughts").await;

        // The community is listed so people can ask to join; its content is not shown.
        let listed = app.visitor().get("/communities/cabinet").await.ok();
        assert_eq!(listed["visibility"], "private");
        for who in [&app.visitor(), &ben] {
            who.get("/communities/cabinet/posts").await.error(StatusCode::FORBIDDEN, "members_only");
            who.get(&format!("/posts/{post}")).await.error(StatusCode::FORBIDDEN, "members_only");
            who.get(&format!("/posts/{post}/comments")).await.error(StatusCode::FORBIDDEN, "members_only");
            who.get(&format!("/comments/{comment}")).await.error(StatusCode::FORBIDDEN, "members_only");
            who.get("/communities/cabinet/members").await.error(StatusCode::FORBIDDEN, "members_only");
            who.get("/communities/cabinet/modlog").await.error(StatusCode::FORBIDDEN, "members_only");
        }
        ben.post(&format!("/posts/{post}/report"), json!({"reason": "x"})).await.error(StatusCode::FORBIDDEN, "members_only");

        // A pending request is not enough.
        assert_eq!(ben.joins("cabinet").await, "pending");
        ben.get(&format!("/posts/{post}")).await.error(StatusCode::FORBIDDEN, "members_only");
        ana.post_empty("/communities/cabinet/members/ben/approve").await.expect(StatusCode::NO_CONTENT);
        assert_eq!(ben.get(&format!("/posts/{post}")).await.ok()["title"], "Budget options");
        assert_eq!(names(&ben.get("/communities/cabinet/posts").await.ok(), "title"), ["Budget options"]);
    }

    async fn posting_can_be_restricted_to_facilitators(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.post("/communities", json!({"name": "bulletins", "posting_restricted": true})).await.expect(StatusCode::CREATED);
        ben.joins("bulletins").await;
        ben.post("/communities/bulletins/posts", json!({"title": "mine"})).await.error(StatusCode::FORBIDDEN, "posting_restricted");
        let post = ana.posts_in("bulletins", "Weekly bulletin").await;
        ben.replies(post, None, "thanks").await;

        // Facilitators change settings; members cannot.
        ben.patch("/communities/bulletins", json!({"posting_restricted": false})).await.error(StatusCode::FORBIDDEN, "not_moderator");
        let changed = ana.patch("/communities/bulletins", json!({"posting_restricted": false, "title": "Bulletins"})).await.ok();
        assert_eq!(changed["title"], "Bulletins");
        ben.posts_in("bulletins", "mine").await;
    }

    async fn facilitators_are_added_and_removed_but_never_the_last(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        ben.post("/communities/planners/moderators", json!({"member": "ben"})).await.error(StatusCode::FORBIDDEN, "not_moderator");
        ana.post("/communities/planners/moderators", json!({"member": "ben"})).await.expect(StatusCode::NO_CONTENT);
        ana.post("/communities/planners/moderators", json!({"member": "ben"})).await.error(StatusCode::CONFLICT, "already_moderator");
        ana.post("/communities/planners/moderators", json!({"member": "nobody"})).await.error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(app.visitor().get("/communities/planners").await.ok()["moderators"], json!(["ana", "ben"]));
        // A facilitator who leaves steps down; the last one cannot leave.
        ana.post_empty("/communities/planners/leave").await.expect(StatusCode::NO_CONTENT);
        assert_eq!(app.visitor().get("/communities/planners").await.ok()["moderators"], json!(["ben"]));
        ben.post_empty("/communities/planners/leave").await.error(StatusCode::CONFLICT, "last_moderator");
        ana.joins("planners").await;
        ben.post("/communities/planners/moderators", json!({"member": "ana"})).await.expect(StatusCode::NO_CONTENT);
        ben.delete("/communities/planners/moderators/ana").await.expect(StatusCode::NO_CONTENT);
        ben.delete("/communities/planners/moderators/ben").await.error(StatusCode::CONFLICT, "last_moderator");
        ana.patch("/communities/planners", json!({"title": "x"})).await.error(StatusCode::FORBIDDEN, "not_moderator");
    }

    async fn admins_can_reserve_community_creation(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.instance.community_creation = CommunityCreation::Admins).await;
        let ana = app.member("ana").await;
        ana.post("/communities", json!({"name": "mine"})).await.error(StatusCode::FORBIDDEN, "not_admin");
        let admin = app.admin("boss").await;
        admin.creates_community("official", "public").await;
        // Admins facilitate every community.
        ana.joins("official").await;
        let post = ana.posts_in("official", "A thread").await;
        admin.post(&format!("/posts/{post}/pin"), json!({"on": true})).await.ok();
    }
}
