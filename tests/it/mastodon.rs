//! People on microblog servers (Mastodon and its kin) follow a community, see its threads
//! as boosts, and post into it: driven by a Mastodon-shaped server on loopback that
//! publishes its NodeInfo and actors, signs what it sends and keeps what it receives.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;
use crate::peer::Peer;

/// A Mastodon-shaped server with the user `bo`.
pub struct Microblog {
    pub peer: Peer,
}

impl Microblog {
    pub async fn start() -> Microblog {
        Microblog {
            peer: Peer::start("mastodon").await,
        }
    }

    pub fn bo(&self) -> String {
        self.peer.person("bo")
    }

    pub fn received(&self) -> Vec<Value> {
        self.peer.received()
    }

    /// Signs `activity` as bo and posts it to `path` on `app`.
    pub async fn sends(&self, app: &TestApp, path: &str, activity: Value) -> StatusCode {
        self.peer.sends_as(&self.bo(), app, path, activity).await
    }

    /// A status by bo, shaped as Mastodon publishes it.
    pub fn status(&self, n: u32, content: &str, extra: Value) -> Value {
        let mut note = json!({
            "id": format!("{}/statuses/{n}", self.bo()),
            "type": "Note",
            "attributedTo": self.bo(),
            "content": content,
            "published": "2026-11-23T10:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [format!("{}/followers", self.bo())],
            "sensitive": false,
            "tag": [],
        });
        if let (Some(note), Value::Object(extra)) = (note.as_object_mut(), extra) {
            note.extend(extra);
        }
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/statuses/{n}/activity", self.bo()),
            "type": "Create",
            "actor": self.bo(),
            "published": "2026-11-23T10:00:00Z",
            "to": note["to"].clone(),
            "cc": note["cc"].clone(),
            "object": note,
        })
    }
}

