//! Our members take part in a Lemmy-style community on another server: driven by a
//! Lemmy-shaped server on loopback that accepts follows, announces its community's
//! threads (FEP-1b12) and checks what our instance sends it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;
use crate::peer::Peer;

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

async fn membership(member: &Member, handle: &str) -> Value {
    member.get(&format!("/communities/{handle}")).await.ok()["membership"].clone()
}

/// The first activity of `kind` the peer received whose object satisfies `matches`.
fn find(peer: &Peer, kind: &str, matches: impl Fn(&Value) -> bool) -> Option<Value> {
    peer.received()
        .into_iter()
        .find(|a| a["type"] == kind && matches(&a["object"]))
}

on_both_backends! {
    async fn a_member_takes_part_in_a_lemmy_community(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        let lemmy = Peer::start("lemmy").await;
        let group = lemmy.group("lemmings");
        let handle = format!("lemmings@{}", lemmy.base.trim_start_matches("http://"));
        let ana_url = format!("{}/u/ana", alpha.base);

        // Follow, and the group's Accept.
        ana.post("/resolve", json!({"query": group})).await.ok();
        assert_eq!(ana.joins(&handle).await, "pending");
        eventually("the Follow reaches the group", || async {
            find(&lemmy, "Follow", |o| o == group.as_str()).is_some()
        }).await;
        let follow = find(&lemmy, "Follow", |o| o == group.as_str()).unwrap();
        assert_eq!(follow["actor"], ana_url.as_str());
        let accept = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/accept/1", lemmy.base),
            "type": "Accept",
            "actor": group,
            "object": follow,
        });
        assert_eq!(lemmy.sends_as(&group, &alpha, "/inbox", accept).await, StatusCode::ACCEPTED);
        assert_eq!(membership(&ana, &handle).await, "accepted");

        // A thread ana starts goes to the group as Lemmy reads it.
        ana.posts_in(&handle, "Shared services in the north").await;
        eventually("the thread reaches the group", || async {
            find(&lemmy, "Create", |o| o["type"] == "Page").is_some()
        }).await;
        let create = find(&lemmy, "Create", |o| o["type"] == "Page").unwrap();
        let page = &create["object"];
        assert_eq!(create["actor"], ana_url.as_str());
        assert_eq!(page["attributedTo"], ana_url.as_str());
        assert_eq!(page["name"], "Shared services in the north");
        assert_eq!(page["audience"], group.as_str());
        assert!(page["to"].as_array().unwrap().iter().any(|t| t == group.as_str()));
        assert!(page["to"].as_array().unwrap().iter().any(|t| t == PUBLIC));
        assert_eq!(page["source"]["mediaType"], "text/markdown");

        // The group announces a thread by one of its own people; ana sees it.
        let author = lemmy.person("picard");
        let post = format!("{}/post/1", lemmy.base);
        let announce = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/announce/1", lemmy.base),
            "type": "Announce",
            "actor": group,
            "to": [PUBLIC],
            "cc": [format!("{group}/followers")],
            "object": {
                "id": format!("{}/activities/create/1", lemmy.base),
                "type": "Create",
                "actor": author,
                "to": [group, PUBLIC],
                "object": {
                    "id": post,
                    "type": "Page",
                    "attributedTo": author,
                    "to": [group, PUBLIC],
                    "audience": group,
                    "name": "Waste collection rotas",
                    "content": "<p>How do you plan them?</p>",
                    "mediaType": "text/html",
                    "source": {"content": "How do you plan them?", "mediaType": "text/markdown"},
                    "published": "2026-11-20T09:00:00Z",
                },
                "audience": group,
            },
        });
        assert_eq!(lemmy.sends_as(&group, &alpha, "/inbox", announce).await, StatusCode::ACCEPTED);
        let threads = ana.get(&format!("/communities/{handle}/posts")).await.ok();
        let theirs = threads["items"].as_array().unwrap().iter()
            .find(|t| t["title"] == "Waste collection rotas")
            .unwrap_or_else(|| panic!("announced thread missing: {threads}"));
        let local = theirs["id"].as_i64().unwrap();

        // ana comments, votes and reports; each reaches the group in Lemmy's shapes.
        ana.replies(local, None, "We use a four-day cycle").await;
        ana.post(&format!("/posts/{local}/vote"), json!({"score": 1})).await.ok();
        ana.post(&format!("/posts/{local}/report"), json!({"reason": "Wrong community"})).await.expect(StatusCode::CREATED);
        eventually("the comment, vote and report reach the group", || async {
            find(&lemmy, "Create", |o| o["type"] == "Note").is_some()
                && find(&lemmy, "Like", |o| o == post.as_str()).is_some()
                && lemmy.received().iter().any(|a| a["type"] == "Flag")
        }).await;
        let note = find(&lemmy, "Create", |o| o["type"] == "Note").unwrap()["object"].clone();
        assert_eq!(note["inReplyTo"], post.as_str());
        assert_eq!(note["audience"], group.as_str());
        assert!(note["content"].as_str().unwrap().contains("four-day cycle"));
        let flag = lemmy.received().into_iter().find(|a| a["type"] == "Flag").unwrap();
        assert!(flag.to_string().contains(&post), "{flag}");

        // The group's moderators lock the thread: replies stop here too.
        let lock = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/announce/2", lemmy.base),
            "type": "Announce",
            "actor": group,
            "to": [PUBLIC],
            "object": {
                "id": format!("{}/activities/lock/1", lemmy.base),
                "type": "Lock",
                "actor": lemmy.person("riker"),
                "object": post,
                "to": [group, PUBLIC],
                "audience": group,
            },
        });
        assert_eq!(lemmy.sends_as(&group, &alpha, "/inbox", lock).await, StatusCode::ACCEPTED);
        ana.post(&format!("/posts/{local}/comments"), json!({"body": "One more thing"}))
            .await
            .error(StatusCode::FORBIDDEN, "thread_locked");
    }
}
