//! Events: facilitators create them, members answer going, maybe or not going, the
//! online link shows only to people going, capacity holds, calendars list them; an event
//! on alpha is answered from beta with the counts agreeing on both; a Mobilizon `Event`
//! is stored as an event; a private community's events stay with its members.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;
use crate::peer::Peer;

const AP: &str = "application/activity+json";

fn meetup(title: &str) -> Value {
    json!({
        "title": title,
        "description": "Bring a question; we start on time.",
        "starts_at": "2099-01-15T18:30",
        "ends_at": "2099-01-15T20:00",
        "timezone": "Europe/London",
        "address": "Civic Hall, Leeds",
        "online_link": "https://meet.example/room-42",
    })
}

async fn creates_event(member: &Member, community: &str, body: Value) -> i64 {
    member
        .post(&format!("/communities/{community}/events"), body)
        .await
        .expect(StatusCode::CREATED)["id"]
        .as_i64()
        .expect("event id")
}

async fn event(member: &Member, id: i64) -> Value {
    member.get(&format!("/events/{id}")).await.ok()
}

async fn answers(member: &Member, id: i64, status: &str) -> Reply {
    member
        .request(
            reqwest::Method::PUT,
            &format!("/events/{id}/rsvp"),
            Some(json!({"status": status})),
        )
        .await
}

/// A calendar feed fetched with (or without) a member's session.
async fn calendar(app: &TestApp, path: &str, who: Option<&Member>) -> (StatusCode, String) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(token) = who.and_then(|m| m.token.as_deref()) {
        request = request.header("cookie", format!("guildhall_session={token}"));
    }
    let response = request.send().await.expect("calendar");
    let status = response.status();
    (status, response.text().await.expect("text"))
}

/// The `VEVENT`s of a calendar, unfolded, as property name -> value.
fn vevents(ics: &str) -> Vec<Vec<(String, String)>> {
    let unfolded = ics.replace("\r\n ", "");
    let mut out = Vec::new();
    let mut current: Option<Vec<(String, String)>> = None;
    for line in unfolded.split("\r\n") {
        match line {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => out.extend(current.take()),
            _ => {
                if let (Some(props), Some((name, value))) = (current.as_mut(), line.split_once(':'))
                {
                    props.push((name.to_owned(), value.to_owned()));
                }
            }
        }
    }
    out
}

fn prop<'a>(event: &'a [(String, String)], name: &str) -> Option<&'a str> {
    event
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

