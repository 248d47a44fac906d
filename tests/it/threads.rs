//! Threads, comments and votes: the everyday work of a community.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;

on_both_backends! {
    async fn a_thread_is_posted_edited_and_deleted(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        let created = ana.post("/communities/planners/posts", json!({
            "title": "Local plan consultation",
            "body": "Read the **draft** <script>alert(1)</script><a href=\"javascript:x\">x</a>",
            "url": "https://example.org/plan"
        })).await.expect(StatusCode::CREATED);
        let id = created["id"].as_i64().unwrap();
        let html = created["body_html"].as_str().unwrap();
        assert!(html.contains("<strong>draft</strong>"), "{html}");
        assert!(!html.contains("<script") && !html.contains("javascript:"), "{html}");
        assert_eq!(created["author"]["name"], "ana");
        assert_eq!(created["community"], "planners");
        assert_eq!(created["url"], "https://example.org/plan");

        ben.patch(&format!("/posts/{id}"), json!({"title": "mine now"})).await.error(StatusCode::FORBIDDEN, "not_author");
        let edited = ana.patch(&format!("/posts/{id}"), json!({"title": "Local plan: have your say", "url": ""})).await.ok();
        assert_eq!(edited["title"], "Local plan: have your say");
        assert!(edited["url"].is_null());
        assert!(edited["updated_at"].is_string());
        ana.patch(&format!("/posts/{id}"), json!({"url": "ftp://example.org"})).await.error(StatusCode::BAD_REQUEST, "invalid_url");

        ben.delete(&format!("/posts/{id}")).await.error(StatusCode::FORBIDDEN, "not_author");
        ana.delete(&format!("/posts/{id}")).await.expect(StatusCode::NO_CONTENT);
        app.visitor().get(&format!("/posts/{id}")).await.error(StatusCode::GONE, "gone");
        ana.delete(&format!("/posts/{id}")).await.error(StatusCode::GONE, "gone");
        ana.patch(&format!("/posts/{id}"), json!({"title": "back"})).await.error(StatusCode::GONE, "gone");
        ben.post(&format!("/posts/{id}/comments"), json!({"body": "hi"})).await.error(StatusCode::GONE, "gone");
        ben.post(&format!("/posts/{id}/vote"), json!({"score": 1})).await.error(StatusCode::GONE, "gone");
        assert_eq!(names(&app.visitor().get("/communities/planners/posts").await.ok(), "title"), Vec::<String>::new());
        app.visitor().get("/posts/999999").await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn comments_form_a_tree_and_can_be_edited_and_deleted(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        let post = ana.posts_in("planners", "Permitted development").await;
        let other = ana.posts_in("planners", "Another thread").await;
        let first = ben.replies(post, None, "A question").await;
        let answer = ana.replies(post, Some(first), "An answer").await;
        let follow_up = ben.replies(post, Some(answer), "A follow-up").await;
        ben.post(&format!("/posts/{other}/comments"), json!({"body": "x", "parent_id": first}))
            .await.error(StatusCode::NOT_FOUND, "not_found");

        let list = app.visitor().get(&format!("/posts/{post}/comments")).await.ok();
        let tree: Vec<(i64, Option<i64>, i64)> = list["items"].as_array().unwrap().iter()
            .map(|c| (c["id"].as_i64().unwrap(), c["parent_id"].as_i64(), c["depth"].as_i64().unwrap()))
            .collect();
        assert_eq!(tree, [(first, None, 0), (answer, Some(first), 1), (follow_up, Some(answer), 2)]);
        assert_eq!(app.visitor().get(&format!("/posts/{post}")).await.ok()["comment_count"], 3);

        ana.patch(&format!("/comments/{first}"), json!({"body": "hijack"})).await.error(StatusCode::FORBIDDEN, "not_author");
        let edited = ben.patch(&format!("/comments/{first}"), json!({"body": "A *better* question"})).await.ok();
        assert!(edited["body_html"].as_str().unwrap().contains("<em>better</em>"));

        ben.delete(&format!("/comments/{first}")).await.expect(StatusCode::NO_CONTENT);
        ben.delete(&format!("/comments/{first}")).await.error(StatusCode::GONE, "gone");
        ana.post(&format!("/posts/{post}/comments"), json!({"body": "x", "parent_id": first})).await.error(StatusCode::GONE, "gone");
        // A deleted comment keeps its place in the tree without its text.
        let list = app.visitor().get(&format!("/posts/{post}/comments")).await.ok();
        assert_eq!(list["items"][0]["deleted"], true);
        assert_eq!(list["items"][0]["body"], "");
        assert_eq!(list["items"][1]["body"], "An answer");
        ben.post(&format!("/posts/{post}/comments"), json!({"body": "   "})).await.error(StatusCode::BAD_REQUEST, "invalid_input");
    }

    async fn votes_count_and_sort_threads(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let cat = app.member("cat").await;
        ana.creates_community("planners", "public").await;
        let quiet = ana.posts_in("planners", "Quiet").await;
        let popular = ana.posts_in("planners", "Popular").await;
        let disliked = ana.posts_in("planners", "Disliked").await;

        ben.post(&format!("/posts/{popular}/vote"), json!({"score": 1})).await.ok();
        let after = cat.post(&format!("/posts/{popular}/vote"), json!({"score": 1})).await.ok();
        assert_eq!((after["score"].as_i64(), after["my_vote"].as_i64()), (Some(2), Some(1)));
        ben.post(&format!("/posts/{disliked}/vote"), json!({"score": -1})).await.ok();
        // Voting again replaces the vote; 0 withdraws it.
        let changed = cat.post(&format!("/posts/{popular}/vote"), json!({"score": -1})).await.ok();
        assert_eq!((changed["upvotes"].as_i64(), changed["downvotes"].as_i64()), (Some(1), Some(1)));
        let withdrawn = cat.post(&format!("/posts/{popular}/vote"), json!({"score": 0})).await.ok();
        assert_eq!((withdrawn["score"].as_i64(), withdrawn["my_vote"].as_i64()), (Some(1), Some(0)));
        ben.post(&format!("/posts/{quiet}/vote"), json!({"score": 2})).await.error(StatusCode::BAD_REQUEST, "invalid_score");
        app.visitor().post(&format!("/posts/{quiet}/vote"), json!({"score": 1})).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");

        let top = ben.get("/communities/planners/posts?sort=top").await.ok();
        assert_eq!(names(&top, "title"), ["Popular", "Quiet", "Disliked"]);
        let mine: Vec<i64> = top["items"].as_array().unwrap().iter().map(|p| p["my_vote"].as_i64().unwrap()).collect();
        assert_eq!(mine, [1, 0, -1]);
        let new = app.visitor().get("/communities/planners/posts").await.ok();
        assert_eq!(names(&new, "title"), ["Disliked", "Popular", "Quiet"]);

        let comment = ana.replies(quiet, None, "comment").await;
        let voted = ben.post(&format!("/comments/{comment}/vote"), json!({"score": -1})).await.ok();
        assert_eq!((voted["score"].as_i64(), voted["my_vote"].as_i64()), (Some(-1), Some(-1)));
    }

    async fn thread_lists_page_through_with_pinned_first(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("planners", "public").await;
        let mut ids = Vec::new();
        for n in 0..7 {
            ids.push(ana.posts_in("planners", &format!("Thread {n}")).await);
        }
        ana.post(&format!("/posts/{}/pin", ids[2]), json!({"on": true})).await.ok();
        let member = app.member("ben").await;
        member.post(&format!("/posts/{}/pin", ids[3]), json!({"on": true})).await.error(StatusCode::FORBIDDEN, "not_moderator");
        for sort in ["new", "top"] {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let path = match &cursor {
                    Some(c) => format!("/communities/planners/posts?sort={sort}&limit=3&cursor={c}"),
                    None => format!("/communities/planners/posts?sort={sort}&limit=3"),
                };
                let page = app.visitor().get(&path).await.ok();
                seen.extend(names(&page, "title"));
                match page["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_owned()),
                    None => break,
                }
            }
            assert_eq!(seen, ["Thread 2", "Thread 6", "Thread 5", "Thread 4", "Thread 3", "Thread 1", "Thread 0"], "sort={sort}");
        }
        let comments_post = ids[0];
        for n in 0..5 {
            ana.replies(comments_post, None, &format!("c{n}")).await;
        }
        let first = app.visitor().get(&format!("/posts/{comments_post}/comments?limit=3")).await.ok();
        assert_eq!(names(&first, "body"), ["c0", "c1", "c2"]);
        let cursor = first["next_cursor"].as_str().unwrap();
        let rest = app.visitor().get(&format!("/posts/{comments_post}/comments?limit=3&cursor={cursor}")).await.ok();
        assert_eq!(names(&rest, "body"), ["c3", "c4"]);
        assert!(rest["next_cursor"].is_null());
    }

    async fn locked_threads_take_no_new_replies_except_from_facilitators(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        ana.creates_community("planners", "public").await;
        let post = ben.posts_in("planners", "Heated debate").await;
        ben.post(&format!("/posts/{post}/lock"), json!({"on": true})).await.error(StatusCode::FORBIDDEN, "not_moderator");
        let locked = ana.post(&format!("/posts/{post}/lock"), json!({"on": true, "reason": "cooling off"})).await.ok();
        assert_eq!(locked["locked"], true);
        ben.post(&format!("/posts/{post}/comments"), json!({"body": "one more thing"})).await.error(StatusCode::FORBIDDEN, "thread_locked");
        ana.replies(post, None, "This thread is locked for a day.").await;
        ana.post(&format!("/posts/{post}/lock"), json!({"on": false})).await.ok();
        ben.replies(post, None, "one more thing").await;
    }
}