on_both_backends! {
    async fn a_mastodon_user_follows_sees_boosts_and_posts_into_a_community(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let masto = Microblog::start().await;
        let group = format!("{}/c/planners", alpha.base);

        // Follow → Accept.
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/1", masto.bo()),
            "type": "Follow",
            "actor": masto.bo(),
            "object": group,
        });
        assert_eq!(masto.sends(&alpha, "/c/planners/inbox", follow).await, StatusCode::ACCEPTED);
        eventually("bo's follow is accepted", || async {
            masto.received().iter().any(|a| a["type"] == "Accept")
        }).await;

        // A new thread reaches bo as a boost of the thread itself, which Mastodon fetches.
        let thread = ana.posts_in("planners", "Brownfield housing targets").await;
        let thread_url = format!("{}/post/{thread}", alpha.base);
        eventually("the thread is boosted to bo's server", || async {
            masto.received().iter().any(|a| a["type"] == "Announce" && a["object"] == thread_url.as_str())
        }).await;
        let boost = masto.received().into_iter().find(|a| a["type"] == "Announce").unwrap();
        assert_eq!(boost["actor"], group.as_str());
        assert!(boost["to"].as_array().unwrap().iter().any(|t| t == "https://www.w3.org/ns/activitystreams#Public"));
        let page: Value = reqwest::Client::new()
            .get(&thread_url)
            .header("accept", "application/activity+json")
            .send().await.unwrap().json().await.unwrap();
        assert_eq!((page["type"].as_str(), page["name"].as_str()), (Some("Page"), Some("Brownfield housing targets")));
        assert!(page["content"].as_str().unwrap().contains("<strong>Brownfield housing targets</strong>"));

        // Comments and votes do not flood bo's timeline.
        ana.replies(thread, None, "Our numbers are in the library").await;
        ana.post(&format!("/posts/{thread}/vote"), json!({"score": 1})).await.ok();
        alpha.deliveries_settled().await;
        let announces = masto.received().into_iter().filter(|a| a["type"] == "Announce").count();
        assert_eq!(announces, 1, "only the new thread was boosted: {:?}", masto.received());

        // Naming bo in a comment tags him, and sends it to his server so he is notified.
        let bo_handle = format!("@bo@{}", masto.peer.base.trim_start_matches("http://"));
        ana.replies(thread, None, &format!("{bo_handle} has figures on this #housing")).await;
        eventually("the mention reaches bo's server", || async {
            masto.received().iter().any(|a| {
                a["type"] == "Create"
                    && a["object"]["tag"].as_array().is_some_and(|tags| {
                        tags.iter().any(|t| t["type"] == "Mention" && t["href"] == masto.bo().as_str() && t["name"] == bo_handle.as_str())
                    })
                    && a["object"]["cc"].as_array().is_some_and(|cc| cc.iter().any(|c| c == masto.bo().as_str()))
            })
        }).await;

        // A community can choose to boost its comments to microblogs too.
        let settings = ana.patch("/communities/planners", json!({"microblog_comments": true})).await.ok();
        assert_eq!(settings["microblog_comments"], true);
        let comment = ana.replies(thread, None, "Figures for 2027 are out").await;
        let comment_url = format!("{}/comment/{comment}", alpha.base);
        eventually("the comment is boosted too", || async {
            masto.received().iter().any(|a| a["type"] == "Announce" && a["object"] == comment_url.as_str())
        }).await;
        ana.patch("/communities/planners", json!({"microblog_comments": false})).await.ok();

        // bo's reply to the thread becomes a comment, though it does not address the group.
        let reply = masto.status(1, "<p>We tried a 30% target in Leeds.</p>", json!({"inReplyTo": thread_url}));
        assert_eq!(masto.sends(&alpha, "/inbox", reply).await, StatusCode::ACCEPTED);
        let bodies = || async {
            names(&ana.get(&format!("/posts/{thread}/comments")).await.ok(), "body_html")
        };
        assert!(bodies().await.iter().any(|b| b.contains("We tried a 30% target in Leeds.")), "{:?}", bodies().await);

        // A followers-only reply stays private: it is not made a comment.
        let private_reply = masto.status(4, "<p>Between us: the figures are off.</p>",
            json!({"inReplyTo": thread_url, "to": [format!("{}/followers", masto.bo())], "cc": [format!("{}/u/ana", alpha.base)]}));
        assert_eq!(masto.sends(&alpha, "/inbox", private_reply).await, StatusCode::FORBIDDEN);
        assert!(!bodies().await.iter().any(|b| b.contains("Between us")), "{:?}", bodies().await);

        // A status that mentions the group starts a thread, titled from its first line.
        let mention = masto.status(2,
            &format!(r#"<p><span class="h-card"><a href="{group}" class="u-url mention">@<span>planners</span></a></span> Allotments on brownfield sites</p><p>Has anyone tried it?</p>"#),
            json!({"cc": [group, format!("{}/followers", masto.bo())], "tag": [{"type": "Mention", "href": group, "name": format!("@planners@{}", domain(&alpha))}],
                "sensitive": true, "summary": "Long read"}));
        assert_eq!(masto.sends(&alpha, "/inbox", mention).await, StatusCode::ACCEPTED);
        let threads = ana.get("/communities/planners/posts").await.ok();
        let started = threads["items"].as_array().unwrap().iter()
            .find(|t| t["title"] == "Allotments on brownfield sites")
            .unwrap_or_else(|| panic!("no thread from the mention: {threads}"));
        assert_eq!(started["content_warning"], "Long read");

        // Our own content warnings travel as Mastodon's: `sensitive` with `summary`.
        let warned = ana.post("/communities/planners/posts", json!({"title": "Incident review", "body": "Details", "content_warning": "Flooding"}))
            .await.expect(StatusCode::CREATED);
        let page: Value = reqwest::Client::new()
            .get(format!("{}/post/{}", alpha.base, warned["id"]))
            .header("accept", "application/activity+json")
            .send().await.unwrap().json().await.unwrap();
        assert_eq!((page["sensitive"].as_bool(), page["summary"].as_str()), (Some(true), Some("Flooding")));
        ana.patch(&format!("/posts/{}", warned["id"]), json!({"content_warning": ""})).await.ok();
        assert_eq!(ana.get(&format!("/posts/{}", warned["id"])).await.ok()["content_warning"], Value::Null);
        ana.delete(&format!("/posts/{}", warned["id"])).await.expect(StatusCode::NO_CONTENT);

        // A status that only mentions the group privately starts nothing.
        let private = masto.status(3, "<p>@planners psst</p>",
            json!({"to": [group], "cc": [], "tag": [{"type": "Mention", "href": group}]}));
        assert_ne!(masto.sends(&alpha, "/inbox", private).await, StatusCode::ACCEPTED);
        assert_eq!(names(&ana.get("/communities/planners/posts").await.ok(), "title").len(), 2);

        // bo's Like counts as an upvote.
        let like = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#likes/1", masto.bo()),
            "type": "Like",
            "actor": masto.bo(),
            "object": thread_url,
        });
        assert_eq!(masto.sends(&alpha, "/inbox", like).await, StatusCode::ACCEPTED);
        assert_eq!(ana.get(&format!("/posts/{thread}")).await.ok()["score"], 2);

        // A report, sent as Mastodon does from its instance actor, reaches the facilitators.
        let flag = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/flags/1", masto.peer.base),
            "type": "Flag",
            "actor": format!("{}/actor", masto.peer.base),
            "content": "Looks like an advert",
            "object": [format!("{}/u/ana", alpha.base), thread_url],
            "to": format!("{}/u/ana", alpha.base),
        });
        assert_eq!(masto.peer.sends_as(&format!("{}/actor", masto.peer.base), &alpha, "/inbox", flag).await, StatusCode::ACCEPTED);
        let reports = ana.get("/communities/planners/reports").await.ok();
        assert_eq!(reports["items"][0]["reason"], "Looks like an advert", "{reports}");

        // bo deletes the reply: it goes.
        let delete = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/statuses/1#delete", masto.bo()),
            "type": "Delete",
            "actor": masto.bo(),
            "object": {"id": format!("{}/statuses/1", masto.bo()), "type": "Tombstone"},
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        });
        assert_eq!(masto.sends(&alpha, "/inbox", delete).await, StatusCode::ACCEPTED);
        assert!(!bodies().await.iter().any(|b| b.contains("30% target")), "{:?}", bodies().await);

        // When ana deletes her thread, bo's server hears her Delete and drops the boost.
        ana.delete(&format!("/posts/{thread}")).await.expect(StatusCode::NO_CONTENT);
        eventually("the Delete reaches bo's server", || async {
            masto.received().iter().any(|a| {
                a["type"] == "Delete" && a["actor"] == format!("{}/u/ana", alpha.base) && a["object"] == thread_url.as_str()
            })
        }).await;
    }
}

