//! Sign-up modes, e-mail domains, sign-in, sessions, tokens, approval, invites, profiles,
//! first-run set-up, and a member's data export and account deletion.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;
use guildhall::config::SignupMode;

fn signup(name: &str, email: &str) -> serde_json::Value {
    json!({"name": name, "email": email, "password": "correct horse battery"})
}

/// A member asks to delete their account, confirming with `password`.
async fn deletes_account(member: &Member, password: &str) -> Reply {
    member
        .request(Method::DELETE, "/me", Some(json!({"password": password})))
        .await
}

on_both_backends! {
    async fn open_signup_then_sign_in_and_out(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let body = app.visitor().post("/accounts", signup("Ana_Lee", "ana@leeds.gov.uk")).await.expect(StatusCode::CREATED);
        assert_eq!(body["member"]["name"], "ana_lee", "names are folded to lower case");
        assert_eq!(body["approved"], true);

        let ana = app.log_in("ana_lee").await;
        let me = ana.get("/me").await.ok();
        assert_eq!(me["name"], "ana_lee");
        assert_eq!(me["role"], "member");

        // The e-mail address signs in too, in any case.
        app.visitor().post("/auth/login", json!({"login": "Ana@Leeds.gov.uk", "password": "correct horse battery"})).await.ok();

        ana.post_empty("/auth/logout").await.expect(StatusCode::NO_CONTENT);
        ana.get("/me").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn wrong_password_and_unknown_name_look_the_same(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.member("ana").await;
        let visitor = app.visitor();
        let wrong = visitor.post("/auth/login", json!({"login": "ana", "password": "not the password"})).await;
        let unknown = visitor.post("/auth/login", json!({"login": "nobody", "password": "not the password"})).await;
        assert_eq!(wrong.body, unknown.body);
        wrong.error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    }

    async fn approval_mode_waits_for_an_admin(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.registration.mode = SignupMode::Approval).await;
        let admin = app.admin("root_admin").await;
        let body = app.visitor()
            .post("/accounts", json!({"name": "ben", "email": "ben@york.gov.uk", "password": "correct horse battery", "application": "Housing adviser"}))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(body["approved"], false);
        app.visitor().post("/auth/login", json!({"login": "ben", "password": "correct horse battery"}))
            .await
            .error(StatusCode::FORBIDDEN, "awaiting_approval");

        let pending = admin.get("/admin/accounts/pending").await.ok();
        assert_eq!(names(&pending, "name"), ["ben"]);
        assert_eq!(pending["items"][0]["application"], "Housing adviser");

        // Only admins approve.
        let carol = {
            app.visitor().post("/accounts", signup("carol", "carol@york.gov.uk")).await.expect(StatusCode::CREATED);
            guildhall::services::accounts::approve_account(&app.state, None, "carol").await.unwrap();
            app.log_in("carol").await
        };
        carol.post_empty("/admin/accounts/ben/approve").await.error(StatusCode::FORBIDDEN, "not_admin");
        carol.get("/admin/accounts/pending").await.error(StatusCode::FORBIDDEN, "not_admin");

        admin.post_empty("/admin/accounts/ben/approve").await.expect(StatusCode::NO_CONTENT);
        admin.post_empty("/admin/accounts/ben/approve").await.error(StatusCode::CONFLICT, "already_approved");
        app.log_in("ben").await.get("/me").await.ok();
        assert_eq!(names(&admin.get("/admin/accounts/pending").await.ok(), "name"), Vec::<String>::new());

        // An admin's invite skips the wait.
        let code = admin.post_empty("/invites").await.expect(StatusCode::CREATED)["code"].as_str().unwrap().to_owned();
        let invited = app.visitor()
            .post("/accounts", json!({"name": "dee", "email": "dee@york.gov.uk", "password": "correct horse battery", "invite_code": code}))
            .await.expect(StatusCode::CREATED);
        assert_eq!(invited["approved"], true);
    }

    async fn rejecting_an_application_frees_the_name(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.registration.mode = SignupMode::Approval).await;
        let admin = app.admin("root_admin").await;
        app.visitor().post("/accounts", signup("dan", "dan@hull.gov.uk")).await.expect(StatusCode::CREATED);
        admin.post_empty("/admin/accounts/dan/reject").await.expect(StatusCode::NO_CONTENT);
        admin.post_empty("/admin/accounts/dan/reject").await.error(StatusCode::NOT_FOUND, "not_found");
        app.visitor().post("/accounts", signup("dan", "dan@hull.gov.uk")).await.expect(StatusCode::CREATED);
    }

    async fn invite_mode_needs_a_fresh_code(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.registration.mode = SignupMode::Invite).await;
        let admin = app.admin("root_admin").await;
        let visitor = app.visitor();
        visitor.post("/accounts", signup("eve", "eve@bath.gov.uk")).await.error(StatusCode::BAD_REQUEST, "invite_required");
        let code = admin.post_empty("/invites").await.expect(StatusCode::CREATED)["code"].as_str().unwrap().to_owned();
        let mut with_code = signup("eve", "eve@bath.gov.uk");
        with_code["invite_code"] = json!(code);
        visitor.post("/accounts", with_code).await.expect(StatusCode::CREATED);

        // A used code fails, and the failed sign-up leaves nothing behind.
        let mut reuse = signup("fay", "fay@bath.gov.uk");
        reuse["invite_code"] = json!(code);
        visitor.post("/accounts", reuse).await.error(StatusCode::BAD_REQUEST, "invalid_invite");
        visitor.get("/members/fay").await.error(StatusCode::NOT_FOUND, "not_found");
        let mut bogus = signup("fay", "fay@bath.gov.uk");
        bogus["invite_code"] = json!("made-up");
        visitor.post("/accounts", bogus).await.error(StatusCode::BAD_REQUEST, "invalid_invite");

        // In invite mode members may invite too.
        let eve = app.log_in("eve").await;
        eve.post_empty("/invites").await.expect(StatusCode::CREATED);
    }

    async fn closed_mode_refuses_and_members_cannot_invite_elsewhere(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.registration.mode = SignupMode::Closed).await;
        app.visitor().post("/accounts", signup("gus", "gus@bath.gov.uk")).await.error(StatusCode::FORBIDDEN, "signup_closed");
        let open = TestApp::spawn(backend).await;
        open.member("hal").await.post_empty("/invites").await.error(StatusCode::FORBIDDEN, "not_admin");
    }

    async fn allowed_email_domains_use_wildcards(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.registration.allowed_email_domains = vec!["*.gov.uk".into(), "nhs.net".into()];
        }).await;
        let visitor = app.visitor();
        visitor.post("/accounts", signup("ivy", "ivy@leeds.gov.uk")).await.expect(StatusCode::CREATED);
        visitor.post("/accounts", signup("jon", "jon@nhs.net")).await.expect(StatusCode::CREATED);
        visitor.post("/accounts", signup("kim", "kim@gmail.com")).await.error(StatusCode::FORBIDDEN, "email_domain_not_allowed");
        visitor.post("/accounts", signup("kim", "kim@gov.uk.example.com")).await.error(StatusCode::FORBIDDEN, "email_domain_not_allowed");
        visitor.get("/members/kim").await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn names_and_addresses_are_unique_across_members_and_communities(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let visitor = app.visitor();
        visitor.post("/accounts", signup("ANA", "other@leeds.gov.uk")).await.error(StatusCode::CONFLICT, "name_taken");
        visitor.post("/accounts", signup("anna", "ANA@LEEDS.gov.uk")).await.error(StatusCode::CONFLICT, "email_taken");
        ana.creates_community("planning", "public").await;
        visitor.post("/accounts", signup("planning", "p@leeds.gov.uk")).await.error(StatusCode::CONFLICT, "name_taken");
        ana.post("/communities", json!({"name": "ana"})).await.error(StatusCode::CONFLICT, "name_taken");
    }

    async fn profiles_are_edited_and_shown(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let me = ana.patch("/me", json!({
            "display_name": "Ana Lee", "job_title": "Housing adviser", "organisation": "Leeds City Council",
            "region": "Yorkshire", "bio": "I work on <script>x</script>**homelessness**"
        })).await.ok();
        assert_eq!(me["job_title"], "Housing adviser");
        let shown = app.visitor().get("/members/ana").await.ok();
        assert_eq!(shown["organisation"], "Leeds City Council");
        let bio = shown["bio_html"].as_str().unwrap();
        assert!(bio.contains("<strong>homelessness</strong>") && !bio.contains("<script"), "{bio}");
        // An empty string clears a field; absent fields stay.
        let me = ana.patch("/me", json!({"region": ""})).await.ok();
        assert_eq!(me["region"], serde_json::Value::Null);
        assert_eq!(me["job_title"], "Housing adviser");
        ana.patch("/me", json!({"display_name": "x".repeat(101)})).await.error(StatusCode::BAD_REQUEST, "invalid_input");
    }

    async fn password_change_ends_sessions(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.post("/me/password", json!({"current_password": "wrong wrong wrong", "new_password": "a new long password"}))
            .await.error(StatusCode::BAD_REQUEST, "wrong_password");
        ana.post("/me/password", json!({"current_password": "correct horse battery", "new_password": "short"}))
            .await.error(StatusCode::BAD_REQUEST, "weak_password");
        ana.post("/me/password", json!({"current_password": "correct horse battery", "new_password": "a new long password"}))
            .await.expect(StatusCode::NO_CONTENT);
        ana.get("/me").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.visitor().post("/auth/login", json!({"login": "ana", "password": "a new long password"})).await.ok();
    }

    async fn api_tokens_and_session_cookies_authenticate(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let token = ana.post("/auth/tokens", json!({"label": "reporting script"})).await.expect(StatusCode::CREATED)["token"]
            .as_str().unwrap().to_owned();
        let script = Member { token: Some(token), ..app.visitor() };
        assert_eq!(script.get("/me").await.ok()["name"], "ana");
        let bogus = Member { token: Some("nope".into()), ..app.visitor() };
        bogus.get("/me").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");

        // A browser keeps the HttpOnly session cookie.
        let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let login = browser.post(format!("{}/api/v1/auth/login", app.base))
            .json(&json!({"login": "ana", "password": "correct horse battery"})).send().await.unwrap();
        let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let me: serde_json::Value = browser.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["name"], "ana");
        // Another site cannot use it to change things.
        let forged = browser.post(format!("{}/api/v1/communities", app.base))
            .header("origin", "https://evil.example")
            .json(&json!({"name": "forged"})).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let ours = browser.post(format!("{}/api/v1/communities", app.base))
            .header("origin", app.base.clone())
            .json(&json!({"name": "genuine"})).send().await.unwrap();
        assert_eq!(ours.status(), StatusCode::CREATED);
        app.visitor().get("/communities/forged").await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn first_run_link_creates_the_admin_once(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let link = guildhall::services::setup::setup_link(&app.state).await.unwrap().expect("a link while no admin exists");
        assert!(link.starts_with(&format!("{}/setup?token=", app.base)), "{link}");
        let token = link.split("token=").nth(1).unwrap();

        // The page behind the link is served.
        let page = reqwest::get(&link).await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("Create the administrator"));

        let visitor = app.visitor();
        visitor.post("/setup", json!({"token": "wrong", "name": "boss", "email": "boss@leeds.gov.uk", "password": "correct horse battery"}))
            .await.error(StatusCode::FORBIDDEN, "invalid_setup_token");
        visitor.post("/setup", json!({"token": token, "name": "boss", "email": "boss@leeds.gov.uk", "password": "correct horse battery"}))
            .await.expect(StatusCode::NO_CONTENT);
        assert_eq!(app.log_in("boss").await.get("/me").await.ok()["role"], "admin");
        visitor.post("/setup", json!({"token": token, "name": "boss2", "email": "boss2@leeds.gov.uk", "password": "correct horse battery"}))
            .await.error(StatusCode::FORBIDDEN, "invalid_setup_token");
        assert!(guildhall::services::setup::setup_link(&app.state).await.unwrap().is_none());
    }

    async fn members_export_everything_held_about_them(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.patch("/me", json!({"job_title": "Housing adviser"})).await.ok();
        ben.creates_community("planners", "public").await;
        ana.joins("planners").await;
        let bens_thread = ben.posts_in("planners", "Local plan").await;
        let bens_comment = ben.replies(bens_thread, None, "Ben's thoughts").await;
        let anas_thread = ana.posts_in("planners", "Ward surgeries").await;
        let anas_comment = ana.replies(bens_thread, Some(bens_comment), "Ana's reply").await;
        let withdrawn = ana.replies(anas_thread, None, "Said in haste").await;
        ana.delete(&format!("/comments/{withdrawn}")).await.expect(StatusCode::NO_CONTENT);
        ana.post(&format!("/posts/{bens_thread}/vote"), json!({"score": 1})).await.ok();
        ana.post(&format!("/comments/{bens_comment}/vote"), json!({"score": -1})).await.ok();

        let export = ana.get("/me/export").await.ok();
        assert_eq!(export["profile"]["name"], "ana");
        assert_eq!(export["profile"]["job_title"], "Housing adviser");
        assert_eq!(export["account"]["email"], "ana@leeds.gov.uk");
        assert_eq!(export["account"]["role"], "member");
        assert_eq!(export["account"]["approved"], true);
        assert_eq!(export["memberships"].as_array().unwrap().len(), 1);
        assert_eq!(export["memberships"][0]["community"], "planners");
        assert_eq!(export["memberships"][0]["state"], "accepted");
        assert_eq!(export["facilitates"], json!([]));
        let threads = export["threads"].as_array().unwrap();
        assert_eq!(threads.len(), 1, "only ana's own threads: {threads:?}");
        assert_eq!(threads[0]["id"], anas_thread);
        assert_eq!(threads[0]["community"], "planners");
        assert_eq!(threads[0]["title"], "Ward surgeries");
        let comments = export["comments"].as_array().unwrap();
        let ids: Vec<i64> = comments.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [anas_comment, withdrawn], "her comments, the deleted one too, and not ben's");
        assert_eq!(comments[0]["parent_id"], bens_comment);
        assert_eq!((&comments[0]["deleted"], &comments[1]["deleted"]), (&json!(false), &json!(true)));
        assert_eq!(export["votes"]["threads"], json!([{"id": bens_thread, "score": 1}]));
        assert_eq!(export["votes"]["comments"], json!([{"id": bens_comment, "score": -1}]));
        let text = export.to_string();
        assert!(!text.contains("argon2") && !text.contains("ben@leeds.gov.uk"), "{text}");

        // Ben's export holds his own things, and none of ana's.
        let bens = ben.get("/me/export").await.ok();
        assert_eq!(bens["facilitates"], json!(["planners"]));
        assert_eq!(names(&json!({"items": bens["threads"]}), "id"), [bens_thread.to_string()]);
        assert_eq!(names(&json!({"items": bens["comments"]}), "id"), [bens_comment.to_string()]);
        assert_eq!(bens["votes"]["threads"], json!([]));

        app.visitor().get("/me/export").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn deleting_an_account_erases_it_and_keeps_the_name_reserved(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.patch("/me", json!({"display_name": "Ana Lee", "bio": "Housing"})).await.ok();
        let script = Member {
            token: Some(ana.post("/auth/tokens", json!({"label": "script"})).await.expect(StatusCode::CREATED)["token"].as_str().unwrap().to_owned()),
            ..app.visitor()
        };
        ben.creates_community("planners", "public").await;
        ana.joins("planners").await;
        let thread = ana.posts_in("planners", "Ward surgeries").await;
        let bens_thread = ben.posts_in("planners", "Local plan").await;
        let comment = ana.replies(bens_thread, None, "Ana's reply").await;

        // A wrong password changes nothing.
        deletes_account(&ana, "not the password").await.error(StatusCode::BAD_REQUEST, "wrong_password");
        assert_eq!(ana.get("/me").await.ok()["display_name"], "Ana Lee");
        app.visitor().get(&format!("/posts/{thread}")).await.ok();
        assert_eq!(app.visitor().get("/communities/planners").await.ok()["member_count"], 2);

        deletes_account(&ana, "correct horse battery").await.expect(StatusCode::NO_CONTENT);
        ana.get("/me").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        script.get("/me").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.visitor().post("/auth/login", json!({"login": "ana", "password": "correct horse battery"}))
            .await.error(StatusCode::UNAUTHORIZED, "invalid_credentials");
        let visitor = app.visitor();
        visitor.get("/members/ana").await.error(StatusCode::GONE, "gone");
        visitor.get(&format!("/posts/{thread}")).await.error(StatusCode::GONE, "gone");
        // Comments keep their place in the conversation, emptied.
        let shown = visitor.get(&format!("/comments/{comment}")).await.ok();
        assert_eq!((&shown["deleted"], &shown["body"]), (&json!(true), &json!("")));
        assert_eq!(visitor.get("/communities/planners").await.ok()["member_count"], 1);
        let members = visitor.get("/communities/planners/members").await.ok();
        let listed: Vec<&str> = members["items"].as_array().unwrap().iter().map(|i| i["member"]["name"].as_str().unwrap()).collect();
        assert_eq!(listed, ["ben"]);

        // Nobody can take the name; the e-mail address is free for a new account.
        visitor.post("/accounts", signup("ana", "someone@leeds.gov.uk")).await.error(StatusCode::CONFLICT, "name_taken");
        visitor.post("/accounts", signup("ana_lee", "ana@leeds.gov.uk")).await.expect(StatusCode::CREATED);
    }
    async fn the_only_facilitator_hands_over_before_deleting(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        // Ana alone in one community, and the only facilitator of another with ben in it.
        ana.creates_community("ana_notes", "private").await;
        ana.creates_community("planners", "public").await;
        ben.joins("planners").await;
        let thread = ana.posts_in("planners", "Ward surgeries").await;

        deletes_account(&ana, "correct horse battery").await.error(StatusCode::CONFLICT, "last_moderator");
        // Nothing changed, not even in the community that came first.
        ana.get("/me").await.ok();
        for name in ["ana_notes", "planners"] {
            let community = ana.get(&format!("/communities/{name}")).await.ok();
            assert_eq!(community["moderators"], json!(["ana"]), "{name}");
            assert_eq!(community["membership"], "accepted", "{name}");
            assert_eq!(ana.get(&format!("/communities/{name}/modlog")).await.ok()["items"], json!([]), "{name}");
        }
        assert_eq!(app.visitor().get("/communities/planners").await.ok()["member_count"], 2);
        app.visitor().get(&format!("/posts/{thread}")).await.ok();

        // Once ben facilitates too, ana may go; her own community is simply left behind.
        ana.post("/communities/planners/moderators", json!({"member": "ben"})).await.expect(StatusCode::NO_CONTENT);
        deletes_account(&ana, "correct horse battery").await.expect(StatusCode::NO_CONTENT);
        let planners = ben.get("/communities/planners").await.ok();
        assert_eq!(planners["moderators"], json!(["ben"]));
        assert_eq!(planners["member_count"], 1);
        let log = ben.get("/communities/planners/modlog").await.ok();
        assert_eq!(log["items"][0]["action"], "remove_moderator");
        assert_eq!(log["items"][0]["target"], "ana");
        let notes = app.admin("root_admin").await.get("/communities/ana_notes").await.ok();
        assert_eq!((&notes["moderators"], &notes["member_count"]), (&json!([]), &json!(0)));
    }
}
