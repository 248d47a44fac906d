//! Micro-benchmarks of the functions every request or delivery runs through: Markdown
//! rendering and sanitising, reading an inbound `Create(Note)`, signing and verifying a
//! draft-cavage HTTP signature with RSA-2048, and serialising a community's `Group` actor.
//!
//! `cargo bench --bench hot` for the figures; `cargo bench --bench hot -- --quick` for a
//! smoke run of a few seconds. Criterion prints the time per call of each, and the bytes
//! per second where the input has a size.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use guildhall::config::Config;
use guildhall::db::models::DbCommunity;
use guildhall::federation::content::ContentDoc;
use guildhall::federation::inbox;
use guildhall::federation::objects::GroupObject;
use guildhall::federation::urls::Urls;
use guildhall::markdown;
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::json;
use sha2::{Digest as _, Sha256};

/// A post as members write them: a heading, paragraphs with emphasis, links and inline
/// code, a list, a quote and a code block. About 650 bytes; repeated to the size wanted.
const POST_SECTION: &str = r#"## Procurement notes, week 12

Thanks all for the **useful** discussion on Tuesday. The _draft framework_ is now on the
[shared drive](https://docs.example.org/framework/draft-3), and the `supplier-list.csv`
export has been refreshed.

Three things we agreed:

1. Keep the **evaluation criteria** to five headings at most.
2. Ask suppliers for *accessibility statements* up front.
3. Share the timetable with the [regional leads](https://example.org/leads) by Friday.

> Simple beats clever when forty councils have to read it. -- from the last retro

```
deadline: 2026-04-30
owner: planning team
```

See also <https://example.org/guidance> and ~~the old page~~.

"#;

fn post_of(bytes: usize) -> String {
    POST_SECTION.repeat(bytes.div_ceil(POST_SECTION.len()))
}

fn markdown_render(c: &mut Criterion) {
    let mut group = c.benchmark_group("markdown render+sanitise");
    for (label, size) in [("2 KB post", 2 * 1024), ("20 KB post", 20 * 1024)] {
        let post = post_of(size);
        group.throughput(Throughput::Bytes(post.len() as u64));
        group.bench_function(label, |b| b.iter(|| markdown::render(black_box(&post))));
    }
    group.finish();
}

/// A `Create(Note)` shaped as Mastodon sends a reply to a community thread.
fn create_note() -> Vec<u8> {
    let actor = "https://social.example/users/mallory";
    let note = "https://social.example/users/mallory/statuses/113000000000000001";
    json!({
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            {"ostatus": "http://ostatus.org#", "sensitive": "as:sensitive",
             "Hashtag": "as:Hashtag", "toot": "http://joinmastodon.org/ns#"}
        ],
        "id": format!("{note}/activity"),
        "type": "Create",
        "actor": actor,
        "published": "2026-03-02T10:15:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [format!("{actor}/followers"), "https://guild.example/c/planners"],
        "object": {
            "id": note,
            "type": "Note",
            "summary": null,
            "inReplyTo": "https://guild.example/post/42",
            "published": "2026-03-02T10:15:00Z",
            "url": "https://social.example/@mallory/113000000000000001",
            "attributedTo": actor,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [format!("{actor}/followers"), "https://guild.example/c/planners"],
            "sensitive": false,
            "conversation": "tag:social.example,2026-03-02:objectId=991:objectType=Conversation",
            "content": "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://guild.example/c/planners\" class=\"u-url mention\">@<span>planners</span></a></span> Agreed on the five headings. We tried seven last year and nobody read past the third; <a href=\"https://social.example/tags/procurement\" class=\"mention hashtag\" rel=\"tag\">#<span>procurement</span></a></p><p>Happy to share our template.</p>",
            "contentMap": {"en": "<p>Agreed on the five headings.</p>"},
            "attachment": [],
            "tag": [
                {"type": "Mention", "href": "https://guild.example/c/planners", "name": "@planners@guild.example"},
                {"type": "Hashtag", "href": "https://social.example/tags/procurement", "name": "#procurement"}
            ],
            "replies": {
                "id": format!("{note}/replies"),
                "type": "Collection",
                "first": {"type": "CollectionPage", "next": format!("{note}/replies?only_other_accounts=true&page=true"), "partOf": format!("{note}/replies"), "items": []}
            }
        }
    })
    .to_string()
    .into_bytes()
}

fn inbox_parse(c: &mut Criterion) {
    let body = create_note();
    let mut group = c.benchmark_group("inbox");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("parse Create(Note)", |b| {
        b.iter(|| {
            let body = black_box(&body);
            let peek = inbox::peek(body).expect("the payload reads");
            assert!(peek.is_accepted_type());
            inbox::parse_activity(body).expect("the activity reads")
        })
    });
    let value: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    group.bench_function("read and sanitise the Note", |b| {
        b.iter(|| {
            let doc = ContentDoc::parse(black_box(&value["object"])).expect("the note reads");
            doc.html_with_warning()
        })
    });
    group.finish();
}

/// A request as our delivery sends it and our inbox reads it: draft-cavage over
/// `(request-target) host date digest`, RSA PKCS#1 v1.5 over SHA-256.
struct Signed {
    headers: HeaderMap,
    path: &'static str,
}

const HOST: &str = "guild.example";
const PATH: &str = "/c/planners/inbox";
const KEY_ID: &str = "https://social.example/users/mallory#main-key";

fn sign(private_key: &RsaPrivateKey, body: &[u8]) -> Signed {
    let digest = format!("SHA-256={}", BASE64.encode(Sha256::digest(body)));
    let date = httpdate_now();
    let mut fields = BTreeMap::new();
    fields.insert("host".to_owned(), HOST.to_owned());
    fields.insert("date".to_owned(), date);
    fields.insert("digest".to_owned(), digest);
    let signed = http_signature_normalization::Config::new()
        .set_expiration(Duration::from_secs(3600))
        .begin_sign("POST", PATH, fields.clone())
        .expect("the request can be signed")
        .sign(KEY_ID.to_owned(), |signing_string| {
            let hashed = Sha256::digest(signing_string.as_bytes());
            private_key
                .sign(Pkcs1v15Sign::new::<Sha256>(), &hashed)
                .map(|signature| BASE64.encode(signature))
        })
        .expect("RSA signs");
    let mut headers = HeaderMap::new();
    for (name, value) in &fields {
        let name = axum::http::HeaderName::from_bytes(name.as_bytes()).expect("header name");
        headers.insert(name, HeaderValue::from_str(value).expect("header value"));
    }
    headers.insert(
        "signature",
        HeaderValue::from_str(&signed.signature_header()).expect("header value"),
    );
    Signed {
        headers,
        path: PATH,
    }
}

fn verify(public_key: &RsaPublicKey, signed: &Signed, body: &[u8]) -> bool {
    let digest = format!("SHA-256={}", BASE64.encode(Sha256::digest(body)));
    if signed.headers.get("digest").and_then(|d| d.to_str().ok()) != Some(digest.as_str()) {
        return false;
    }
    if inbox::signature_covers_enough(&signed.headers).is_err()
        || inbox::cavage_signature_readable("POST", signed.path, &signed.headers, HOST).is_err()
    {
        return false;
    }
    let mut fields = BTreeMap::new();
    for (name, value) in &signed.headers {
        if let Ok(value) = value.to_str() {
            fields.insert(name.to_string(), value.to_owned());
        }
    }
    let Ok(unverified) = http_signature_normalization::Config::new()
        .set_expiration(Duration::from_secs(3600))
        .require_digest()
        .begin_verify("POST", signed.path, fields)
    else {
        return false;
    };
    unverified.verify(|signature, signing_string| {
        BASE64.decode(signature).is_ok_and(|signature| {
            let hashed = Sha256::digest(signing_string.as_bytes());
            public_key
                .verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, &signature)
                .is_ok()
        })
    })
}