on_both_backends! {
    async fn facilitators_create_events_and_members_answer(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let cyd = app.member("cyd").await;
        ana.creates_community("planners", "public").await;

        // Only facilitators create events, and an event needs a real zone, an order and a place.
        ben.post("/communities/planners/events", meetup("Winter meet-up")).await
            .error(StatusCode::FORBIDDEN, "not_moderator");
        let mut bad = meetup("Winter meet-up");
        bad["timezone"] = json!("Mars/Olympus");
        ana.post("/communities/planners/events", bad).await.error(StatusCode::BAD_REQUEST, "invalid_timezone");
        let mut bad = meetup("Winter meet-up");
        bad["ends_at"] = json!("2099-01-15T17:00");
        ana.post("/communities/planners/events", bad).await.error(StatusCode::BAD_REQUEST, "invalid_time");
        let mut bad = meetup("Winter meet-up");
        bad["address"] = Value::Null;
        bad["online_link"] = Value::Null;
        ana.post("/communities/planners/events", bad).await.error(StatusCode::BAD_REQUEST, "missing_place");

        let mut body = meetup("Winter meet-up, Leeds; all welcome");
        body["capacity"] = json!(1);
        let id = creates_event(&ana, "planners", body).await;

        // Everyone sees the event; the online link only those going (and facilitators).
        let seen = event(&app.visitor(), id).await;
        assert_eq!(seen["title"], "Winter meet-up, Leeds; all welcome");
        assert_eq!(seen["starts_at"], "2099-01-15T18:30:00Z");
        assert_eq!(seen["starts_at_local"], "2099-01-15T18:30:00+00:00");
        assert_eq!(seen["timezone"], "Europe/London");
        assert_eq!(seen["online"], true);
        assert_eq!(seen["online_link"], Value::Null);
        assert_eq!(seen["going_count"], 0);
        assert_eq!(seen["remaining"], 1);
        assert_eq!(seen["can_answer"], false);
        assert_eq!(event(&ana, id).await["online_link"], "https://meet.example/room-42");
        // As a thread, it says it is an event, in the community's list too.
        let thread = ana.get(&format!("/posts/{id}")).await.ok();
        assert_eq!(thread["event"], json!({"starts_at": "2099-01-15T18:30:00Z", "ends_at": "2099-01-15T20:00:00Z", "timezone": "Europe/London", "cancelled": false}));
        let listed = ana.get("/communities/planners/posts").await.ok();
        assert_eq!(listed["items"][0]["event"]["starts_at"], "2099-01-15T18:30:00Z", "{listed}");
        app.visitor().put_rsvp(id, "going").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        answers(&ben, id, "perhaps").await.error(StatusCode::BAD_REQUEST, "invalid_rsvp");

        let going = answers(&ben, id, "going").await.ok();
        assert_eq!(going["my_rsvp"], "going");
        assert_eq!(going["online_link"], "https://meet.example/room-42");
        assert_eq!(going["going_count"], 1);
        assert_eq!(going["remaining"], 0);

        // Going beyond the capacity is refused; maybe is not a place.
        answers(&cyd, id, "going").await.error(StatusCode::CONFLICT, "event_full");
        let maybe = answers(&cyd, id, "maybe").await.ok();
        assert_eq!(maybe["my_rsvp"], "maybe");
        assert_eq!(maybe["maybe_count"], 1);
        assert_eq!(maybe["online_link"], Value::Null, "maybe is not going");

        // The thread the event is shares its id.
        assert_eq!(ben.get(&format!("/posts/{id}")).await.ok()["title"], "Winter meet-up, Leeds; all welcome");

        // Lists: upcoming soonest first, past ones apart.
        let soon = creates_event(&ana, "planners", json!({"title": "Autumn call", "starts_at": "2098-10-01T09:00:00Z",
            "ends_at": "2098-10-01T10:00:00Z", "timezone": "UTC", "online_link": "https://meet.example/autumn"})).await;
        let upcoming = ben.get("/communities/planners/events").await.ok();
        assert_eq!(names(&upcoming, "id"), [soon.to_string(), id.to_string()]);
        let first = ben.get("/communities/planners/events?limit=1").await.ok();
        let cursor = first["next_cursor"].as_str().expect("a second page");
        let second = ben.get(&format!("/communities/planners/events?limit=1&cursor={cursor}")).await.ok();
        assert_eq!(names(&second, "id"), [id.to_string()]);
        assert_eq!(ben.get("/communities/planners/events?when=past").await.ok()["items"], json!([]));

        // Who is going: everyone sees the going list of a public community's event;
        // facilitators see every answer.
        let public_list = app.visitor().get(&format!("/events/{id}/attendees")).await.ok();
        assert_eq!(public_list, json!([{"member": {"name": "ben", "domain": null, "display_name": null}, "status": "going"}]));
        let all = ana.get(&format!("/events/{id}/attendees")).await.ok();
        assert_eq!(all.as_array().unwrap().len(), 2, "{all}");

        // Withdrawing frees the place.
        let withdrawn = ben.delete(&format!("/events/{id}/rsvp")).await.ok();
        assert_eq!(withdrawn["my_rsvp"], Value::Null);
        assert_eq!(withdrawn["going_count"], 0);
        assert_eq!(answers(&cyd, id, "going").await.ok()["going_count"], 1);
        assert_eq!(answers(&ben, id, "declined").await.ok()["my_rsvp"], "declined");
        let exported = ben.get("/me/export").await.ok()["event_answers"].clone();
        assert_eq!(exported.as_array().map(Vec::len), Some(1), "{exported}");
        assert_eq!((&exported[0]["thread_id"], &exported[0]["answer"]), (&json!(id), &json!("declined")));

        // Facilitators edit; the capacity cannot drop below those going.
        let mut edited = meetup("Winter meet-up");
        edited["capacity"] = json!(30);
        edited["address"] = json!("Carriageworks, Leeds");
        let put = ana.request(reqwest::Method::PUT, &format!("/events/{id}"), Some(edited)).await.ok();
        assert_eq!(put["address"], "Carriageworks, Leeds");
        assert_eq!(put["going_count"], 1);
        ben.request(reqwest::Method::PUT, &format!("/events/{id}"), Some(meetup("Mine"))).await
            .error(StatusCode::FORBIDDEN, "not_moderator");

        // A reminder is due to each person going or maybe, before the event starts.
        let due = guildhall::services::events::starting_soon(&app.state, chrono::TimeDelta::days(365 * 80)).await.unwrap();
        assert!(due.iter().filter(|r| r.event_id == id).count() == 1, "cyd only: {due:?}");
        let none = guildhall::services::events::starting_soon(&app.state, chrono::TimeDelta::hours(1)).await.unwrap();
        assert!(none.is_empty());

        // The community's calendar: escaped, folded, UTC, no online link for anyone reading it publicly.
        let (status, ics) = calendar(&app, "/c/planners/events.ics", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75 && !l.contains('\n')));
        let events = vevents(&ics);
        assert_eq!(events.len(), 2, "{ics}");
        let winter = events.iter().find(|e| prop(e, "SUMMARY") == Some("Winter meet-up")).expect("the meet-up");
        assert_eq!(prop(winter, "DTSTART"), Some("20990115T183000Z"));
        assert_eq!(prop(winter, "DTEND"), Some("20990115T200000Z"));
        assert_eq!(prop(winter, "LOCATION"), Some("Carriageworks\\, Leeds"));
        assert_eq!(prop(winter, "UID"), Some(format!("{}/post/{id}", app.base).as_str()));
        assert_eq!(prop(winter, "DESCRIPTION"), Some("Bring a question\\; we start on time."));
        assert!(!ics.contains("meet.example"), "a public calendar has no online link: {ics}");

        // A member's own calendar has what they are going to, with its link.
        let (_, mine) = calendar(&app, "/u/cyd/events.ics", Some(&cyd)).await;
        let mine = vevents(&mine);
        assert_eq!(mine.len(), 1);
        assert_eq!(prop(&mine[0], "CONFERENCE;VALUE=URI"), Some("https://meet.example/room-42"));
        let (_, theirs) = calendar(&app, "/u/cyd/events.ics", None).await;
        assert!(!theirs.contains("meet.example"), "{theirs}");
        assert_eq!(vevents(&theirs).len(), 1);
        let (status, _) = calendar(&app, "/u/nobody/events.ics", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Cancelled: kept and marked, and nobody answers any more.
        let cancelled = ana.post(&format!("/events/{id}/cancel"), json!({"cancelled": true})).await.ok();
        assert_eq!(cancelled["cancelled"], true);
        answers(&ben, id, "going").await.error(StatusCode::CONFLICT, "event_cancelled");
        let (_, ics) = calendar(&app, "/c/planners/events.ics", None).await;
        assert!(ics.contains("STATUS:CANCELLED\r\n"));

        // Served as a Mobilizon-shaped Event, without the online link.
        let object: Value = reqwest::Client::new().get(format!("{}/post/{id}", app.base)).header("accept", AP)
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(object["type"], "Event");
        assert_eq!(object["attributedTo"], format!("{}/c/planners", app.base));
        assert_eq!(object["actor"], format!("{}/u/ana", app.base));
        assert_eq!(object["startTime"], "2099-01-15T18:30:00Z");
        assert_eq!(object["endTime"], "2099-01-15T20:00:00Z");
        assert_eq!(object["timezone"], "Europe/London");
        assert_eq!(object["joinMode"], "free");
        assert_eq!(object["participantCount"], 1);
        assert_eq!(object["maximumAttendeeCapacity"], 30);
        assert_eq!(object["location"]["type"], "Place");
        assert_eq!(object["location"]["name"], "Carriageworks, Leeds");
        assert_eq!(object["ical:status"], "CANCELLED");
        assert!(!object.to_string().contains("meet.example"), "{object}");
        let create = json!({"id": format!("{}/activities/create/1", app.base), "type": "Create",
            "actor": object["actor"].clone(), "object": object.clone(), "to": object["to"].clone()});
        let verdict = guildhall::federation::check::check(create.to_string().as_bytes());
        assert!(matches!(verdict, guildhall::federation::check::Verdict::Accepted(_)), "{verdict:?}");

        // Search finds events by title and description.
        let hits = ben.get("/search?q=Carriageworks").await.ok();
        let hits = ben.get("/search?q=question").await.ok().to_string() + &hits.to_string();
        assert!(hits.contains("Winter meet-up"), "{hits}");
    }

    async fn a_private_communitys_events_stay_with_its_members(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let eve = app.member("eve").await;
        ana.creates_community("casework", "private").await;
        assert_eq!(ben.joins("casework").await, "pending");
        ana.post_empty("/communities/casework/members/ben/approve").await.ok();
        let id = creates_event(&ana, "casework", meetup("Confidential case review")).await;

        assert_eq!(event(&ben, id).await["title"], "Confidential case review");
        for who in [&eve, &app.visitor()] {
            who.get(&format!("/events/{id}")).await.error(StatusCode::FORBIDDEN, "members_only");
            who.get("/communities/casework/events").await.error(StatusCode::FORBIDDEN, "members_only");
            let hits = who.get("/search?q=Confidential").await.ok();
            assert_eq!(hits["items"], json!([]), "{hits}");
        }
        answers(&eve, id, "going").await.error(StatusCode::FORBIDDEN, "members_only");
        let (status, _) = calendar(&app, "/c/casework/events.ics", Some(&eve)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = calendar(&app, "/c/casework/events.ics", None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, ics) = calendar(&app, "/c/casework/events.ics", Some(&ben)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(vevents(&ics).len(), 1);
        assert!(!ics.contains("meet.example"), "ben is not going");

        // ben goes; his calendar shows it to him, and to nobody else.
        answers(&ben, id, "going").await.ok();
        let (_, own) = calendar(&app, "/u/ben/events.ics", Some(&ben)).await;
        assert_eq!(vevents(&own).len(), 1);
        assert!(own.contains("meet.example/room-42"));
        let (_, seen) = calendar(&app, "/u/ben/events.ics", Some(&eve)).await;
        assert_eq!(vevents(&seen).len(), 0, "{seen}");
        let hits = ben.get("/search?q=Confidential").await.ok();
        assert_eq!(hits["items"].as_array().unwrap().len(), 1, "{hits}");
    }

    async fn an_event_on_alpha_is_answered_from_beta(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planners", "public").await;
        let bob = beta.member("bob").await;
        let handle = format!("planners@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": format!("!{handle}")})).await.ok();
        bob.joins(&handle).await;
        eventually("alpha accepts bob's follow", || async {
            bob.get(&format!("/communities/{handle}")).await.ok()["membership"] == "accepted"
        }).await;

        let mut body = meetup("Regional meet-up");
        body["capacity"] = json!(2);
        let id = creates_event(&ana, "planners", body).await;
        let there = || async {
            let listed = bob.get(&format!("/communities/{handle}/events")).await.ok();
            listed["items"].as_array().unwrap().iter()
                .find(|e| e["title"] == "Regional meet-up")
                .and_then(|e| e["id"].as_i64())
        };
        eventually("the event reaches beta", || async { there().await.is_some() }).await;
        let copy = there().await.unwrap();
        let seen = event(&bob, copy).await;
        assert_eq!(seen["starts_at"], "2099-01-15T18:30:00Z");
        assert_eq!(seen["timezone"], "Europe/London");
        assert_eq!(seen["address"], "Civic Hall, Leeds");
        assert_eq!(seen["capacity"], 2);
        assert_eq!(seen["can_edit"], false);

        // bob answers on beta: a Join to alpha, counted there, and the count comes back.
        let going = answers(&bob, copy, "going").await.ok();
        assert_eq!(going["my_rsvp"], "going");
        eventually("alpha counts bob", || async { event(&ana, id).await["going_count"] == 1 }).await;
        let who = ana.get(&format!("/events/{id}/attendees")).await.ok();
        assert_eq!(who[0]["member"]["name"], "bob");
        assert_eq!(who[0]["member"]["domain"], domain(&beta));
        eventually("beta hears alpha's count", || async { event(&bob, copy).await["going_count"] == 1 }).await;

        // A member on alpha goes too; beta's copy hears of it.
        let ann = alpha.member("ann").await;
        answers(&ann, id, "going").await.ok();
        eventually("beta hears the event is full", || async { event(&bob, copy).await["going_count"] == 2 }).await;
        assert_eq!(event(&bob, copy).await["remaining"], 0);

        // Leave: bob withdraws, and both sides agree.
        bob.delete(&format!("/events/{copy}/rsvp")).await.ok();
        eventually("alpha lets bob go", || async { event(&ana, id).await["going_count"] == 1 }).await;
        eventually("beta agrees", || async { event(&bob, copy).await["going_count"] == 1 }).await;

        // Maybe travels as TentativeAccept.
        answers(&bob, copy, "maybe").await.ok();
        eventually("alpha hears bob may come", || async { event(&ana, id).await["maybe_count"] == 1 }).await;
    }

    async fn a_mobilizon_event_is_stored_as_an_event(backend: Backend) {
        let Some(text) = fixture("mobilizon/objects/event.json") else { return };
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        let mobilizon = Peer::start("mobilizon").await;
        let group = mobilizon.group("devon_caledonian_society");
        let person = mobilizon.person("emorrp1");
        // The captured Event, on the stand-in server: the same payload with its hosts moved.
        let text = text
            .replace("https://rendezvous.nomagic.uk/@devon_caledonian_society", &group)
            .replace("https://rendezvous.nomagic.uk/@emorrp1", &person)
            .replace("https://rendezvous.nomagic.uk", &mobilizon.base);
        let object: Value = serde_json::from_str(&text).unwrap();
        ana.post("/resolve", json!({"query": group})).await.ok();
        let handle = format!("devon_caledonian_society@{}", mobilizon.base.trim_start_matches("http://"));
        let create = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/create/1", mobilizon.base),
            "type": "Create",
            "actor": person,
            "to": object["to"].clone(),
            "cc": object["cc"].clone(),
            "object": object,
        });
        assert_eq!(mobilizon.sends_as(&person, &alpha, "/inbox", create).await, StatusCode::ACCEPTED);

        let past = ana.get(&format!("/communities/{handle}/events?when=past")).await.ok();
        let stored = past["items"].as_array().unwrap().first().cloned()
            .unwrap_or_else(|| panic!("the Event is stored as an event: {past}"));
        assert_eq!(stored["title"], "Caledonian scottish dance class");
        assert_eq!(stored["starts_at"], "2022-12-11T19:00:00Z");
        assert_eq!(stored["ends_at"], "2022-12-11T21:00:00Z");
        assert_eq!(stored["timezone"], "Europe/London");
        assert_eq!(stored["join_mode"], "free");
        assert_eq!(stored["going_count"], 0);
        assert_eq!(stored["capacity"], Value::Null, "Mobilizon's 0 is no limit");
        assert_eq!(stored["organiser"]["name"], "emorrp1");
        let address = stored["address"].as_str().unwrap();
        assert!(address.starts_with("The Kenn Centre, Devon Expressway, Teignbridge, EX6 7TW"), "{address}");
        assert!(stored["description_html"].as_str().unwrap().contains("posh ceilidh"));
        assert_eq!(stored["ended"], true);
    }
}

