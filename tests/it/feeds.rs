//! Atom feeds: a public community's newest threads and a member's public threads, for
//! feed readers; nothing from private communities.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestApp;
use crate::on_both_backends;

async fn fetch(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let response = reqwest::get(format!("{}{path}", app.base))
        .await
        .expect("sent");
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, response.text().await.expect("body"))
}

on_both_backends! {
    async fn communities_and_members_have_atom_feeds_of_public_threads(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("planners", "public").await;
        ana.creates_community("cabinet", "private").await;
        ana.posts_in("planners", "Local plan <review> & consultation").await;
        let warned = ana.post("/communities/planners/posts", json!({
            "title": "Flood maps", "body": "Some *detail*.", "content_warning": "Distressing images"
        })).await.expect(StatusCode::CREATED);
        ana.posts_in("cabinet", "Budget secrets").await;

        let (status, kind, xml) = fetch(&app, "/c/planners/feed").await;
        assert_eq!(status, StatusCode::OK);
        assert!(kind.starts_with("application/atom+xml"), "{kind}");
        assert!(xml.starts_with("<?xml"), "{xml}");
        // Escaped, as numeric character references.
        assert!(xml.contains("<title>Local plan &#60;review&#62; &#38; consultation</title>"), "{xml}");
        assert!(xml.contains("Content warning: Distressing images"), "{xml}");
        assert!(xml.contains(&format!("{}/post/{}", app.base, warned["id"])), "{xml}");
        // The body travels as escaped HTML.
        assert!(xml.contains("&#60;em&#62;detail&#60;/em&#62;"), "{xml}");
        assert!(!xml.contains("Budget secrets"));
        // Newest first.
        assert!(xml.find("Flood maps") < xml.find("Local plan"), "{xml}");

        let (status, _, xml) = fetch(&app, "/u/ana/feed").await;
        assert_eq!(status, StatusCode::OK);
        assert!(xml.contains("Flood maps") && xml.contains("Local plan"), "{xml}");
        assert!(!xml.contains("Budget secrets"), "private threads stay out: {xml}");

        // A private community has no feed, and unknown names are not found.
        assert_eq!(fetch(&app, "/c/cabinet/feed").await.0, StatusCode::NOT_FOUND);
        assert_eq!(fetch(&app, "/c/nobody/feed").await.0, StatusCode::NOT_FOUND);
        assert_eq!(fetch(&app, "/u/nobody/feed").await.0, StatusCode::NOT_FOUND);

        // The pages announce their feeds.
        let (_, _, html) = fetch(&app, "/c/planners").await;
        assert!(html.contains(r#"<link rel="alternate" type="application/atom+xml" href="/c/planners/feed""#), "{html}");
        let (_, _, html) = fetch(&app, "/u/ana").await;
        assert!(html.contains(r#"href="/u/ana/feed""#), "{html}");
    }
}
