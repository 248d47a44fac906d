//! Member blogs: a blog post federates as an `Article` from the member's `Person` to a
//! Mastodon-shaped follower, a reply from there becomes a comment, and edits, deletions
//! and local comments follow.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::mastodon::Microblog;
use crate::on_both_backends;

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

fn addressed(activity: &Value, field: &str, who: &str) -> bool {
    activity[field]
        .as_array()
        .is_some_and(|list| list.iter().any(|v| v == who))
}

on_both_backends! {
    async fn a_blog_post_reaches_a_mastodon_follower_and_their_reply_becomes_a_comment(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        let ben = alpha.member("ben").await;
        let masto = Microblog::start().await;
        let ana_url = format!("{}/u/ana", alpha.base);
        let followers = format!("{ana_url}/followers");

        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/ana", masto.bo()),
            "type": "Follow",
            "actor": masto.bo(),
            "object": ana_url,
        });
        assert_eq!(masto.sends(&alpha, "/u/ana/inbox", follow).await, StatusCode::ACCEPTED);
        eventually("ana accepts bo's follow", || async {
            masto.received().iter().any(|a| a["type"] == "Accept")
        }).await;

        // Publishing sends Create(Article) from ana, public, copied to her followers.
        let post = ana
            .post("/blog", json!({"title": "Lessons from the Leeds pilot", "body": "We learnt **three** things."}))
            .await
            .expect(StatusCode::CREATED);
        let id = post["id"].as_i64().unwrap();
        let blog_url = format!("{}/blog/{id}", alpha.base);
        eventually("bo receives ana's article", || async {
            masto.received().iter().any(|a| a["type"] == "Create" && a["object"]["id"] == blog_url.as_str())
        }).await;
        let create = masto.received().into_iter().find(|a| a["type"] == "Create").unwrap();
        assert_eq!(create["actor"], ana_url.as_str());
        assert!(addressed(&create, "to", PUBLIC), "{create}");
        assert!(addressed(&create, "cc", &followers), "{create}");
        let article = &create["object"];
        assert_eq!(article["type"], "Article");
        assert_eq!(article["attributedTo"], ana_url.as_str());
        assert_eq!(article["name"], "Lessons from the Leeds pilot");
        assert!(article["content"].as_str().unwrap().contains("<strong>three</strong>"));
        assert!(addressed(article, "to", PUBLIC) && addressed(article, "cc", &followers));

        // The Article is fetchable at its id, as Mastodon re-fetches it.
        let fetched: Value = reqwest::Client::new()
            .get(&blog_url)
            .header("accept", "application/activity+json")
            .send().await.unwrap().json().await.unwrap();
        assert_eq!((fetched["type"].as_str(), fetched["id"].as_str()), (Some("Article"), Some(blog_url.as_str())));

        // bo's reply becomes a comment, and ana is told.
        let reply = masto.status(3, "<p>We saw the same in Bradford.</p>", json!({"inReplyTo": blog_url}));
        assert_eq!(masto.sends(&alpha, "/inbox", reply).await, StatusCode::ACCEPTED);
        let comments = ana.get(&format!("/blog/{id}/comments")).await.ok();
        assert_eq!(comments["items"].as_array().unwrap().len(), 1, "{comments}");
        assert_eq!(comments["items"][0]["author"]["name"], "bo");
        assert!(comments["items"][0]["body_html"].as_str().unwrap().contains("We saw the same in Bradford."));
        let note = ana.get("/notifications").await.ok()["items"][0].clone();
        assert_eq!((note["kind"].as_str(), note["blog_post_id"].as_i64()), (Some("reply"), Some(id)));

        // A local member's comment reaches bo's server too, replying to the Article.
        ben.post(&format!("/blog/{id}/comments"), json!({"body": "Useful, thank you"})).await.expect(StatusCode::CREATED);
        eventually("bo's server receives ben's comment", || async {
            masto.received().iter().any(|a| a["type"] == "Create" && a["object"]["type"] == "Note" && a["object"]["inReplyTo"] == blog_url.as_str())
        }).await;
        assert_eq!(ana.get(&format!("/blog/{id}")).await.ok()["comment_count"], 2);

        // Only the author edits; the edit and then the deletion federate.
        ben.patch(&format!("/blog/{id}"), json!({"title": "Mine now"})).await.error(StatusCode::FORBIDDEN, "not_author");
        ana.patch(&format!("/blog/{id}"), json!({"title": "Lessons from the Leeds pilot (updated)"})).await.ok();
        eventually("bo receives the update", || async {
            masto.received().iter().any(|a| a["type"] == "Update" && a["object"]["name"] == "Lessons from the Leeds pilot (updated)")
        }).await;
        let listed = ana.get("/members/ana/blog").await.ok();
        assert_eq!(names(&listed, "title"), ["Lessons from the Leeds pilot (updated)"]);
        ana.delete(&format!("/blog/{id}")).await.expect(StatusCode::NO_CONTENT);
        eventually("bo receives the deletion", || async {
            masto.received().iter().any(|a| a["type"] == "Delete" && a["object"]["id"] == blog_url.as_str())
        }).await;
        ana.get(&format!("/blog/{id}")).await.error(StatusCode::GONE, "gone");
        assert!(names(&ana.get("/members/ana/blog").await.ok(), "title").is_empty());
    }
}

