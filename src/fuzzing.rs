//! The bodies of the fuzz targets in `fuzz/`, kept in the crate so that the targets run
//! the server's own parsing code and so that a plain test runs them over real payloads
//! without libFuzzer. Each takes arbitrary bytes, must never panic on them, and panics
//! only when an invariant below is broken: that panic is the fuzzer's finding.

use std::sync::LazyLock;

use activitypub_federation::traits::Activity;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use serde_json::Value;

use crate::config::Config;
use crate::federation::check::{Verdict, check};
use crate::federation::content::{ContentDoc, object_url, plain_text};
use crate::federation::{inbox, rfc9421};
use crate::markdown;

static CONFIG: LazyLock<Config> = LazyLock::new(Config::default);

/// A body as an inbox receives it: the first look at id, type and actor, the full
/// parse of an accepted activity and the id checks made before any fetch, the offline
/// verdict of `federation check`, and every object inside read as the inbox stores it.
///
/// Asserts: the full parse agrees with the first look on the id; every verdict has a
/// reason; titles and content warnings keep to their lengths; stored HTML is safe
/// ([`unsafe_markup`]); a thread's link is http(s).
pub fn inbox_activity(body: &[u8]) {
    let verdict = check(body);
    let (Verdict::Accepted(reason) | Verdict::Ignored(reason) | Verdict::Rejected(reason)) =
        &verdict;
    assert!(
        !reason.is_empty(),
        "a verdict without a reason: {verdict:?}"
    );
    let Ok(peek) = inbox::peek(body) else {
        return;
    };
    if peek.is_accepted_type()
        && let Ok(activity) = inbox::parse_activity(body)
    {
        assert_eq!(
            activity.id(),
            &peek.id,
            "the inbox de-duplicates one id and handles another"
        );
        let _ = inbox::check_ids(&CONFIG, &activity);
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    let _ = object_url(&value["object"]);
    for candidate in [&value, &value["object"], &value["object"]["object"]] {
        if let Ok(doc) = ContentDoc::parse(candidate) {
            stored_content(&doc);
        }
    }
}

/// What the inbox derives from a thread or comment before storing it.
fn stored_content(doc: &ContentDoc) {
    let _ = (
        doc.author(),
        doc.addressed(),
        doc.is_public(),
        doc.mentions(),
    );
    let _ = (doc.may_start_thread(false), doc.may_start_thread(true));
    let _ = (doc.is_poll_vote(), doc.poll(), doc.markdown());
    let max = crate::services::posts::TITLE_MAX;
    let title = doc.title(max);
    assert!(title.chars().count() <= max, "title too long: {title:?}");
    if let Some(warning) = doc.content_warning() {
        assert!(
            warning.chars().count() <= 200,
            "warning too long: {warning:?}"
        );
    }
    for html in [doc.html(), doc.html_with_warning()] {
        if let Some(problem) = unsafe_markup(&html) {
            panic!("stored HTML is unsafe ({problem}): {html}");
        }
    }
    if let Some(link) = doc.link() {
        assert!(
            link.starts_with("http://") || link.starts_with("https://"),
            "a link that is not http(s): {link}"
        );
    }
}

/// Text as a member writes it (Markdown) and as a peer sends it (HTML).
///
/// Asserts: neither [`markdown::render`] nor [`markdown::sanitize`] leaves unsafe markup
/// ([`unsafe_markup`]), and cleaning their output again changes nothing, so what is
/// stored is what a later clean (an edit, a re-federation) would store.
pub fn markdown(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    for (what, html) in [
        ("render", markdown::render(&text)),
        ("sanitize", markdown::sanitize(&text)),
    ] {
        if let Some(problem) = unsafe_markup(&html) {
            panic!("{what} left unsafe HTML ({problem}): {html}");
        }
        let again = markdown::sanitize(&html);
        assert_eq!(again, html, "{what}: cleaning its output again changed it");
    }
    let _ = plain_text(&text);
}

/// A moment inside the fuzz seeds' validity, so that runs are reproducible.
pub const SIGNATURE_NOW: i64 = 1_798_000_000;

/// A request head and body: the first line is `METHOD path`, the next lines are
/// `name: value` headers up to an empty line, and the rest is the body. Lines that are not
/// a valid header are skipped, as HTTP would have refused them before us.
///
/// Runs the draft-cavage checks the inbox makes before the library's (which headers are
/// covered, the `Date`, whether the `Signature` reads), and the RFC 9421 ones (reading
/// `Signature-Input` and `Signature`, rebuilding the signature base, the signer's key id,
/// `Content-Digest` against the body). Asserts: a refusal always says why.
pub fn signature_headers(input: &[u8]) {
    let (head, body) = match input.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&input[..at], &input[at + 2..]),
        None => (input, &[][..]),
    };
    let mut lines = head.split(|b| *b == b'\n');
    let request_line = lines.next().unwrap_or_default();
    let mut words = request_line.splitn(2, |b| *b == b' ');
    let method = words
        .next()
        .and_then(|m| Method::from_bytes(m).ok())
        .unwrap_or(Method::POST);
    let uri = words
        .next()
        .and_then(|p| Uri::try_from(p).ok())
        .unwrap_or_else(|| Uri::from_static("/inbox"));
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let value = line[colon + 1..].trim_ascii();
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(line[..colon].trim_ascii()),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    if let Err(reason) = inbox::signature_covers_enough(&headers) {
        assert!(!reason.is_empty());
    }
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
    if let Err(reason) =
        inbox::cavage_signature_readable(method.as_str(), path, &headers, &CONFIG.instance.domain)
    {
        assert!(!reason.is_empty());
    }
    let authority = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or(&CONFIG.instance.domain);
    let target = rfc9421::Target {
        method: &method,
        uri: &uri,
        headers: &headers,
        scheme: "https",
        authority,
    };
    match rfc9421::prepare(&target, SIGNATURE_NOW) {
        Ok(unverified) => {
            let _ = unverified.signer();
        }
        Err(reason) => assert!(!reason.to_string().is_empty()),
    }
    if let Err(reason) = rfc9421::check_content_digest(&headers, body) {
        assert!(!reason.to_string().is_empty());
    }
}

