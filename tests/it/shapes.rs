//! What we publish has the shapes Lemmy-style servers parse: our Group, Page, Note and
//! Person are compared with the ones Lemmy itself publishes (the shared fixtures), and
//! our activities are read back the way our own inbox reads a peer's.

use serde_json::Value;

use crate::harness::*;
use crate::on_both_backends;

pub(crate) fn lemmy(name: &str) -> Option<Value> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/fediverse/lemmy/objects")
        .join(name);
    if !path.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/fixtures beside the project"
        );
        eprintln!("skipped shape check: {} is missing", path.display());
        return None;
    }
    Some(serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field in `required` is present in ours, and every field both have is of the
/// same JSON kind as Lemmy's.
pub(crate) fn same_shape(what: &str, ours: &Value, theirs: &Value, required: &[&str]) {
    for field in required {
        assert!(
            !ours[*field].is_null(),
            "{what}: our object lacks {field}: {ours}"
        );
    }
    for (field, value) in theirs.as_object().unwrap() {
        let mine = &ours[field.as_str()];
        if mine.is_null() || field == "language" {
            continue;
        }
        assert_eq!(
            kind(mine),
            kind(value),
            "{what}.{field}: ours is {mine}, Lemmy's is {value}"
        );
    }
    for (field, value) in theirs.as_object().unwrap() {
        if let (Value::Object(inner), Value::Object(_)) = (value, &ours[field.as_str()]) {
            for key in inner.keys() {
                assert!(
                    !ours[field.as_str()][key.as_str()].is_null(),
                    "{what}.{field} lacks {key}"
                );
            }
        }
    }
}

async fn fetch(url: &str) -> Value {
    reqwest::Client::new()
        .get(url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

on_both_backends! {
    async fn our_objects_have_the_shapes_lemmy_publishes(backend: Backend) {
        let (Some(group), Some(page), Some(note), Some(person)) =
            (lemmy("group.json"), lemmy("page.json"), lemmy("comment.json"), lemmy("person.json"))
        else {
            return;
        };
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.patch("/me", serde_json::json!({"bio": "Planner in **Leeds**"})).await.ok();
        ana.creates_community("planners", "public").await;
        let post = ana.posts_in("planners", "Brownfield #housing targets").await;
        let comment = ana.replies(post, None, "See the #planning library").await;

        let ours = fetch(&format!("{}/c/planners", app.base)).await;
        same_shape("Group", &ours, &group, &[
            "id", "type", "preferredUsername", "name", "inbox", "outbox", "followers", "featured",
            "attributedTo", "postingRestrictedToMods", "endpoints", "publicKey", "published",
        ]);
        let ours = fetch(&format!("{}/post/{post}", app.base)).await;
        same_shape("Page", &ours, &page, &[
            "id", "type", "attributedTo", "to", "audience", "name", "content", "mediaType", "source",
            "attachment", "sensitive", "tag", "context", "published",
        ]);
        let ours = fetch(&format!("{}/comment/{comment}", app.base)).await;
        same_shape("Note", &ours, &note, &[
            "id", "type", "attributedTo", "to", "cc", "audience", "inReplyTo", "content", "mediaType",
            "source", "tag", "distinguished", "published", "context",
        ]);
        assert_eq!(ours["tag"][0]["name"], "#planning");
        assert_eq!(ours["contentMap"]["en"], ours["content"]);
        let ours = fetch(&format!("{}/u/ana", app.base)).await;
        same_shape("Person", &ours, &person, &[
            "id", "type", "preferredUsername", "inbox", "outbox", "endpoints", "publicKey", "published",
        ]);
    }
}

#[test]
fn what_we_send_parses_back_as_our_inbox_reads_a_peer() {
    use guildhall::federation::check::{Verdict, check};
    let config = guildhall::config::Config::default();
    let urls = guildhall::federation::urls::Urls::new(&config);
    let actor = urls.person("ana").unwrap();
    let group = urls.community("planners").unwrap();
    let thread = urls.post(1).unwrap();
    let page = serde_json::json!({
        "id": thread, "type": "Page", "attributedTo": actor, "name": "A thread",
        "content": "<p>Body</p>", "to": [group],
    });
    let activities = guildhall::federation::activities::activity;
    for (kind, object) in [
        ("Create", page.clone()),
        ("Update", page.clone()),
        ("Delete", serde_json::json!(thread)),
        ("Like", serde_json::json!(thread)),
        ("Dislike", serde_json::json!(thread)),
    ] {
        let (_, json) = activities(&urls, kind, &actor, object, &group, true).unwrap();
        let verdict = check(json.to_string().as_bytes());
        assert!(
            matches!(verdict, Verdict::Accepted(_)),
            "{kind}: {verdict:?}"
        );
        let (_, announce) =
            guildhall::federation::activities::announce(&urls, &group, json, true).unwrap();
        let verdict = check(announce.to_string().as_bytes());
        assert!(
            matches!(verdict, Verdict::Accepted(_)),
            "Announce of {kind}: {verdict:?}"
        );
    }
    let (_, follow) = guildhall::federation::activities::follow(&urls, &actor, &group).unwrap();
    assert!(matches!(
        check(follow.to_string().as_bytes()),
        Verdict::Accepted(_)
    ));
    let (_, ban) = guildhall::federation::activities::instance_ban(
        &urls,
        &actor,
        &urls.person("ben").unwrap(),
        Some(("spam", None)),
    )
    .unwrap();
    assert!(matches!(
        check(ban.to_string().as_bytes()),
        Verdict::Accepted(_)
    ));
}