/// A captured payload from the shared fixtures, which CI always has.
fn fixture(name: &str) -> Option<String> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/fediverse")
        .join(name);
    if !path.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/fixtures beside the project"
        );
        eprintln!("skipped: {} is missing", path.display());
        return None;
    }
    Some(std::fs::read_to_string(path).unwrap())
}

trait AnswersEvents {
    async fn put_rsvp(&self, id: i64, status: &str) -> Reply;
}

impl AnswersEvents for Member {
    async fn put_rsvp(&self, id: i64, status: &str) -> Reply {
        answers(self, id, status).await
    }
}

on_both_backends! {
    async fn people_going_are_reminded_the_day_before(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        let ben = app.member("ben").await;
        let cyd = app.member("cyd").await;
        ana.creates_community("planners", "public").await;
        ben.joins("planners").await;
        cyd.joins("planners").await;
        let soon = chrono::Utc::now() + chrono::TimeDelta::hours(3);
        let mut body = meetup("Drop-in surgery");
        body["timezone"] = json!("UTC");
        body["starts_at"] = json!(soon.format("%Y-%m-%dT%H:%M").to_string());
        body["ends_at"] = json!((soon + chrono::TimeDelta::hours(1)).format("%Y-%m-%dT%H:%M").to_string());
        let today = creates_event(&ana, "planners", body).await;
        let later = creates_event(&ana, "planners", meetup("Next year's meet-up")).await;
        answers(&ben, today, "going").await.ok();
        answers(&ben, later, "going").await.ok();
        answers(&cyd, today, "declined").await.ok();

        let reminders = |member: &Member| {
            let member = member.clone();
            async move {
                member.get("/notifications").await.ok()["items"].as_array().unwrap().iter()
                    .filter(|n| n["kind"] == "event_reminder")
                    .map(|n| n["event_id"].as_i64().unwrap())
                    .collect::<Vec<_>>()
            }
        };
        guildhall::services::events::remind_starting_soon(&app.state).await.unwrap();
        // Only the event within a day, only to those going, and only once however often it runs.
        guildhall::services::events::remind_starting_soon(&app.state).await.unwrap();
        assert_eq!(reminders(&ben).await, [today]);
        assert_eq!(reminders(&cyd).await, Vec::<i64>::new());
    }
}