/// Tags that must never reach a page from user content.
const DENIED_TAGS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "base", "meta", "link", "svg", "math", "template", "noscript",
];

/// Attributes whose value is a URL a browser may follow or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "background",
    "poster",
    "xlink:href",
];

/// What makes an HTML fragment unsafe to place in a page, if anything: a tag that runs or
/// loads something, an event handler or `style` attribute, or a URL attribute with a
/// `javascript:`, `vbscript:` or `data:` scheme. It reads HTML as the sanitiser serialises
/// it (text has `<` escaped, attribute values in double quotes), so any other `<` is a
/// finding too.
pub fn unsafe_markup(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.split_once("-->").map_or("", |(_, after)| after);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name_len = rest[name_start..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len() - name_start);
        let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Some(format!("an unescaped '<' before {:?}", preview(rest)));
        }
        if DENIED_TAGS.contains(&name.as_str()) {
            return Some(format!("a <{name}> tag"));
        }
        rest = &rest[name_start + name_len..];
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if rest.is_empty() {
                return None;
            }
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            let attr_len = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len());
            let attr = rest[..attr_len].to_ascii_lowercase();
            rest = &rest[attr_len..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let (raw, after) = match after.strip_prefix('"') {
                    Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
                    None => {
                        let end = after
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .unwrap_or(after.len());
                        after.split_at(end)
                    }
                };
                value = decode_attribute(raw);
                rest = after;
            }
            if attr.starts_with("on") || attr == "style" || attr == "srcdoc" {
                return Some(format!("a {attr} attribute on <{name}>"));
            }
            if URL_ATTRIBUTES.contains(&attr.as_str()) && runs_script(&value) {
                return Some(format!("{attr}={value:?} on <{name}>"));
            }
        }
    }
    None
}

/// Undoes the escapes the serialiser writes in attribute values.
fn decode_attribute(raw: &str) -> String {
    raw.replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Whether a browser would treat the URL as script or inline content: it strips leading
/// and trailing controls and spaces, and tabs and newlines anywhere, before the scheme.
fn runs_script(url: &str) -> bool {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

fn preview(text: &str) -> String {
    text.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_safety_check_finds_what_it_looks_for() {
        for bad in [
            "<script>alert(1)</script>",
            "<p><img src=\"x\" onerror=\"alert(1)\"></p>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\" java\tscript:alert(1)\">x</a>",
            "<a href=\"DaTa:text/html,x\">y</a>",
            "<p style=\"x\">y</p>",
            "a < b",
            "<svg><p>x</p></svg>",
        ] {
            assert!(unsafe_markup(bad).is_some(), "{bad} passed");
        }
        for good in [
            "<p>javascript: is text here, and so is onerror=</p>",
            "<p><a href=\"https://example.com/?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer\">x</a></p>",
            "<pre><code>a &lt; b &gt; c</code></pre>",
            "<a href=\"java script:x\">relative</a>",
            "",
        ] {
            assert_eq!(unsafe_markup(good), None, "{good} refused");
        }
    }

    #[test]
    fn the_targets_take_junk_without_panicking() {
        for junk in [
            &b""[..],
            b"{",
            b"[]",
            b"\xff\xfe",
            b"{\"id\": 1}",
            b"\n\n\n",
        ] {
            inbox_activity(junk);
            markdown(junk);
            signature_headers(junk);
        }
    }
}
