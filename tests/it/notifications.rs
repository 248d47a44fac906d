//! Members are told in the app about replies, mentions, moderation, join requests and
//! approvals, and event reminders, including replies from people on other servers.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::mastodon::Microblog;
use crate::on_both_backends;

async fn kinds(member: &Member, query: &str) -> Vec<String> {
    names(
        &member.get(&format!("/notifications{query}")).await.ok(),
        "kind",
    )
}

async fn unread(member: &Member) -> i64 {
    member.get("/notifications/unread_count").await.ok()["unread"]
        .as_i64()
        .expect("count")
}

on_both_backends! {
    async fn members_hear_of_replies_mentions_moderation_and_joins(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        let ben = alpha.member("ben").await;
        let cat = alpha.member("cat").await;
        ana.creates_community("planners", "public").await;
        ben.joins("planners").await;
        cat.joins("planners").await;

        // A reply to ben's thread, and a mention of cat in it.
        let thread = ben.posts_in("planners", "Brownfield targets").await;
        assert_eq!(unread(&ben).await, 0);
        let comment = ana.replies(thread, None, "Good question, @cat has figures").await;
        assert_eq!(kinds(&ben, "").await, ["reply"]);
        assert_eq!(kinds(&cat, "").await, ["mention"]);
        let note = ben.get("/notifications").await.ok()["items"][0].clone();
        assert_eq!(note["actor"]["name"], "ana");
        assert_eq!(note["post_id"], thread);
        assert_eq!(note["link"], format!("/post/{thread}#comment-{comment}"));
        assert!(note["summary"].as_str().unwrap().contains("Brownfield targets"), "{note}");

        // A reply to a comment tells the comment's author, not the thread's; nobody hears
        // of their own replies.
        ben.replies(thread, Some(comment), "Thanks").await;
        assert_eq!(kinds(&ana, "").await, ["reply"]);
        assert_eq!(kinds(&ben, "").await, ["reply"]);

        // A facilitator removing ben's thread tells him.
        ana.post(&format!("/posts/{thread}/remove"), json!({"on": true, "reason": "off topic"}))
            .await
            .ok();
        assert_eq!(kinds(&ben, "").await, ["moderation", "reply"]);

        // Join requests reach facilitators; approval reaches the member.
        ana.creates_community("cabinet", "restricted").await;
        let dan = alpha.member("dan").await;
        assert_eq!(dan.joins("cabinet").await, "pending");
        assert_eq!(kinds(&ana, "").await, ["join_request", "reply"]);
        ana.post_empty("/communities/cabinet/members/dan/approve").await.ok();
        assert_eq!(kinds(&dan, "").await, ["join_approved"]);

        // Read one, then all; the unread filter follows.
        assert_eq!(unread(&ben).await, 2);
        let first = ben.get("/notifications").await.ok()["items"][0]["id"].as_i64().unwrap();
        ben.post_empty(&format!("/notifications/{first}/read")).await.expect(StatusCode::NO_CONTENT);
        assert_eq!(unread(&ben).await, 1);
        assert_eq!(kinds(&ben, "?unread=true").await, ["reply"]);
        let marked = ben.post_empty("/notifications/read").await.ok();
        assert_eq!(marked["marked"], 1);
        assert_eq!(unread(&ben).await, 0);
        assert_eq!(kinds(&ben, "?unread=true").await, Vec::<String>::new());
        assert_eq!(kinds(&ben, "").await.len(), 2);

        // Someone else's notification is not there to mark; anonymous callers are refused.
        let anas = ana.get("/notifications").await.ok()["items"][0]["id"].as_i64().unwrap();
        ben.post_empty(&format!("/notifications/{anas}/read")).await.error(StatusCode::NOT_FOUND, "not_found");
        alpha.visitor().get("/notifications").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        ben.get("/notifications?limit=0").await.error(StatusCode::BAD_REQUEST, "invalid_limit");
    }
}

on_both_backends! {
    async fn a_reply_from_mastodon_notifies_the_thread_author(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let thread = ana.posts_in("planners", "Retrofit grants").await;
        let masto = Microblog::start().await;
        let thread_url = format!("{}/post/{thread}", alpha.base);
        let reply = masto.status(7, "<p>We had the same in Bradford.</p>", json!({"inReplyTo": thread_url}));
        assert_eq!(masto.sends(&alpha, "/inbox", reply).await, StatusCode::ACCEPTED);
        let items: Value = ana.get("/notifications").await.ok();
        assert_eq!(items["items"][0]["kind"], "reply");
        assert_eq!(items["items"][0]["actor"]["name"], "bo");
        assert!(items["items"][0]["actor"]["domain"].is_string());
    }
}

on_both_backends! {
    async fn members_going_to_an_event_are_reminded_once_within_a_day(backend: Backend) {
        use guildhall::services::notifications::{UpcomingEvent, remind_of_events};
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        let ben = alpha.member("ben").await;
        let id_of = |name: &'static str| {
            let db = alpha.state.db.clone();
            async move {
                tokio::task::spawn_blocking(move || {
                    let mut conn = db.conn().unwrap();
                    guildhall::db::persons::local_person_by_name(&mut conn, name).unwrap().unwrap().id
                })
                .await
                .unwrap()
            }
        };
        let (ana_id, ben_id) = (id_of("ana").await, id_of("ben").await);
        let now = chrono::Utc::now().naive_utc();
        let soon = UpcomingEvent {
            id: 41,
            title: "Planning surgery".into(),
            start: now + chrono::TimeDelta::hours(3),
            recipients: vec![ana_id, ben_id],
        };
        let later = UpcomingEvent {
            id: 42,
            title: "Annual conference".into(),
            start: now + chrono::TimeDelta::days(3),
            recipients: vec![ana_id],
        };
        let created = remind_of_events(&alpha.state, vec![soon.clone(), later.clone()]).await.unwrap();
        assert_eq!(created, 2);
        // The hourly task runs again: nobody is reminded twice.
        assert_eq!(remind_of_events(&alpha.state, vec![soon, later]).await.unwrap(), 0);
        assert_eq!(kinds(&ana, "").await, ["event_reminder"]);
        assert_eq!(kinds(&ben, "").await, ["event_reminder"]);
        let note = ana.get("/notifications").await.ok()["items"][0].clone();
        assert_eq!(note["event_id"], 41);
        assert!(note["summary"].as_str().unwrap().contains("Planning surgery"));
    }
}
