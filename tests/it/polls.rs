//! Polls on threads: members vote and see the results once they have voted; people on
//! Mastodon-shaped servers vote with a named `Note`; a poll asked on one instance is
//! answered from another. Federated as a `Question`.

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;
use crate::peer::Peer;

const AP: &str = "application/activity+json";

/// Starts a thread with a poll and returns its id.
async fn asks(
    member: &Member,
    community: &str,
    title: &str,
    options: &[&str],
    multiple: bool,
) -> i64 {
    member
        .post(
            &format!("/communities/{community}/posts"),
            json!({"title": title, "body": "Please vote.", "poll": {"options": options, "multiple": multiple}}),
        )
        .await
        .expect(StatusCode::CREATED)["id"]
        .as_i64()
        .expect("post id")
}

async fn poll(member: &Member, post: i64) -> Value {
    member.get(&format!("/posts/{post}")).await.ok()["poll"].clone()
}

fn votes(poll: &Value) -> Vec<Value> {
    poll["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["votes"].clone())
        .collect()
}

/// Closes a poll by moving its closing time into the past, as time passing would.
fn close(app: &TestApp, post: i64) {
    use guildhall::db::schema::polls;
    let mut conn = app.state.db.conn().expect("connection");
    let past = chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1);
    diesel::update(polls::table.find(post))
        .set(polls::closes_at.eq(Some(past)))
        .execute(&mut *conn)
        .expect("closed");
}

async fn fetch_object(app: &TestApp, path: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{}{path}", app.base))
        .header("accept", AP)
        .send()
        .await
        .expect("fetched")
        .json()
        .await
        .expect("JSON")
}

