//! Bad input gets a clear 4xx JSON error, never a 500, and changes nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;

on_both_backends! {
    async fn malformed_requests_are_refused_and_change_nothing(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.http.body_limit_bytes = 4096).await;
        let ana = app.member("ana").await;
        ana.creates_community("planners", "public").await;
        let raw = |body: &'static str, content_type: &'static str| {
            let ana = ana.clone();
            async move {
                let response = ana.client.post(format!("{}/api/v1/communities", ana.base))
                    .bearer_auth(ana.token.as_deref().unwrap())
                    .header("content-type", content_type)
                    .body(body)
                    .send().await.unwrap();
                let status = response.status();
                let body: serde_json::Value = response.json().await.expect("errors are JSON");
                (status, body["error"].as_str().unwrap_or_default().to_owned())
            }
        };
        assert_eq!(raw("{\"name\": ", "application/json").await, (StatusCode::BAD_REQUEST, "invalid_json".into()));
        assert_eq!(raw("name=x", "application/x-www-form-urlencoded").await, (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type".into()));
        assert_eq!(raw("[1,2]", "application/json").await, (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input".into()));

        ana.post("/communities", json!({"name": "x1", "visibility": "secret"})).await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        ana.post("/communities", json!({"name": "x2", "colour": "red"})).await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        ana.post("/communities", json!({"name": 7})).await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        ana.post("/communities", json!({"name": "a".repeat(31)})).await.error(StatusCode::BAD_REQUEST, "invalid_name");
        ana.post("/communities", json!({"name": "no spaces"})).await.error(StatusCode::BAD_REQUEST, "invalid_name");
        ana.post("/communities", json!({"name": "bad/../name"})).await.error(StatusCode::BAD_REQUEST, "invalid_name");
        ana.post("/communities", json!({"name": "ok_name", "title": "t".repeat(101)})).await.error(StatusCode::BAD_REQUEST, "invalid_input");
        ana.post("/communities", json!({"name": "planners"})).await.error(StatusCode::CONFLICT, "name_taken");
        ana.post("/communities", json!({"name": "huge", "description": "x".repeat(10_000)})).await.error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
        ana.post("/communities/planners/posts", json!({"title": ""})).await.error(StatusCode::BAD_REQUEST, "invalid_input");
        ana.post("/communities/planners/posts", json!({"title": "t".repeat(201)})).await.error(StatusCode::BAD_REQUEST, "invalid_input");

        ana.get("/posts/not-a-number").await.error(StatusCode::BAD_REQUEST, "invalid_path");
        ana.get("/communities/planners/posts?sort=hot").await.error(StatusCode::BAD_REQUEST, "invalid_query");
        ana.get("/communities/planners/posts?cursor=garbage").await.error(StatusCode::BAD_REQUEST, "invalid_cursor");
        ana.get("/communities?limit=1000").await.error(StatusCode::BAD_REQUEST, "invalid_limit");
        ana.get("/communities?limit=0").await.error(StatusCode::BAD_REQUEST, "invalid_limit");
        ana.get("/no/such/endpoint").await.error(StatusCode::NOT_FOUND, "not_found");
        app.visitor().post("/accounts", json!({"name": "zed", "email": "not-an-address", "password": "correct horse battery"}))
            .await.error(StatusCode::BAD_REQUEST, "invalid_email");
        app.visitor().post("/accounts", json!({"name": "zed", "email": "zed@leeds.gov.uk", "password": "short"}))
            .await.error(StatusCode::BAD_REQUEST, "weak_password");

        // Nothing above created anything.
        assert_eq!(names(&app.visitor().get("/communities").await.ok(), "name"), ["planners"]);
        assert_eq!(app.visitor().get("/communities/planners/posts").await.ok()["items"], json!([]));
        app.visitor().get("/members/zed").await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn the_openapi_document_describes_the_api(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let doc = app.visitor().get("/openapi.json").await.ok();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for path in ["/communities", "/communities/{name}/posts", "/posts/{id}/comments", "/auth/login", "/accounts"] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
        }
        assert!(doc["components"]["schemas"].get("ErrorBody").is_some());
        assert!(doc["components"]["securitySchemes"].get("bearer").is_some());
    }

    async fn concurrent_writers_never_see_a_locked_database(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("planners", "public").await;
        let post = ana.posts_in("planners", "Busy thread").await;
        let mut members = Vec::new();
        for n in 0..8 {
            members.push(app.member(&format!("writer{n}")).await);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for member in members {
            tasks.spawn(async move {
                for i in 0..10 {
                    member.post(&format!("/posts/{post}/comments"), json!({"body": format!("reply {i}")})).await.expect(StatusCode::CREATED);
                    member.post(&format!("/posts/{post}/vote"), json!({"score": if i % 2 == 0 { 1 } else { -1 }})).await.ok();
                }
            });
        }
        while let Some(result) = tasks.join_next().await {
            result.expect("writer finished without errors");
        }
        let thread = app.visitor().get(&format!("/posts/{post}")).await.ok();
        assert_eq!(thread["comment_count"], 80);
        assert_eq!(thread["downvotes"], 8, "each writer's last vote was -1");
    }

    async fn sign_in_and_sign_up_are_rate_limited_per_address(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.limits.login_per_minute = 3;
            c.limits.signup_per_hour = 2;
        }).await;
        let visitor = app.visitor();
        let signup = |n: &str| json!({"name": n, "email": format!("{n}@leeds.gov.uk"), "password": "correct horse battery"});
        visitor.post("/accounts", signup("ana")).await.expect(StatusCode::CREATED);
        visitor.post("/accounts", signup("ben")).await.expect(StatusCode::CREATED);
        visitor.post("/accounts", signup("cat")).await.error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        visitor.get("/members/cat").await.error(StatusCode::NOT_FOUND, "not_found");

        for _ in 0..3 {
            visitor.post("/auth/login", json!({"login": "ana", "password": "guess guess guess"}))
                .await.error(StatusCode::UNAUTHORIZED, "invalid_credentials");
        }
        // Even the right password is refused until the window passes.
        visitor.post("/auth/login", json!({"login": "ana", "password": "correct horse battery"}))
            .await.error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");

        // X-Forwarded-For is ignored unless configured: it cannot dodge the limit.
        let dodge = visitor.client.post(format!("{}/api/v1/auth/login", app.base))
            .header("x-forwarded-for", "203.0.113.9")
            .json(&json!({"login": "ana", "password": "correct horse battery"}))
            .send().await.unwrap();
        assert_eq!(dodge.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(dodge.headers().contains_key("retry-after"));
    }

    async fn behind_a_proxy_each_forwarded_address_has_its_own_allowance(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.limits.login_per_minute = 1;
            c.http.trust_forwarded_for = true;
        }).await;
        app.member("ana").await;
        let login = |from: &'static str| {
            let client = app.visitor().client.clone();
            let url = format!("{}/api/v1/auth/login", app.base);
            async move {
                client.post(url).header("x-forwarded-for", from)
                    .json(&json!({"login": "ana", "password": "correct horse battery"}))
                    .send().await.unwrap().status()
            }
        };
        assert_eq!(login("198.51.100.1").await, StatusCode::OK);
        assert_eq!(login("198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
        // The proxy appends the address it saw; an earlier entry is the client's own claim.
        assert_eq!(login("198.51.100.1, 198.51.100.2").await, StatusCode::OK);
        assert_eq!(login("198.51.100.2, 198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
    }
}