on_both_backends! {
    async fn a_mastodon_user_follows_a_members_profile_and_sees_their_threads(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        ana.creates_community("cabinet", "private").await;
        let masto = Microblog::start().await;
        let ana_url = format!("{}/u/ana", alpha.base);

        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/ana", masto.bo()),
            "type": "Follow",
            "actor": masto.bo(),
            "object": ana_url,
        });
        assert_eq!(masto.sends(&alpha, "/u/ana/inbox", follow.clone()).await, StatusCode::ACCEPTED);
        eventually("ana accepts bo's follow", || async {
            masto.received().iter().any(|a| a["type"] == "Accept" && a["actor"] == ana_url.as_str())
        }).await;
        let followers: Value = reqwest::Client::new()
            .get(format!("{ana_url}/followers"))
            .header("accept", "application/activity+json")
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(followers["totalItems"], 1);

        // A thread in a public community reaches bo from ana herself; a private one does not.
        let public = ana.posts_in("planners", "Open consultation").await;
        ana.posts_in("cabinet", "Closed session").await;
        let public_url = format!("{}/post/{public}", alpha.base);
        eventually("bo receives ana's public thread", || async {
            masto.received().iter().any(|a| {
                a["type"] == "Create" && a["actor"] == ana_url.as_str() && a["object"]["id"] == public_url.as_str()
            })
        }).await;
        alpha.deliveries_settled().await;
        let creates: Vec<Value> = masto.received().into_iter().filter(|a| a["type"] == "Create").collect();
        assert_eq!(creates.len(), 1, "only the public thread: {creates:?}");
        assert_eq!(creates[0]["object"]["name"], "Open consultation");

        // After Undo(Follow), nothing more comes.
        let undo = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/ana/undo", masto.bo()),
            "type": "Undo",
            "actor": masto.bo(),
            "object": follow,
        });
        assert_eq!(masto.sends(&alpha, "/u/ana/inbox", undo).await, StatusCode::ACCEPTED);
        ana.posts_in("planners", "After bo left").await;
        alpha.deliveries_settled().await;
        let creates = masto.received().into_iter().filter(|a| a["type"] == "Create").count();
        assert_eq!(creates, 1);
    }
}