on_both_backends! {
    async fn members_vote_in_a_poll_and_see_results_once_they_have(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let cyd = app.member("cyd").await;
        ana.creates_community("planners", "public").await;

        // What a poll may hold.
        let bad = |poll: Value| {
            let ana = ana.clone();
            async move {
                ana.post("/communities/planners/posts", json!({"title": "Meeting day", "poll": poll})).await
            }
        };
        bad(json!({"options": ["Only one"]})).await.error(StatusCode::BAD_REQUEST, "invalid_poll");
        bad(json!({"options": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]})).await.error(StatusCode::BAD_REQUEST, "invalid_poll");
        bad(json!({"options": ["Tuesday", "tuesday"]})).await.error(StatusCode::BAD_REQUEST, "invalid_poll");
        bad(json!({"options": ["Tuesday", "Friday"], "closes_at": "2020-01-01T00:00:00Z"})).await.error(StatusCode::BAD_REQUEST, "invalid_closing_time");

        let post = asks(&ana, "planners", "Meeting day", &["Tuesday", "Wednesday", "Thursday"], false).await;

        // Before voting, ben sees the options but not the counts; the author sees them.
        let before = poll(&ben, post).await;
        assert_eq!(before["multiple"], false);
        assert_eq!(before["closed"], false);
        assert_eq!(before["results_visible"], false);
        assert_eq!(before["voters_count"], Value::Null);
        assert_eq!(before["options"][1], json!({"position": 1, "name": "Wednesday", "votes": null, "percent": null}));
        assert_eq!(before["voted"], json!([]));
        assert_eq!(before["can_vote"], true);
        assert_eq!(poll(&ana, post).await["results_visible"], true, "the author always sees the results");
        assert_eq!(poll(&app.visitor(), post).await["results_visible"], false);

        // A single-choice poll takes one known option.
        let vote = |member: &Member, choices: Value| {
            let member = member.clone();
            async move { member.post(&format!("/posts/{post}/poll"), json!({"choices": choices})).await }
        };
        vote(&ben, json!([0, 1])).await.error(StatusCode::BAD_REQUEST, "invalid_choice");
        vote(&ben, json!([7])).await.error(StatusCode::BAD_REQUEST, "invalid_choice");
        vote(&ben, json!([])).await.error(StatusCode::BAD_REQUEST, "invalid_choice");
        app.visitor().post(&format!("/posts/{post}/poll"), json!({"choices": [1]})).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");

        let after = vote(&ben, json!([1])).await.ok()["poll"].clone();
        assert_eq!(after["voted"], json!([1]));
        assert_eq!(after["results_visible"], true);
        assert_eq!(after["voters_count"], 1);
        assert_eq!(votes(&after), [json!(0), json!(1), json!(0)]);
        assert_eq!(after["options"][1]["percent"], 100);
        assert_eq!(after["can_change"], true);

        // A vote can be changed, and withdrawn, while the poll is open.
        vote(&cyd, json!([1])).await.ok();
        let changed = vote(&ben, json!([2])).await.ok()["poll"].clone();
        assert_eq!(votes(&changed), [json!(0), json!(1), json!(1)]);
        assert_eq!(changed["voters_count"], 2);
        assert_eq!(changed["options"][2]["percent"], 50);
        let withdrawn = ben.delete(&format!("/posts/{post}/poll")).await.ok()["poll"].clone();
        assert_eq!(withdrawn["voted"], json!([]));
        assert_eq!(withdrawn["results_visible"], false);
        assert_eq!(poll(&ana, post).await["voters_count"], 1);
        assert_eq!(votes(&poll(&ana, post).await), [json!(0), json!(1), json!(0)]);

        // Several choices where the poll allows them; each voter counts once.
        let many = asks(&ana, "planners", "Which formats?", &["Online", "In person", "Hybrid"], true).await;
        let several = cyd.post(&format!("/posts/{many}/poll"), json!({"choices": [0, 2, 2]})).await.ok()["poll"].clone();
        assert_eq!(several["multiple"], true);
        assert_eq!(several["voted"], json!([0, 2]));
        assert_eq!(votes(&several), [json!(1), json!(0), json!(1)]);
        assert_eq!(several["voters_count"], 1);
        assert_eq!(several["options"][0]["percent"], 100);

        // Lists show the poll too.
        let listed = ben.get("/communities/planners/posts").await.ok();
        assert!(listed["items"].as_array().unwrap().iter().all(|p| p["poll"]["options"].is_array()), "{listed}");

        // Once closed, nobody votes and everybody sees the results.
        close(&app, post);
        vote(&ben, json!([0])).await.error(StatusCode::CONFLICT, "poll_closed");
        cyd.delete(&format!("/posts/{post}/poll")).await.error(StatusCode::CONFLICT, "poll_closed");
        let closed = poll(&app.visitor(), post).await;
        assert_eq!(closed["closed"], true);
        assert_eq!(closed["results_visible"], true);
        assert_eq!(votes(&closed), [json!(0), json!(1), json!(0)]);
        assert_eq!(poll(&ben, post).await["can_vote"], false);

        // A member's export holds their choices.
        assert_eq!(cyd.get("/me/export").await.ok()["votes"]["polls"], json!([
            {"thread_id": post, "position": 1, "option": "Wednesday"},
            {"thread_id": many, "position": 0, "option": "Online"},
            {"thread_id": many, "position": 2, "option": "Hybrid"},
        ]));

        // A thread without a poll has none; voting there is refused.
        let plain = ana.posts_in("planners", "No poll here").await;
        assert_eq!(poll(&ben, plain).await, Value::Null);
        vote_on(&ben, plain).await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn a_mastodon_user_votes_with_a_named_note(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let post = asks(&ana, "planners", "Meeting day", &["Tuesday", "Wednesday"], false).await;
        let question = format!("{}/post/{post}", alpha.base);
        let ana_url = format!("{}/u/ana", alpha.base);

        // Served as a Question with Mastodon's poll fields beside those of our Page.
        let object = fetch_object(&alpha, &format!("/post/{post}")).await;
        assert_eq!(object["type"], "Question");
        assert_eq!(object["id"], question);
        assert_eq!(object["name"], "Meeting day");
        assert_eq!(object["attributedTo"], ana_url);
        assert_eq!(object["audience"], format!("{}/c/planners", alpha.base));
        assert_eq!(object["context"], question);
        assert!(object["content"].as_str().unwrap().contains("Please vote."));
        assert_eq!(object["oneOf"], json!([
            {"type": "Note", "name": "Tuesday", "replies": {"type": "Collection", "totalItems": 0}},
            {"type": "Note", "name": "Wednesday", "replies": {"type": "Collection", "totalItems": 0}},
        ]));
        assert!(object.get("anyOf").is_none());
        assert_eq!(object["votersCount"], 0);
        assert!(object.get("closed").is_none());
        // Lemmy-shaped readers find everything a Page has, and our own inbox takes it as a thread.
        if let Some(page) = crate::shapes::lemmy("page.json") {
            crate::shapes::same_shape("Question", &object, &page, &[
                "id", "type", "attributedTo", "to", "audience", "name", "content", "mediaType", "source",
                "attachment", "sensitive", "tag", "context", "published",
            ]);
        }
        let create = json!({"id": format!("{}/activities/create/1", alpha.base), "type": "Create",
            "actor": ana_url, "object": object.clone(), "to": object["to"].clone()});
        let verdict = guildhall::federation::check::check(create.to_string().as_bytes());
        assert!(matches!(verdict, guildhall::federation::check::Verdict::Accepted(_)), "{verdict:?}");

        let masto = Peer::start("mastodon").await;
        let bo = masto.person("bo");
        let vote = |n: u32, activity: u32, option: &str| json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{bo}#votes/{n}/activity/{activity}"),
            "type": "Create",
            "actor": bo,
            "to": [ana_url],
            "object": {
                "id": format!("{bo}#votes/{n}"),
                "type": "Note",
                "name": option,
                "attributedTo": bo,
                "inReplyTo": question,
                "to": [ana_url],
            },
        });
        let verdict = guildhall::federation::check::check(vote(1, 1, "Wednesday").to_string().as_bytes());
        assert!(matches!(verdict, guildhall::federation::check::Verdict::Accepted(_)), "{verdict:?}");
        assert_eq!(masto.sends_as(&bo, &alpha, "/u/ana/inbox", vote(1, 1, "Wednesday")).await, StatusCode::ACCEPTED);
        let counted = poll(&ana, post).await;
        assert_eq!(votes(&counted), [json!(0), json!(1)]);
        assert_eq!(counted["voters_count"], 1);
        // The same vote again (a retry under a new activity id) counts once.
        assert_eq!(masto.sends_as(&bo, &alpha, "/inbox", vote(1, 2, "Wednesday")).await, StatusCode::ACCEPTED);
        // A second choice in a single-choice poll, and an unknown option, are refused.
        assert_eq!(masto.sends_as(&bo, &alpha, "/inbox", vote(2, 1, "Tuesday")).await, StatusCode::BAD_REQUEST);
        assert_eq!(masto.sends_as(&bo, &alpha, "/inbox", vote(3, 1, "Someday")).await, StatusCode::BAD_REQUEST);
        let counted = poll(&ana, post).await;
        assert_eq!(votes(&counted), [json!(0), json!(1)]);
        assert_eq!(counted["voters_count"], 1);
        // A vote is not a reply.
        assert_eq!(ana.get(&format!("/posts/{post}")).await.ok()["comment_count"], 0);

        let object = fetch_object(&alpha, &format!("/post/{post}")).await;
        assert_eq!(object["oneOf"][1]["replies"]["totalItems"], 1);
        assert_eq!(object["votersCount"], 1);

        // Closed polls take no more votes, and say so.
        close(&alpha, post);
        assert_eq!(masto.sends_as(&masto.person("cy"), &alpha, "/inbox", json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#votes/1/activity", masto.person("cy")),
            "type": "Create",
            "actor": masto.person("cy"),
            "object": {"id": format!("{}#votes/1", masto.person("cy")), "type": "Note", "name": "Tuesday",
                "attributedTo": masto.person("cy"), "inReplyTo": question, "to": [ana_url]},
        })).await, StatusCode::CONFLICT);
        assert_eq!(poll(&ana, post).await["voters_count"], 1);
        let object = fetch_object(&alpha, &format!("/post/{post}")).await;
        assert!(object["closed"].is_string(), "{object}");
        assert!(object["endTime"].is_string(), "{object}");

        // A Mastodon poll that mentions the community starts a thread with its poll, and
        // our members' votes go back to its author as named Notes.
        let group = format!("{}/c/planners", alpha.base);
        let theirs = format!("{bo}/statuses/9");
        let question = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{theirs}/activity"),
            "type": "Create",
            "actor": bo,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [group],
            "object": {
                "id": theirs, "type": "Question", "attributedTo": bo,
                "content": "<p>@planners Should we meet in person?</p>",
                "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [group],
                "tag": [{"type": "Mention", "href": group}],
                "endTime": "2099-01-01T00:00:00Z", "votersCount": 3,
                "oneOf": [
                    {"type": "Note", "name": "Yes", "replies": {"type": "Collection", "totalItems": 2}},
                    {"type": "Note", "name": "No", "replies": {"type": "Collection", "totalItems": 1}},
                ],
            },
        });
        assert_eq!(masto.sends_as(&bo, &alpha, "/inbox", question).await, StatusCode::ACCEPTED);
        let listed = ana.get("/communities/planners/posts").await.ok();
        let stored = listed["items"].as_array().unwrap().iter()
            .find(|p| p["title"] == "Should we meet in person?")
            .unwrap_or_else(|| panic!("the poll is a thread: {listed}"))
            .clone();
        assert_eq!(votes(&stored["poll"]), [json!(2), json!(1)], "a facilitator sees the counts");
        assert_eq!(stored["poll"]["voters_count"], 3);
        let id = stored["id"].as_i64().unwrap();
        let voted = ana.post(&format!("/posts/{id}/poll"), json!({"choices": [0]})).await.ok()["poll"].clone();
        assert_eq!(votes(&voted), [json!(3), json!(1)]);
        eventually("bo's server receives ana's vote", || async {
            masto.received().iter().any(|a| {
                a["type"] == "Create" && a["actor"] == ana_url && a["to"] == json!([bo])
                    && a["object"]["type"] == "Note" && a["object"]["name"] == "Yes"
                    && a["object"]["inReplyTo"] == theirs && a["object"].get("content").is_none()
            })
        }).await;

        // A multiple-choice poll is `anyOf`.
        let many = asks(&ana, "planners", "Formats", &["Online", "Hybrid"], true).await;
        let object = fetch_object(&alpha, &format!("/post/{many}")).await;
        assert_eq!(object["anyOf"][1]["name"], "Hybrid");
        assert!(object.get("oneOf").is_none());
    }

    async fn a_poll_asked_on_alpha_is_answered_from_beta(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let mut beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let bob = beta.member("bob").await;
        let handle = format!("planners@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": format!("!{handle}")})).await.ok();
        bob.joins(&handle).await;
        eventually("alpha accepts bob's follow", || async {
            bob.get(&format!("/communities/{handle}")).await.ok()["membership"] == "accepted"
        }).await;

        let post = asks(&ana, "planners", "Meeting day", &["Tuesday", "Wednesday", "Thursday"], false).await;
        eventually("the poll reaches beta", || async {
            let listed = bob.get(&format!("/communities/{handle}/posts")).await.ok();
            listed["items"].as_array().unwrap().iter().any(|p| p["title"] == "Meeting day" && p["poll"].is_object())
        }).await;
        let listed = bob.get(&format!("/communities/{handle}/posts")).await.ok();
        let there = listed["items"].as_array().unwrap().iter()
            .find(|p| p["title"] == "Meeting day")
            .and_then(|p| p["id"].as_i64())
            .expect("beta's copy");
        let seen = poll(&bob, there).await;
        assert_eq!(seen["options"].as_array().unwrap().iter().map(|o| o["name"].clone()).collect::<Vec<_>>(),
            [json!("Tuesday"), json!("Wednesday"), json!("Thursday")]);
        assert_eq!(seen["results_visible"], false);

        // bob votes on beta; the vote is counted on alpha, and is final.
        let voted = bob.post(&format!("/posts/{there}/poll"), json!({"choices": [2]})).await.ok()["poll"].clone();
        assert_eq!(voted["voted"], json!([2]));
        assert_eq!(voted["can_change"], false);
        eventually("alpha counts bob's vote", || async {
            votes(&poll(&ana, post).await) == [json!(0), json!(0), json!(1)]
        }).await;
        assert_eq!(poll(&ana, post).await["voters_count"], 1);
        assert_eq!(ana.get(&format!("/posts/{post}")).await.ok()["comment_count"], 0);
        bob.post(&format!("/posts/{there}/poll"), json!({"choices": [1]})).await.error(StatusCode::CONFLICT, "vote_final");
        bob.delete(&format!("/posts/{there}/poll")).await.error(StatusCode::CONFLICT, "vote_final");

        // A vote on alpha reaches beta's copy through the community's Update.
        let ann = alpha.member("ann").await;
        ann.post(&format!("/posts/{post}/poll"), json!({"choices": [0]})).await.ok();
        eventually("beta hears the new counts", || async {
            let seen = poll(&bob, there).await;
            seen["voters_count"] == 2 && votes(&seen) == [json!(1), json!(0), json!(1)]
        }).await;

        // While beta is down, a burst of votes waits for it as the newest counts, not as
        // one Update per vote; when it is back, it gets them.
        alpha.deliveries_settled().await;
        beta.stop().await;
        for name in ["cat", "dan", "eve", "fay", "gus"] {
            alpha.member(name).await.post(&format!("/posts/{post}/poll"), json!({"choices": [1]})).await.ok();
        }
        let db = alpha.state.db.clone();
        let beta_base = beta.base.clone();
        let waiting = tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().expect("connection");
            guildhall::db::federation::undelivered(&mut conn, 100).expect("rows")
                .into_iter().filter(|d| d.inbox_url.starts_with(&beta_base)).count()
        }).await.unwrap();
        // One may have been tried (and failed) before the next vote came; the rest are one.
        assert!((1..=2).contains(&waiting), "{waiting} deliveries wait for beta after five votes");
        beta.restart().await;
        eventually("beta hears the burst's final counts", || async {
            let seen = poll(&bob, there).await;
            seen["voters_count"] == 7 && votes(&seen) == [json!(1), json!(5), json!(1)]
        }).await;
    }
}

async fn vote_on(member: &Member, post: i64) -> Reply {
    member
        .post(&format!("/posts/{post}/poll"), json!({"choices": [0]}))
        .await
}
