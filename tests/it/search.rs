//! Full-text search: threads, comments, communities and blog posts, ranked by the database's own
//! index, paged, and never showing a private community's content to outsiders.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Member, TestApp};
use crate::on_both_backends;

async fn found(who: &Member, q: &str) -> Vec<(String, String)> {
    let page = who.get(&format!("/search?q={q}")).await.ok();
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|hit| {
            let kind = hit["kind"].as_str().unwrap().to_owned();
            let text = match kind.as_str() {
                "comment" => hit["excerpt"].as_str().unwrap().to_owned(),
                _ => hit["title"].as_str().unwrap().to_owned(),
            };
            (kind, text)
        })
        .collect()
}

fn has(hits: &[(String, String)], kind: &str, text: &str) -> bool {
    hits.iter().any(|(k, t)| k == kind && t.contains(text))
}

on_both_backends! {
    async fn search_finds_threads_replies_and_communities_that_the_searcher_may_read(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let bob = app.member("bob").await;
        ana.post("/communities", json!({"name": "planners", "title": "Planning officers",
            "description": "For people who work on local plans.", "visibility": "public"})).await.expect(StatusCode::CREATED);
        ana.creates_community("cabinet", "private").await;
        let maps = ana.post("/communities/planners/posts", json!({
            "title": "Flood risk mapping", "body": "We mapped the **river** catchments."
        })).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        ana.replies(maps, None, "Flooding is worse every winter.").await;
        ana.posts_in("planners", "Parking standards").await;
        ana.post("/communities/cabinet/posts", json!({"title": "Flood defence budget", "body": "Confidential."}))
            .await.expect(StatusCode::CREATED);
        let visitor = app.visitor();

        // Stemming: "flood" finds "Flooding"; the private thread stays hidden from outsiders.
        for outsider in [&visitor, &bob] {
            let hits = found(outsider, "flood").await;
            assert!(has(&hits, "thread", "Flood risk mapping"), "{hits:?}");
            assert!(has(&hits, "comment", "Flooding is worse"), "{hits:?}");
            assert!(!has(&hits, "thread", "Flood defence budget"), "{hits:?}");
            assert!(!has(&hits, "thread", "Parking"), "{hits:?}");
        }
        // Its members find it.
        assert!(has(&found(&ana, "flood").await, "thread", "Flood defence budget"));
        // Every word must match; the last may be the start of a word.
        assert_eq!(found(&visitor, "river%20map").await, [("thread".to_owned(), "Flood risk mapping".to_owned())]);
        assert!(has(&found(&visitor, "catchm").await, "thread", "Flood risk mapping"));
        // Communities by their name, title or description.
        assert!(has(&found(&visitor, "local%20plans").await, "community", "Planning officers"));
        assert!(has(&found(&bob, "cabinet").await, "community", "cabinet network"));

        // Pages: one hit at a time, no repeats.
        let first = visitor.get("/search?q=flood&limit=1").await.ok();
        assert_eq!(first["items"].as_array().unwrap().len(), 1);
        let cursor = first["next_cursor"].as_str().expect("a second page").to_owned();
        let second = visitor.get(&format!("/search?q=flood&limit=1&cursor={cursor}")).await.ok();
        assert_eq!(second["items"].as_array().unwrap().len(), 1);
        assert_ne!(first["items"][0], second["items"][0]);
        assert_eq!(second["next_cursor"], Value::Null);

        // Edits and deletions reach the index.
        ana.patch(&format!("/posts/{maps}"), json!({"title": "Coastal erosion mapping"})).await.ok();
        assert!(!has(&found(&visitor, "flood").await, "thread", "mapping"));
        assert!(has(&found(&visitor, "erosion").await, "thread", "Coastal erosion mapping"));
        ana.delete(&format!("/posts/{maps}")).await.ok();
        assert!(found(&visitor, "erosion").await.is_empty());
        assert!(found(&visitor, "winter").await.is_empty(), "replies in a deleted thread are not found");

        // Nothing to search for is a clear error; operators are taken as plain words.
        visitor.get("/search?q=%21%21%21").await.error(StatusCode::BAD_REQUEST, "invalid_query");
        assert!(found(&visitor, "parking%20OR%20NEAR%28%22x%22%29").await.is_empty());
        assert!(has(&found(&visitor, "%22parking%22*").await, "thread", "Parking standards"));

        // The web page shows the same.
        let page = reqwest::get(format!("{}/search?q=parking", app.base)).await.unwrap().text().await.unwrap();
        assert!(page.contains("Parking standards"), "{page}");
        let empty = reqwest::get(format!("{}/search?q=%21", app.base)).await.unwrap();
        assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
        assert!(empty.text().await.unwrap().contains("There is a problem"));
    }

    async fn search_finds_members_blog_posts_until_they_are_deleted(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let post = ana.post("/blog", json!({"title": "What the allotment waiting list taught us",
            "body": "Eleven **councils** compared their waiting lists."})).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let visitor = app.visitor();

        let page = visitor.get("/search?q=allotment").await.ok();
        assert_eq!(page["items"][0]["kind"], "blog_post", "{page}");
        assert_eq!(page["items"][0]["id"], post);
        assert_eq!(page["items"][0]["author"], "ana");
        assert_eq!(page["items"][0]["excerpt"], "Eleven councils compared their waiting lists.");
        assert!(page["items"][0].get("community").is_none(), "a blog post is in no community: {page}");
        // Stemmed like everything else: "council" finds "councils".
        assert!(has(&found(&visitor, "council").await, "blog_post", "allotment"));

        // The web page links to the post on its author's blog.
        let html = reqwest::get(format!("{}/search?q=allotment", app.base)).await.unwrap().text().await.unwrap();
        assert!(html.contains(&format!("href=\"/blog/{post}\"")) && html.contains("Blog post"), "{html}");

        ana.patch(&format!("/blog/{post}"), json!({"title": "What the garden waiting list taught us"})).await.ok();
        assert!(found(&visitor, "allotment").await.is_empty(), "edits reach the index");
        assert!(has(&found(&visitor, "garden").await, "blog_post", "garden"));
        ana.delete(&format!("/blog/{post}")).await.expect(StatusCode::NO_CONTENT);
        assert!(found(&visitor, "garden").await.is_empty(), "deleted posts leave the index");
    }
}
