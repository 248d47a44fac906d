//! Real payloads captured from other servers (the shared fixtures), delivered to a
//! running instance as their servers would send them: their hosts are rewritten to a
//! stand-in server on loopback that publishes the actors and signs, and the objects they
//! point at here to ours. Each must be accepted and must store what it means.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::*;
use crate::on_both_backends;
use crate::peer::Peer;

fn fixture(relative: &str) -> Option<String> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/fediverse")
        .join(relative);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have {}",
                path.display()
            );
            eprintln!("skipped replay: {} is missing", path.display());
            None
        }
    }
}

/// The fixture with each `(from, to)` replaced, in order, as JSON.
fn rewritten(text: &str, rules: &[(&str, String)]) -> Value {
    let mut text = text.to_owned();
    for (from, to) in rules {
        text = text.replace(from, to);
    }
    serde_json::from_str(&text).expect("rewritten fixture")
}

/// Delivers the rewritten fixture, signed as its actor, and expects it accepted.
async fn replay(
    peer: &Peer,
    app: &TestApp,
    relative: &str,
    rules: &[(&str, String)],
) -> Option<Value> {
    let activity = rewritten(&fixture(relative)?, rules);
    let actor = activity["actor"].as_str().expect("actor").to_owned();
    let status = peer.sends_as(&actor, app, "/inbox", activity.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{relative} was refused");
    Some(activity)
}

fn member_names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["member"]["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

on_both_backends! {
    async fn captured_payloads_store_what_they_mean(backend: Backend) {
        if fixture("mastodon/activities/follow.json").is_none() {
            return;
        }
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let thread = ana.posts_in("planners", "Local thread").await;
        let peer = Peer::start("mastodon").await;
        let (here, there) = (alpha.base.clone(), peer.base.clone());
        let community = format!("{here}/c/planners");
        let thread_url = format!("{here}/post/{thread}");

        // Follows of a community, from Mastodon and from Lemmy: accepted members.
        replay(&peer, &alpha, "mastodon/activities/follow.json", &[
            ("https://ds9.lemmy.ml/c/testcom", community.clone()),
            ("https://masto.asonix.dog", there.clone()),
        ]).await;
        replay(&peer, &alpha, "lemmy/activities/following/follow.json", &[
            ("http://enterprise.lemmy.ml/c/main", community.clone()),
            ("http://ds9.lemmy.ml", there.clone()),
        ]).await;
        let members = member_names(&ana.get("/communities/planners/members").await.ok());
        for name in ["asonix", "lemmy_alpha"] {
            assert!(members.contains(&name.to_owned()), "{name} is not a member: {members:?}");
        }

        // Pleroma following a member's profile.
        replay(&peer, &alpha, "pleroma/activities/follow.json", &[
            ("https://lemmy.ca/u/kinetix", format!("{here}/u/ana")),
            ("https://mycrowd.ca", there.clone()),
        ]).await;
        let followers: Value = reqwest::Client::new()
            .get(format!("{here}/u/ana/followers"))
            .header("accept", "application/activity+json")
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(followers["totalItems"], 1);
        eventually("every follow is answered with an Accept", || async {
            peer.received().iter().filter(|a| a["type"] == "Accept").count() == 3
        }).await;

        // A Mastodon like: an upvote.
        replay(&peer, &alpha, "mastodon/activities/like_page.json", &[
            ("https://ds9.lemmy.ml/post/147", thread_url.clone()),
            ("https://mastodon.madrid", there.clone()),
        ]).await;
        assert_eq!(ana.get(&format!("/posts/{thread}")).await.ok()["score"], 1);

        // A Lemmy comment and a Mastodon reply: comments on the thread.
        replay(&peer, &alpha, "lemmy/activities/create_or_update/create_comment.json", &[
            ("http://ds9.lemmy.ml/post/1", thread_url.clone()),
            ("http://enterprise.lemmy.ml/c/main", community.clone()),
            ("https://enterprise.lemmy.ml/c/main", community.clone()),
            ("http://ds9.lemmy.ml", there.clone()),
        ]).await;
        replay(&peer, &alpha, "mastodon/activities/create_note.json", &[
            ("https://mamot.fr/users/retiolus/statuses/107224244380204526", thread_url.clone()),
            ("https://mamot.fr/users/retiolus", format!("{here}/u/ana")),
            ("https://mastodon.madrid", there.clone()),
        ]).await;
        let comments = ana.get(&format!("/posts/{thread}/comments")).await.ok();
        let bodies = names(&comments, "body_html");
        assert!(bodies.iter().any(|b| b.contains("hello")), "{bodies:?}");
        assert!(bodies.iter().any(|b| b.contains("never been disappointed by a thinkpad")), "{bodies:?}");

        // A Lemmy community's Announce of a thread: stored under that community.
        replay(&peer, &alpha, "lemmy/activities/community/announce_create_page.json", &[
            ("http://enterprise.lemmy.ml", there.clone()),
        ]).await;
        let remote = format!("main@{}", there.trim_start_matches("http://"));
        let titles = names(&ana.get(&format!("/communities/{remote}/posts")).await.ok(), "title");
        assert_eq!(titles, ["post 4"]);

        // A Mastodon report from its instance actor: a report for the facilitators.
        replay(&peer, &alpha, "mastodon/activities/flag.json", &[
            ("https://example.com/posts/380590", thread_url.clone()),
            ("https://example.com/posts/380591", thread_url.clone()),
            ("https://example.com/users/1", format!("{here}/u/ana")),
            ("https://mastodon.example", there.clone()),
        ]).await;
        let reports = ana.get("/communities/planners/reports").await.ok();
        assert_eq!(reports["items"][0]["reason"], "Please take a look at this user and their posts");

        // An unhandled Lemmy activity is acknowledged and changes nothing.
        let warn = rewritten(&fixture("lemmy/activities/community/warn.json").unwrap(), &[]);
        let status = peer.sends_as(warn["actor"].as_str().unwrap_or_default(), &alpha, "/inbox", warn.clone()).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
}
