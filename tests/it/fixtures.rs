//! Real payloads captured from Mastodon, Lemmy, Pleroma, Friendica, PeerTube and
//! Mobilizon (read from the shared fixtures, not copied): the inbox handles every one
//! sensibly, accepting it or refusing it with a reason, and never panics.

use std::path::PathBuf;

use guildhall::federation::check::{Verdict, check};

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/fediverse");
    dir.is_dir().then_some(dir)
}

fn all_json(dir: &PathBuf, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_json(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn verdict(relative: &str) -> Verdict {
    let dir = fixtures().expect("fixtures");
    check(&std::fs::read(dir.join(relative)).unwrap())
}

#[test]
fn every_captured_payload_gets_a_verdict_with_a_reason() {
    let Some(dir) = fixtures() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/fixtures beside the project"
        );
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "skipped fixtures: ../shared/fixtures/fediverse is not beside the project"
        );
        return;
    };
    let mut files = Vec::new();
    all_json(&dir, &mut files);
    assert!(
        files.len() > 50,
        "expected the full fixture set, found {}",
        files.len()
    );
    let mut tally = [0usize; 3];
    for file in &files {
        let result = std::panic::catch_unwind(|| check(&std::fs::read(file).unwrap()));
        let verdict = result.unwrap_or_else(|_| panic!("{} made the check panic", file.display()));
        let (slot, reason) = match &verdict {
            Verdict::Accepted(r) => (0, r),
            Verdict::Ignored(r) => (1, r),
            Verdict::Rejected(r) => (2, r),
        };
        assert!(!reason.is_empty(), "{}: no reason given", file.display());
        if slot == 2 {
            println!("refused {}: {reason}", file.display());
        }
        tally[slot] += 1;
    }
    assert!(
        tally[0] > tally[2],
        "most real payloads should be accepted: {tally:?}"
    );
}

