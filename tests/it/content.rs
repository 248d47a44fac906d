//! Threads, comments, votes, edits and deletes travel between three real instances
//! through the community's server, as FEP-1b12 describes: alpha hosts the community, beta
//! and gamma each have a member who follows it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;

/// A member of `app` who follows `community` on `host`, once the follow is accepted.
async fn follower(app: &TestApp, name: &str, host: &TestApp, community: &str) -> (Member, String) {
    let member = app.member(name).await;
    let handle = format!("{community}@{}", domain(host));
    member
        .post("/resolve", json!({"query": format!("!{handle}")}))
        .await
        .ok();
    member.joins(&handle).await;
    let check = member.clone();
    let h = handle.clone();
    eventually("the follow is accepted", move || {
        let (check, h) = (check.clone(), h.clone());
        async move { check.get(&format!("/communities/{h}")).await.ok()["membership"] == "accepted" }
    })
    .await;
    (member, handle)
}

/// The threads a member sees in a community, by title.
async fn titles(member: &Member, handle: &str) -> Vec<String> {
    names(
        &member
            .get(&format!("/communities/{handle}/posts"))
            .await
            .ok(),
        "title",
    )
}

async fn thread(member: &Member, handle: &str, title: &str) -> Option<Value> {
    let page = member
        .get(&format!("/communities/{handle}/posts"))
        .await
        .ok();
    page["items"]
        .as_array()?
        .iter()
        .find(|p| p["title"] == title)
        .cloned()
}

