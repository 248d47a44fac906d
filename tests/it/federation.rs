//! What other servers see: actors and objects by content negotiation, WebFinger, NodeInfo
//! and host-meta.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;

const AP: &str = "application/activity+json";

/// Fetches a URL on the instance as a federation peer would.
async fn fetch(app: &TestApp, path: &str, accept: &str) -> (StatusCode, String, String) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", app.base))
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

async fn fetch_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let (status, content_type, body) = fetch(app, path, AP).await;
    assert!(
        content_type.starts_with(AP) || content_type.starts_with("application/"),
        "{path}: {content_type}"
    );
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: {body}")),
    )
}

on_both_backends! {
    async fn members_and_communities_are_actors(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.patch("/me", json!({"display_name": "Ana Lee", "job_title": "Planner", "bio": "Plans **places**"})).await.ok();
        ana.creates_community("planners", "restricted").await;

        let (status, person) = fetch_json(&app, "/u/ana").await;
        assert_eq!(status, StatusCode::OK);
        let id = format!("{}/u/ana", app.base);
        assert_eq!(person["type"], "Person");
        assert_eq!(person["id"], id);
        assert_eq!(person["preferredUsername"], "ana");
        assert_eq!(person["name"], "Ana Lee");
        assert_eq!(person["inbox"], format!("{id}/inbox"));
        assert_eq!(person["endpoints"]["sharedInbox"], format!("{}/inbox", app.base));
        assert_eq!(person["publicKey"]["owner"], id);
        assert_eq!(person["publicKey"]["id"], format!("{id}#main-key"));
        let pem = person["publicKey"]["publicKeyPem"].as_str().unwrap().to_owned();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
        assert!(person["summary"].as_str().unwrap().contains("<strong>places</strong>"));
        assert_eq!(person["attachment"][0], json!({"type": "PropertyValue", "name": "Job title", "value": "Planner"}));
        assert!(!person.to_string().contains("PRIVATE KEY"), "the private key never leaves");
        // The key is made once and kept.
        assert_eq!(fetch_json(&app, "/u/ana").await.1["publicKey"]["publicKeyPem"], pem);

        // The same URL is a page for browsers.
        let (status, content_type, html) = fetch(&app, "/u/ana", "text/html").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/html"), "{content_type}");
        assert!(html.contains("Ana Lee"));

        // JSON-LD with the ActivityStreams profile asks for JSON too.
        let (_, content_type, _) = fetch(&app, "/c/planners", "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"").await;
        assert!(content_type.starts_with(AP), "{content_type}");
        let (status, group) = fetch_json(&app, "/c/planners").await;
        assert_eq!(status, StatusCode::OK);
        let gid = format!("{}/c/planners", app.base);
        assert_eq!(group["type"], "Group");
        assert_eq!(group["id"], gid);
        assert_eq!(group["name"], "planners network");
        assert_eq!(group["manuallyApprovesFollowers"], true, "restricted communities approve followers");
        assert_eq!(group["postingRestrictedToMods"], false);
        for (field, part) in [("inbox", "inbox"), ("outbox", "outbox"), ("followers", "followers"), ("featured", "featured"), ("attributedTo", "moderators")] {
            assert_eq!(group[field], format!("{gid}/{part}"), "{field}");
        }
        assert!(group["publicKey"]["publicKeyPem"].as_str().unwrap().starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_ne!(group["publicKey"]["publicKeyPem"].as_str().unwrap(), pem, "each actor has its own key");

        let (_, moderators) = fetch_json(&app, "/c/planners/moderators").await;
        assert_eq!(moderators["orderedItems"], json!([id]));
        let (_, followers) = fetch_json(&app, "/c/planners/followers").await;
        assert_eq!(followers["totalItems"], 1);

        assert_eq!(fetch(&app, "/u/nobody", AP).await.0, StatusCode::NOT_FOUND);
        assert_eq!(fetch(&app, "/c/nothing", AP).await.0, StatusCode::NOT_FOUND);
    }

    async fn threads_and_comments_are_objects(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        let post = ana.post("/communities/planners/posts", json!({"title": "Local plan", "body": "Have *your* say", "url": "https://example.org/plan"}))
            .await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let first = ben.replies(post, None, "A question").await;
        let reply = ana.replies(post, Some(first), "An answer").await;
        ana.post(&format!("/posts/{post}/pin"), json!({"on": true})).await.ok();

        let post_id = format!("{}/post/{post}", app.base);
        let (status, page) = fetch_json(&app, &format!("/post/{post}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["type"], "Page");
        assert_eq!(page["id"], post_id);
        assert_eq!(page["name"], "Local plan");
        assert_eq!(page["attributedTo"], format!("{}/u/ana", app.base));
        assert_eq!(page["audience"], format!("{}/c/planners", app.base));
        assert_eq!(page["to"], json!([format!("{}/c/planners", app.base), "https://www.w3.org/ns/activitystreams#Public"]));
        assert!(page["content"].as_str().unwrap().contains("<em>your</em>"));
        assert_eq!(page["source"]["content"], "Have *your* say");
        assert_eq!(page["attachment"][0]["href"], "https://example.org/plan");

        let (_, note) = fetch_json(&app, &format!("/comment/{reply}")).await;
        assert_eq!(note["type"], "Note");
        assert_eq!(note["inReplyTo"], format!("{}/comment/{first}", app.base));
        assert_eq!(note["context"], post_id);
        assert_eq!(note["attributedTo"], format!("{}/u/ana", app.base));
        let (_, top) = fetch_json(&app, &format!("/comment/{first}")).await;
        assert_eq!(top["inReplyTo"], post_id);

        let (_, featured) = fetch_json(&app, "/c/planners/featured").await;
        assert_eq!(featured["orderedItems"][0]["id"], post_id);

        // Deleted things answer 410 with a Tombstone.
        ben.delete(&format!("/comments/{first}")).await.expect(StatusCode::NO_CONTENT);
        let (status, tombstone) = fetch_json(&app, &format!("/comment/{first}")).await;
        assert_eq!((status, tombstone["type"].as_str()), (StatusCode::GONE, Some("Tombstone")));
        ana.delete(&format!("/posts/{post}")).await.expect(StatusCode::NO_CONTENT);
        let (status, tombstone) = fetch_json(&app, &format!("/post/{post}")).await;
        assert_eq!(status, StatusCode::GONE);
        assert_eq!(tombstone["id"], post_id);
        assert_eq!(tombstone["formerType"], "Page");
    }

    async fn private_content_is_never_served_to_outsiders(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("cabinet", "private").await;
        let post = ana.posts_in("cabinet", "Budget options").await;
        let comment = ana.replies(post, None, "first thoughts").await;
        ana.post(&format!("/posts/{post}/pin"), json!({"on": true})).await.ok();
        for path in [format!("/post/{post}"), format!("/comment/{comment}"), "/c/cabinet/featured".to_owned()] {
            for accept in [AP, "text/html"] {
                let (status, _, body) = fetch(&app, &path, accept).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{path} as {accept}");
                assert!(!body.contains("Budget") && !body.contains("first thoughts"), "{path} leaked: {body}");
            }
        }
        // The group itself is visible, so people can ask to join it.
        let (status, group) = fetch_json(&app, "/c/cabinet").await;
        assert_eq!((status, group["discoverable"].as_bool()), (StatusCode::OK, Some(false)));
    }

    async fn webfinger_nodeinfo_and_host_meta_describe_the_instance(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("planners", "public").await;
        ana.posts_in("planners", "One").await;
        let domain = app.base.trim_start_matches("http://").to_owned();

        for (name, kind, path) in [("ana", "Person", "/u/ana"), ("planners", "Group", "/c/planners")] {
            let (status, content_type, body) = fetch(&app, &format!("/.well-known/webfinger?resource=acct:{name}@{domain}"), "*/*").await;
            assert_eq!(status, StatusCode::OK);
            assert!(content_type.starts_with("application/jrd+json"), "{content_type}");
            let jrd: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(jrd["subject"], format!("acct:{name}@{domain}"));
            let this = jrd["links"].as_array().unwrap().iter().find(|l| l["rel"] == "self").unwrap();
            assert_eq!(this["type"], AP);
            assert_eq!(this["href"], format!("{}{path}", app.base));
            assert_eq!(this["properties"]["https://www.w3.org/ns/activitystreams#type"], kind);
        }
        let by_url = fetch(&app, &format!("/.well-known/webfinger?resource={}/u/ana", app.base), "*/*").await;
        assert_eq!(by_url.0, StatusCode::OK);
        for (query, status) in [
            (format!("resource=acct:nobody@{domain}"), StatusCode::NOT_FOUND),
            ("resource=acct:ana@elsewhere.example".to_owned(), StatusCode::NOT_FOUND),
            ("resource=acct:no-at-sign".to_owned(), StatusCode::BAD_REQUEST),
            (String::new(), StatusCode::BAD_REQUEST),
        ] {
            assert_eq!(fetch(&app, &format!("/.well-known/webfinger?{query}"), "*/*").await.0, status, "{query}");
        }

        let (_, links) = fetch_json(&app, "/.well-known/nodeinfo").await;
        let href = links["links"][0]["href"].as_str().unwrap();
        assert_eq!(href, format!("{}/nodeinfo/2.1", app.base));
        let (status, info) = fetch_json(&app, "/nodeinfo/2.1").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(info["version"], "2.1");
        assert_eq!(info["software"]["name"], "guildhall");
        assert_eq!(info["protocols"], json!(["activitypub"]));
        assert_eq!(info["usage"]["users"]["total"], 1);
        assert_eq!(info["usage"]["localPosts"], 1);
        assert_eq!(info["openRegistrations"], true);

        let (status, content_type, xml) = fetch(&app, "/.well-known/host-meta", "*/*").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("application/xrd+xml"));
        assert!(xml.contains(&format!("{}/.well-known/webfinger?resource={{uri}}", app.base)), "{xml}");

        // The instance actor signs fetches on the instance's behalf.
        let (status, actor) = fetch_json(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(actor["type"], "Application");
        assert_eq!(actor["id"], format!("{}/", app.base));
        assert!(actor["publicKey"]["publicKeyPem"].as_str().unwrap().starts_with("-----BEGIN PUBLIC KEY-----"));
        let (status, content_type, _) = fetch(&app, "/", "text/html").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/html"));
    }
}
