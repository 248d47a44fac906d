//! The fuzz targets' bodies (`guildhall::fuzzing`, run by `cargo fuzz` from `fuzz/`) over
//! the real payloads in the shared fixtures and the signature seeds, so that every test
//! run exercises the same code paths and invariants without libFuzzer. Inputs the fuzzer
//! found are kept here as regression tests.

use std::path::{Path, PathBuf};

use guildhall::fuzzing;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn fixture_payloads() -> Option<Vec<(PathBuf, Vec<u8>)>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/fediverse");
    if !dir.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/fixtures beside the project"
        );
        eprintln!(
            "skipped fuzz targets over fixtures: ../shared/fixtures/fediverse is not beside the project"
        );
        return None;
    }
    let mut files = Vec::new();
    files_under(&dir, &mut files);
    files.sort();
    Some(
        files
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(&f).unwrap();
                (f, bytes)
            })
            .collect(),
    )
}

/// Runs a target on an input, naming the input if the target panics.
fn run(target: fn(&[u8]), name: &str, what: &Path, input: &[u8]) {
    if std::panic::catch_unwind(|| target(input)).is_err() {
        panic!("fuzz target {name} failed on {}", what.display());
    }
}

#[test]
fn every_fuzz_target_takes_every_captured_payload() {
    let Some(payloads) = fixture_payloads() else {
        return;
    };
    assert!(payloads.len() > 50, "found {} fixtures", payloads.len());
    for (path, bytes) in &payloads {
        run(fuzzing::inbox_activity, "inbox_activity", path, bytes);
        run(fuzzing::markdown, "markdown", path, bytes);
        // The HTML and Markdown the payloads carry, as the markdown target would see them.
        let value: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        for text in [
            value.pointer("/content"),
            value.pointer("/object/content"),
            value.pointer("/source/content"),
            value.pointer("/object/source/content"),
        ]
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        {
            run(fuzzing::markdown, "markdown", path, text.as_bytes());
        }
        // As the body of a signed request whose headers are all missing.
        run(fuzzing::signature_headers, "signature_headers", path, bytes);
    }
}

#[test]
fn the_signature_target_takes_its_seeds() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/signature_headers");
    let mut seeds = Vec::new();
    files_under(&dir, &mut seeds);
    assert!(seeds.len() >= 3, "found {} seeds", seeds.len());
    for seed in &seeds {
        let bytes = std::fs::read(seed).unwrap();
        run(
            fuzzing::signature_headers,
            "signature_headers",
            seed,
            &bytes,
        );
    }
}

/// Found by the `inbox_activity` fuzzer: a Lemmy `Update(Page)` whose link attachment
/// reads `https:8/…`. The URL parser, like a browser, takes it as `https://0.0.0.8/…`;
/// the stored link must be that parsed form, not the text as sent.
#[test]
fn a_link_is_stored_as_parsed_not_as_sent() {
    let body = br#"{
      "actor": "http://ds9.lemmy.ml/u/lemmy_alpha",
      "to": ["https://www.w3.org/ns/activitystreams#Public"],
      "object": {
        "type": "Page",
        "id": "http://ds9.lemmy.ml/post/1",
        "attributedTo": "http://ds9.lemmy.ml/u/lemmy_alpha",
        "to": ["http://enterprise.lemmy.ml/c/main", "https://www.w3.org/ns/activitystreams#Public"],
        "audience": "https://enterprise.lemmy.ml/c/main",
        "name": "test post 1",
        "content": "<p>test body</p>\n",
        "mediaType": "text/html",
        "attachment": [{"type": "Link", "href": "https:8/lemmy.ml/pictrs/image/xl8W7FZfk9.jpg"}],
        "published": "2021-10-29T15:10:51.557399Z"
      },
      "cc": ["http://enterprise.lemmy.ml/c/main"],
      "audience": "https://enterprise.lemmy.ml/c/main",
      "type": "Update",
      "id": "http://ds9.lemmy.ml/activities/update/ab360117-e165-4de4-b7fc-906b62c98631"
    }"#;
    fuzzing::inbox_activity(body);
    let activity: serde_json::Value = serde_json::from_slice(body).unwrap();
    let doc = guildhall::federation::content::ContentDoc::parse(&activity["object"]).unwrap();
    assert_eq!(
        doc.link().as_deref(),
        Some("https://0.0.0.8/lemmy.ml/pictrs/image/xl8W7FZfk9.jpg")
    );
}