on_both_backends! {
    async fn the_home_feed_holds_the_newest_threads_of_my_communities_only(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("housing", "public").await;
        ana.creates_community("planning", "public").await;
        ana.creates_community("secret", "private").await;
        let ben = app.member("ben").await;
        assert_eq!(ben.joins("housing").await, "accepted");
        assert_eq!(ben.joins("secret").await, "pending");
        let first = ana.posts_in("housing", "First").await;
        ana.posts_in("planning", "Not my community").await;
        ana.posts_in("secret", "Not yet a member").await;
        let removed = ana.posts_in("housing", "Removed").await;
        ana.post(&format!("/posts/{removed}/remove"), json!({"on": true})).await.ok();
        let second = ana.posts_in("housing", "Second").await;

        let token = ben.token.clone().expect("signed in");
        let actor = guildhall::services::accounts::authenticate(&app.state, &token)
            .await
            .expect("authenticated")
            .expect("a live session");
        let params = |cursor| guildhall::pagination::PageParams { cursor, limit: Some(1) };
        let page = guildhall::services::posts::feed(&app.state, &actor, params(None))
            .await
            .expect("feed");
        assert_eq!(page.items.iter().map(|d| d.post.id).collect::<Vec<_>>(), vec![second]);
        assert_eq!(page.items[0].community.name, "housing");
        let rest = guildhall::services::posts::feed(&app.state, &actor, params(page.next_cursor))
            .await
            .expect("feed");
        assert_eq!(rest.items.iter().map(|d| d.post.id).collect::<Vec<_>>(), vec![first]);
        assert!(rest.next_cursor.is_none());
    }

    async fn communities_are_found_by_part_of_their_name_or_title(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("housing", "public").await;
        ana.creates_community("planning", "public").await;
        ana.creates_community("under_score", "public").await;
        let search = |text: &'static str| {
            let state = app.state.clone();
            async move {
                guildhall::services::communities::search(&state, text, Default::default())
                    .await
                    .expect("search")
                    .items
                    .into_iter()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(search("HOUS").await, vec!["housing"]);
        assert_eq!(search("network").await.len(), 3, "titles match too");
        // LIKE's wildcards are taken literally.
        assert_eq!(search("_").await, vec!["under_score"]);
        assert_eq!(search("%").await, Vec::<String>::new());
    }
}

on_both_backends! {
    async fn active_threads_come_by_their_latest_reply_pinned_first(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("housing", "public").await;
        let oldest = ana.posts_in("housing", "Oldest").await;
        ana.posts_in("housing", "Middle").await;
        ana.posts_in("housing", "Newest").await;
        let pinned = ana.posts_in("housing", "Pinned").await;
        ana.post(&format!("/posts/{pinned}/pin"), json!({"on": true})).await.ok();
        ana.replies(oldest, None, "Still going").await;

        let all = ana.get("/communities/housing/posts?sort=active").await.ok();
        assert_eq!(names(&all, "title"), ["Pinned", "Oldest", "Newest", "Middle"]);
        // Page by page, the cursor keeps the order.
        let mut titles = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/communities/housing/posts?sort=active&limit=1&cursor={c}"),
                None => "/communities/housing/posts?sort=active&limit=1".to_owned(),
            };
            let page = ana.get(&path).await.ok();
            titles.extend(names(&page, "title"));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(titles, ["Pinned", "Oldest", "Newest", "Middle"]);
    }
}