on_both_backends! {
    async fn an_article_from_someone_followed_elsewhere_is_not_refused(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        alpha.member("ana").await;
        let masto = Microblog::start().await;
        let mut create = masto.status(9, "<p>A long read.</p>", json!({"type": "Article", "name": "Notes on retrofit"}));
        create["object"]["type"] = json!("Article");
        assert_eq!(masto.sends(&alpha, "/inbox", create).await, StatusCode::ACCEPTED);
    }
}

on_both_backends! {
    async fn blog_input_is_checked(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.post("/blog", json!({"title": "", "body": "x"})).await.error(StatusCode::BAD_REQUEST, "invalid_input");
        ana.post("/blog", json!({"title": "t", "body": "x", "extra": 1})).await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        alpha.visitor().post("/blog", json!({"title": "t", "body": "x"})).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        ana.get("/blog/999").await.error(StatusCode::NOT_FOUND, "not_found");
        ana.get("/members/nobody/blog").await.error(StatusCode::NOT_FOUND, "not_found");
    }
}

on_both_backends! {
    async fn a_deleted_account_takes_its_blog_and_comments_with_it(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let post = ana.post("/blog", json!({"title": "Notes from the housing summit", "body": "Three things we learned."}))
            .await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        ben.post(&format!("/blog/{post}/comments"), json!({"body": "Thanks, the second one is new to me."}))
            .await.expect(StatusCode::CREATED);
        // Before they go, each can take their writing away.
        let anas = ana.get("/me/export").await.ok();
        assert_eq!(anas["blog_posts"][0]["title"], "Notes from the housing summit");
        assert_eq!(anas["blog_posts"][0]["body"], "Three things we learned.");
        assert_eq!(anas["blog_comments"], json!([]));
        let bens = ben.get("/me/export").await.ok();
        assert_eq!(bens["blog_posts"], json!([]));
        assert_eq!(bens["blog_comments"][0]["blog_post_id"], post);
        assert_eq!(bens["blog_comments"][0]["body"], "Thanks, the second one is new to me.");

        // Ben leaves: his comment keeps its place with its text withheld.
        ben.request(reqwest::Method::DELETE, "/me", Some(json!({"password": "correct horse battery"})))
            .await.expect(StatusCode::NO_CONTENT);
        let comments = app.visitor().get(&format!("/blog/{post}/comments")).await.ok();
        let texts: Vec<&str> = comments["items"].as_array().unwrap().iter()
            .filter_map(|c| c["body"].as_str()).filter(|b| !b.is_empty()).collect();
        assert!(texts.is_empty(), "{comments}");

        // Ana leaves: her post is gone.
        ana.request(reqwest::Method::DELETE, "/me", Some(json!({"password": "correct horse battery"})))
            .await.expect(StatusCode::NO_CONTENT);
        app.visitor().get(&format!("/blog/{post}")).await.error(StatusCode::GONE, "gone");
    }
}