/// What the inbox makes of every captured payload. A payload added to the fixtures must
/// be added here, with the verdict it should get.
const EXPECTED: &[(&str, &str)] = &[
    ("friendica/activities/create_note.json", "accepted"),
    ("friendica/activities/create_page_1.json", "accepted"),
    ("friendica/activities/create_page_2.json", "accepted"),
    ("friendica/activities/delete.json", "accepted"),
    ("friendica/activities/dislike_page.json", "accepted"),
    ("friendica/activities/like_page.json", "accepted"),
    ("friendica/activities/undo_dislike_page.json", "accepted"),
    ("friendica/activities/update_note.json", "accepted"),
    ("friendica/objects/note_1.json", "accepted"),
    ("friendica/objects/note_2.json", "accepted"),
    ("friendica/objects/page_1.json", "accepted"),
    ("friendica/objects/page_2.json", "accepted"),
    ("friendica/objects/person_1.json", "accepted"),
    ("friendica/objects/person_2.json", "accepted"),
    ("lemmy/activities/block/block_user.json", "accepted"),
    ("lemmy/activities/block/undo_block_user.json", "accepted"),
    (
        "lemmy/activities/community/add_featured_post.json",
        "accepted",
    ),
    ("lemmy/activities/community/add_mod.json", "accepted"),
    (
        "lemmy/activities/community/announce_create_page.json",
        "accepted",
    ),
    ("lemmy/activities/community/lock_note.json", "accepted"),
    ("lemmy/activities/community/lock_page.json", "accepted"),
    (
        "lemmy/activities/community/remove_featured_post.json",
        "accepted",
    ),
    ("lemmy/activities/community/remove_mod.json", "accepted"),
    ("lemmy/activities/community/report_page.json", "accepted"),
    (
        "lemmy/activities/community/resolve_report_page.json",
        "ignored",
    ),
    ("lemmy/activities/community/undo_lock_note.json", "accepted"),
    ("lemmy/activities/community/undo_lock_page.json", "accepted"),
    (
        "lemmy/activities/community/update_community.json",
        "accepted",
    ),
    ("lemmy/activities/community/warn.json", "ignored"),
    (
        "lemmy/activities/create_or_update/create_comment.json",
        "accepted",
    ),
    (
        "lemmy/activities/create_or_update/create_page.json",
        "accepted",
    ),
    (
        "lemmy/activities/create_or_update/create_private_message.json",
        "rejected",
    ),
    (
        "lemmy/activities/create_or_update/create_private_message_0.19.json",
        "rejected",
    ),
    (
        "lemmy/activities/create_or_update/update_page.json",
        "accepted",
    ),
    ("lemmy/activities/deletion/delete_page.json", "accepted"),
    (
        "lemmy/activities/deletion/delete_private_message.json",
        "accepted",
    ),
    ("lemmy/activities/deletion/delete_user.json", "accepted"),
    ("lemmy/activities/deletion/remove_note.json", "accepted"),
    (
        "lemmy/activities/deletion/undo_delete_page.json",
        "accepted",
    ),
    (
        "lemmy/activities/deletion/undo_delete_private_message.json",
        "accepted",
    ),
    (
        "lemmy/activities/deletion/undo_remove_note.json",
        "accepted",
    ),
    ("lemmy/activities/following/accept.json", "accepted"),
    ("lemmy/activities/following/follow.json", "accepted"),
    ("lemmy/activities/following/undo_follow.json", "accepted"),
    ("lemmy/activities/voting/dislike_page.json", "accepted"),
    ("lemmy/activities/voting/like_note.json", "accepted"),
    ("lemmy/activities/voting/undo_dislike_page.json", "accepted"),
    ("lemmy/activities/voting/undo_like_note.json", "accepted"),
    ("lemmy/collections/group_featured_posts.json", "ignored"),
    ("lemmy/collections/group_followers.json", "ignored"),
    ("lemmy/collections/group_moderators.json", "ignored"),
    ("lemmy/collections/group_outbox.json", "ignored"),
    ("lemmy/collections/person_outbox.json", "ignored"),
    ("lemmy/objects/comment.json", "accepted"),
    ("lemmy/objects/group.json", "accepted"),
    ("lemmy/objects/instance.json", "accepted"),
    ("lemmy/objects/page.json", "accepted"),
    ("lemmy/objects/page_image_and_link.json", "accepted"),
    ("lemmy/objects/person.json", "accepted"),
    ("lemmy/objects/private_message.json", "rejected"),
    ("lemmy/objects/tombstone.json", "ignored"),
    ("mastodon/activities/create_note.json", "accepted"),
    ("mastodon/activities/delete.json", "accepted"),
    ("mastodon/activities/flag.json", "accepted"),
    ("mastodon/activities/follow.json", "accepted"),
    ("mastodon/activities/like_page.json", "accepted"),
    ("mastodon/activities/private_message.json", "rejected"),
    ("mastodon/activities/undo_follow.json", "accepted"),
    ("mastodon/activities/undo_like_page.json", "accepted"),
    ("mastodon/collections/featured.json", "ignored"),
    ("mastodon/objects/note_1.json", "accepted"),
    ("mastodon/objects/note_2.json", "accepted"),
    ("mastodon/objects/page.json", "accepted"),
    ("mastodon/objects/person.json", "accepted"),
    ("mobilizon/objects/event.json", "accepted"),
    ("mobilizon/objects/group.json", "accepted"),
    ("mobilizon/objects/person.json", "accepted"),
    ("peertube/activities/announce_video.json", "accepted"),
    ("peertube/objects/group.json", "accepted"),
    ("peertube/objects/note.json", "accepted"),
    ("peertube/objects/person.json", "accepted"),
    ("peertube/objects/video.json", "accepted"),
    ("pleroma/activities/create_note.json", "accepted"),
    ("pleroma/activities/delete.json", "accepted"),
    ("pleroma/activities/follow.json", "accepted"),
    ("pleroma/objects/chat_message.json", "ignored"),
    ("pleroma/objects/note.json", "accepted"),
    ("pleroma/objects/person.json", "accepted"),
];

#[test]
fn every_captured_payload_gets_the_verdict_it_should() {
    let Some(dir) = fixtures() else {
        return;
    };
    let mut files = Vec::new();
    all_json(&dir, &mut files);
    let mut found: Vec<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    found.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|(f, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "every fixture has an expected verdict, and only fixtures do"
    );
    for (file, expected) in EXPECTED {
        let got = match verdict(file) {
            Verdict::Accepted(_) => "accepted",
            Verdict::Ignored(_) => "ignored",
            Verdict::Rejected(_) => "rejected",
        };
        assert_eq!(got, *expected, "{file}: {:?}", verdict(file));
    }
}

#[test]
fn spoofed_and_broken_documents_are_refused() {
    assert!(matches!(check(b"{not json"), Verdict::Rejected(_)));
    assert!(matches!(
        check(br#"{"type": "Follow"}"#),
        Verdict::Rejected(_)
    ));
    let spoofed = br#"{"id": "https://evil.example/a/1", "type": "Create", "actor": "https://good.example/u/ana",
        "object": {"id": "https://good.example/post/1", "type": "Page", "name": "x", "attributedTo": "https://good.example/u/ana"}}"#;
    assert!(
        matches!(check(spoofed), Verdict::Rejected(_)),
        "{:?}",
        check(spoofed)
    );
    let someone_elses = br#"{"id": "https://good.example/a/1", "type": "Create", "actor": "https://good.example/u/ana",
        "object": {"id": "https://other.example/post/1", "type": "Page", "name": "x", "attributedTo": "https://other.example/u/bob"}}"#;
    assert!(matches!(check(someone_elses), Verdict::Rejected(_)));
}