on_both_backends! {
    async fn threads_comments_votes_edits_and_deletes_travel_through_the_community(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let gamma = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let (bob, on_beta) = follower(&beta, "bob", &alpha, "planners").await;
        let (gus, on_gamma) = follower(&gamma, "gus", &alpha, "planners").await;

        // A member on beta starts a thread; alpha stores it and gamma sees it through
        // alpha's Announce.
        bob.post(&format!("/communities/{on_beta}/posts"), json!({"title": "Design codes", "body": "How do you *use* them?"}))
            .await.expect(StatusCode::CREATED);
        eventually("alpha stores bob's thread", || async { titles(&ana, "planners").await == ["Design codes"] }).await;
        eventually("gamma sees it", || async { titles(&gus, &on_gamma).await == ["Design codes"] }).await;
        let on_alpha = thread(&ana, "planners", "Design codes").await.unwrap();
        assert_eq!(on_alpha["author"]["name"], "bob");
        assert_eq!(on_alpha["author"]["domain"], domain(&beta));
        assert!(on_alpha["body_html"].as_str().unwrap().contains("<em>use</em>"));

        // A local thread on alpha reaches both followers.
        let local = ana.posts_in("planners", "Welcome").await;
        eventually("beta sees ana's thread", || async { titles(&bob, &on_beta).await.contains(&"Welcome".to_owned()) }).await;
        eventually("gamma sees ana's thread", || async { titles(&gus, &on_gamma).await.contains(&"Welcome".to_owned()) }).await;

        // gus replies from gamma to the thread as gamma knows it.
        let on_gamma_thread = thread(&gus, &on_gamma, "Welcome").await.unwrap()["id"].as_i64().unwrap();
        gus.replies(on_gamma_thread, None, "Glad to be here").await;
        eventually("alpha stores gus's reply", || async {
            names(&ana.get(&format!("/posts/{local}/comments")).await.ok(), "body") == ["Glad to be here"]
        }).await;
        let beta_thread = thread(&bob, &on_beta, "Welcome").await.unwrap()["id"].as_i64().unwrap();
        eventually("beta sees gus's reply", || async {
            names(&bob.get(&format!("/posts/{beta_thread}/comments")).await.ok(), "body") == ["Glad to be here"]
        }).await;

        // Votes from beta count on alpha and reach gamma.
        bob.post(&format!("/posts/{beta_thread}/vote"), json!({"score": 1})).await.ok();
        eventually("alpha counts bob's vote", || async {
            ana.get(&format!("/posts/{local}")).await.ok()["score"] == 1
        }).await;
        eventually("gamma counts it too", || async {
            gus.get(&format!("/posts/{on_gamma_thread}")).await.ok()["score"] == 1
        }).await;
        bob.post(&format!("/posts/{beta_thread}/vote"), json!({"score": 0})).await.ok();
        eventually("withdrawing the vote travels", || async {
            ana.get(&format!("/posts/{local}")).await.ok()["score"] == 0
        }).await;

        // bob edits, then deletes, his thread; everyone follows.
        let mine = thread(&bob, &on_beta, "Design codes").await.unwrap()["id"].as_i64().unwrap();
        bob.patch(&format!("/posts/{mine}"), json!({"title": "Design codes in practice"})).await.ok();
        eventually("the edit reaches gamma", || async {
            titles(&gus, &on_gamma).await.contains(&"Design codes in practice".to_owned())
        }).await;
        bob.delete(&format!("/posts/{mine}")).await.expect(StatusCode::NO_CONTENT);
        eventually("the delete reaches alpha", || async { titles(&ana, "planners").await == ["Welcome"] }).await;
        eventually("the delete reaches gamma", || async { titles(&gus, &on_gamma).await == ["Welcome"] }).await;
    }

    async fn the_community_enforces_its_rules_on_remote_members(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let (bob, on_beta) = follower(&beta, "bob", &alpha, "planners").await;
        let local = ana.posts_in("planners", "Rules").await;
        eventually("beta sees the thread", || async { titles(&bob, &on_beta).await == ["Rules"] }).await;
        let there = thread(&bob, &on_beta, "Rules").await.unwrap()["id"].as_i64().unwrap();

        // Alpha locks the thread and bans bob, and beta has not heard yet (the change is
        // made in alpha's database, so nothing is sent): alpha must hold the line itself.
        {
            let db = alpha.state.db.clone();
            let beta_domain = domain(&beta);
            tokio::task::spawn_blocking(move || {
                use guildhall::db;
                let mut conn = db.conn().unwrap();
                let changes = db::content::PostChanges { locked: Some(true), ..Default::default() };
                db::content::update_post(&mut conn, local, &changes).unwrap();
                let community = db::communities::local_by_name(&mut conn, "planners").unwrap().unwrap();
                let bob = db::federation::remote_person(&mut conn, "bob", &beta_domain).unwrap().unwrap();
                let ana = db::persons::local_person_by_name(&mut conn, "ana").unwrap().unwrap();
                db::communities::put_ban(&mut conn, community.id, bob.id, ana.id, "spam", None).unwrap();
            }).await.unwrap();
        }
        // A locked thread refuses remote replies.
        bob.replies(there, None, "sneaking in").await;
        // A banned member's thread is refused too.
        bob.post(&format!("/communities/{on_beta}/posts"), json!({"title": "Buy now"})).await.expect(StatusCode::CREATED);
        // Alpha's API agrees that bob is banned.
        let bans = ana.get("/communities/planners/bans").await.ok();
        assert_eq!(bans["items"][0]["reason"], "spam", "{bans}");
        assert_eq!(bans["items"][0]["member"]["name"], "bob", "{bans}");
        // Once beta's deliveries have been answered, neither was stored on alpha.
        beta.deliveries_settled().await;
        assert_eq!(ana.get(&format!("/posts/{local}/comments")).await.ok()["items"], json!([]));
        assert_eq!(titles(&ana, "planners").await, ["Rules"]);
    }
}