fn httpdate_now() -> String {
    chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn signatures(c: &mut Criterion) {
    let keys = guildhall::services::actors::generate_pair().expect("an RSA-2048 key pair");
    let private_key = RsaPrivateKey::from_pkcs8_pem(&keys.private_key).expect("private key");
    let public_key = RsaPublicKey::from_public_key_pem(&keys.public_key).expect("public key");
    let body = create_note();
    let signed = sign(&private_key, &body);
    assert!(
        verify(&public_key, &signed, &body),
        "the signature verifies"
    );
    let mut group = c.benchmark_group("draft-cavage RSA-2048");
    group.bench_function("sign a delivery", |b| {
        b.iter(|| sign(&private_key, black_box(&body)))
    });
    group.bench_function("verify at the inbox", |b| {
        b.iter(|| verify(&public_key, black_box(&signed), black_box(&body)))
    });
    group.finish();
}

fn group_actor(c: &mut Criterion) {
    let config = Config {
        instance: guildhall::config::InstanceConfig {
            domain: HOST.into(),
            https: true,
            ..Config::default().instance
        },
        ..Config::default()
    };
    let urls = Urls::new(&config);
    let keys = guildhall::services::actors::generate_pair().expect("an RSA-2048 key pair");
    let description = "Procurement officers from the region's councils: frameworks, \
        supplier questions and what worked. Be kind; no sales pitches."
        .to_owned();
    let created = chrono::DateTime::from_timestamp(1_767_225_600, 0)
        .expect("a time")
        .naive_utc();
    let community = DbCommunity {
        id: 1,
        name: "planners".into(),
        domain: None,
        ap_id: None,
        title: "Public procurement planners".into(),
        description_html: markdown::render(&description),
        description,
        visibility: "public".into(),
        posting_restricted: false,
        deleted: false,
        created_at: created,
        updated_at: Some(created),
        public_key: Some(keys.public_key),
        private_key: Some(keys.private_key),
        inbox_url: None,
        shared_inbox_url: None,
        last_refreshed_at: None,
        microblog_comments: false,
        member_count: 240,
    };
    c.bench_function("Group actor JSON-LD", |b| {
        b.iter(|| {
            let group = GroupObject::build(&urls, black_box(&community)).expect("builds");
            serde_json::to_vec(&group).expect("serialises")
        })
    });
}

criterion_group!(
    benches,
    markdown_render,
    inbox_parse,
    signatures,
    group_actor
);
criterion_main!(benches);