on_both_backends! {
    async fn facilitators_actions_on_alpha_take_effect_on_beta_and_gamma(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let gamma = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let (bob, on_beta) = follower(&beta, "bob", &alpha, "planners").await;
        let (gus, on_gamma) = follower(&gamma, "gus", &alpha, "planners").await;
        let local = ana.posts_in("planners", "Heated").await;
        let spam = ana.posts_in("planners", "Off topic").await;
        eventually("beta sees both threads", || async { titles(&bob, &on_beta).await.len() == 2 }).await;
        eventually("gamma sees both threads", || async { titles(&gus, &on_gamma).await.len() == 2 }).await;
        let on_beta_thread = thread(&bob, &on_beta, "Heated").await.unwrap()["id"].as_i64().unwrap();
        let on_gamma_thread = thread(&gus, &on_gamma, "Heated").await.unwrap()["id"].as_i64().unwrap();

        // A change of title reaches the followers' servers.
        ana.patch("/communities/planners", json!({"title": "Planning officers"})).await.ok();
        eventually("beta shows the new title", || async {
            bob.get(&format!("/communities/{on_beta}")).await.ok()["title"] == "Planning officers"
        }).await;

        // Pinning and new facilitators reach the followers' servers too.
        ana.post(&format!("/posts/{local}/pin"), json!({"on": true})).await.ok();
        eventually("beta's copy is pinned", || async {
            bob.get(&format!("/posts/{on_beta_thread}")).await.ok()["pinned"] == true
        }).await;
        ana.post("/communities/planners/moderators", json!({"member": format!("gus@{}", domain(&gamma))}))
            .await.expect(StatusCode::NO_CONTENT);
        // ana was backfilled as the first facilitator when gus followed.
        let facilitators = || async {
            let mut names: Vec<String> = gus.get(&format!("/communities/{on_gamma}")).await.ok()["moderators"]
                .as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()).collect();
            names.sort();
            names
        };
        eventually("gamma lists gus as a facilitator", || async { facilitators().await == ["ana", "gus"] }).await;
        ana.delete(&format!("/communities/planners/moderators/gus@{}", domain(&gamma))).await.expect(StatusCode::NO_CONTENT);
        eventually("gamma drops gus as a facilitator", || async { facilitators().await == ["ana"] }).await;

        // Lock: beta refuses new replies locally once the Announce arrives.
        ana.post(&format!("/posts/{local}/lock"), json!({"on": true, "reason": "cooling off"})).await.ok();
        eventually("beta's copy is locked", || async {
            bob.get(&format!("/posts/{on_beta_thread}")).await.ok()["locked"] == true
        }).await;
        bob.post(&format!("/posts/{on_beta_thread}/comments"), json!({"body": "but"})).await.error(StatusCode::FORBIDDEN, "thread_locked");
        eventually("gamma's copy is locked", || async {
            gus.get(&format!("/posts/{on_gamma_thread}")).await.ok()["locked"] == true
        }).await;

        // Removal: the thread disappears from members' lists elsewhere too.
        ana.post(&format!("/posts/{spam}/remove"), json!({"on": true, "reason": "off topic"})).await.ok();
        eventually("beta no longer lists the removed thread", || async { titles(&bob, &on_beta).await == ["Heated"] }).await;
        eventually("gamma no longer lists it", || async { titles(&gus, &on_gamma).await == ["Heated"] }).await;

        // A report made on beta reaches alpha's facilitators.
        bob.post(&format!("/posts/{on_beta_thread}/report"), json!({"reason": "needs a look"})).await.expect(StatusCode::CREATED);
        eventually("alpha's facilitators see the report", || async {
            names(&ana.get("/communities/planners/reports").await.ok(), "reason") == ["needs a look"]
        }).await;

        // A ban on alpha is recorded on gamma, so gamma refuses gus's posts there at once.
        ana.post("/communities/planners/bans", json!({"member": format!("gus@{}", domain(&gamma)), "reason": "abuse"}))
            .await.expect(StatusCode::NO_CONTENT);
        eventually("gamma records the ban", || async {
            gus.post(&format!("/communities/{on_gamma}/posts"), json!({"title": "probe"})).await.status == StatusCode::FORBIDDEN
        }).await;
    }
}

on_both_backends! {
    async fn a_deleted_account_disappears_from_other_servers(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let (bob, on_beta) = follower(&beta, "bob", &alpha, "planners").await;
        bob.post(&format!("/communities/{on_beta}/posts"), json!({"title": "Leaving soon"})).await.expect(StatusCode::CREATED);
        eventually("alpha stores bob's thread", || async { titles(&ana, "planners").await == ["Leaving soon"] }).await;

        let gone = bob.request(reqwest::Method::DELETE, "/me", Some(json!({"password": "correct horse battery"}))).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{:?}", gone.body);
        eventually("alpha removes bob's thread", || async { titles(&ana, "planners").await.is_empty() }).await;
        eventually("alpha ends bob's membership", || async {
            ana.get("/communities/planners/members").await.ok()["items"].as_array().is_some_and(|m| m.len() == 1)
        }).await;
    }
}
