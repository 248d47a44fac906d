//! RFC 9421 HTTP Message Signatures on incoming POSTs, the form Mastodon 4.5 signs with
//! and Fedify tries first. Draft-cavage signatures stay with the federation library; this
//! module reads `Signature-Input` and `Signature`, picks a signature that binds the
//! request line and the body's `Content-Digest` (RFC 9530) to a recent time, rebuilds the
//! signature base of RFC 9421 section 2.5, and checks it against the signer's key.

use std::borrow::Cow;
use std::collections::HashSet;

use axum::http::{HeaderMap, Method, Uri};
use openssl::pkey::{Id, PKey, Public};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, Pss, RsaPublicKey};
use sfv::{BareItem, Dictionary, FieldType, InnerList, Item, ListEntry, Parser, Version};
use sha2::{Digest, Sha256, Sha512};
use url::Url;

/// How old a signature's `created` time may be, as for draft-cavage `Date`s.
const MAX_AGE_SECONDS: i64 = 3600;

/// How far ahead of our clock a signature's `created` time may be.
const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

/// Why a signature or a digest was not accepted. It speaks of the peer's own request
/// only, so it is safe to send back.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(Cow<'static, str>);

impl From<&'static str> for Refusal {
    fn from(reason: &'static str) -> Refusal {
        Refusal(Cow::Borrowed(reason))
    }
}

impl From<String> for Refusal {
    fn from(reason: String) -> Refusal {
        Refusal(Cow::Owned(reason))
    }
}

/// The request as a signature sees it. Behind a reverse proxy the scheme is not on the
/// wire, so it comes from the instance's configuration.
pub struct Target<'a> {
    pub method: &'a Method,
    /// The URI as received (path and query), before any routing.
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    /// `http` or `https`.
    pub scheme: &'a str,
    /// The host (and port) the request was sent to, normally its `Host` header.
    pub authority: &'a str,
}

/// The signature algorithms we verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    RsaV15Sha256,
    RsaPssSha512,
    Ed25519,
}

impl Algorithm {
    fn parse(name: &str) -> Result<Algorithm, Refusal> {
        match name {
            "rsa-v1_5-sha256" => Ok(Algorithm::RsaV15Sha256),
            "rsa-pss-sha512" => Ok(Algorithm::RsaPssSha512),
            "ed25519" => Ok(Algorithm::Ed25519),
            other => Err(format!(
                "alg {other:?} is not supported (rsa-v1_5-sha256, rsa-pss-sha512, ed25519)"
            )
            .into()),
        }
    }
}

/// A signature taken from the request: it covers enough and is fresh, but is not yet
/// checked against its signer's key.
#[derive(Debug)]
pub struct Unverified {
    /// The signature's label in `Signature-Input`, for logs.
    pub label: String,
    key_id: String,
    alg: Option<Algorithm>,
    signature: Vec<u8>,
    base: Vec<u8>,
}

impl Unverified {
    /// The actor whose key signed: the key id without its fragment
    /// (`https://host/users/x#main-key` is `https://host/users/x`'s key).
    pub fn signer(&self) -> Result<Url, Refusal> {
        let mut url = Url::parse(&self.key_id)
            .map_err(|_| Refusal::from("the signature's keyid is not the URL of a key"))?;
        url.set_fragment(None);
        Ok(url)
    }

    /// Checks the signature over the rebuilt signature base with the signer's published
    /// key (PEM). Without `alg`, the key's type decides.
    pub fn verify(&self, public_key_pem: &str) -> Result<(), Refusal> {
        let key = PublicKey::from_pem(public_key_pem)?;
        let valid = match (self.alg, &key) {
            (None | Some(Algorithm::RsaV15Sha256), PublicKey::Rsa(key)) => key
                .verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(&self.base),
                    &self.signature,
                )
                .is_ok(),
            (Some(Algorithm::RsaPssSha512), PublicKey::Rsa(key)) => key
                .verify(
                    Pss::new::<Sha512>(),
                    &Sha512::digest(&self.base),
                    &self.signature,
                )
                .is_ok(),
            (None | Some(Algorithm::Ed25519), PublicKey::Ed25519(key)) => {
                openssl::sign::Verifier::new_without_digest(key)
                    .and_then(|mut verifier| verifier.verify_oneshot(&self.signature, &self.base))
                    .unwrap_or(false)
            }
            (Some(_), _) => return Err("the signature's alg does not fit the signer's key".into()),
        };
        if valid {
            Ok(())
        } else {
            Err("the signature does not match the signer's key".into())
        }
    }
}

/// A signer's public key, as published in its actor document.
enum PublicKey {
    Rsa(RsaPublicKey),
    Ed25519(PKey<Public>),
}

impl PublicKey {
    fn from_pem(pem: &str) -> Result<PublicKey, Refusal> {
        if let Ok(key) = RsaPublicKey::from_public_key_pem(pem) {
            return Ok(PublicKey::Rsa(key));
        }
        if let Ok(key) = RsaPublicKey::from_pkcs1_pem(pem) {
            return Ok(PublicKey::Rsa(key));
        }
        match PKey::public_key_from_pem(pem.as_bytes()) {
            Ok(key) if key.id() == Id::ED25519 => Ok(PublicKey::Ed25519(key)),
            _ => Err("the signer's published key is neither RSA nor Ed25519".into()),
        }
    }
}

/// Takes the signature to verify from `Signature-Input` and `Signature`: the first one
/// that covers the method, the target URI (or authority and path) and `Content-Digest`.
/// It must carry `created` within the last hour (and not in the future), must not have
/// expired, and must name its key. `now` is in seconds since the epoch.
pub fn prepare(target: &Target<'_>, now: i64) -> Result<Unverified, Refusal> {
    let inputs = dictionary(target.headers, "signature-input")?
        .ok_or("the request has no Signature-Input")?;
    let signatures =
        dictionary(target.headers, "signature")?.ok_or("the request has no Signature")?;
    let (label, list) = inputs
        .iter()
        .find_map(|(label, entry)| match entry {
            ListEntry::InnerList(list)
                if covers_enough(list) && signatures.contains_key(label.as_str()) =>
            {
                Some((label.as_str(), list))
            }
            _ => None,
        })
        .ok_or(
            "no signature covers @method, @target-uri (or @authority and @path) and content-digest",
        )?;
    let signature = match signatures.get(label) {
        Some(ListEntry::Item(Item {
            bare_item: BareItem::ByteSequence(bytes),
            ..
        })) if !bytes.is_empty() => bytes.clone(),
        _ => return Err(format!("Signature {label} is not a byte sequence").into()),
    };
    let unverified = build(label, list, signature, target)?;
    check_time(list, now)?;
    Ok(unverified)
}

/// Checks `Content-Digest` against the body: at least one SHA-256 or SHA-512 digest, and
/// every one of those there must match. Other algorithms are ignored.
pub fn check_content_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), Refusal> {
    let digests =
        dictionary(headers, "content-digest")?.ok_or("the request has no Content-Digest")?;
    let mut checked = 0;
    for (alg, entry) in &digests {
        let expected = match alg.as_str() {
            "sha-256" => Sha256::digest(body).to_vec(),
            "sha-512" => Sha512::digest(body).to_vec(),
            _ => continue,
        };
        let ListEntry::Item(Item {
            bare_item: BareItem::ByteSequence(given),
            ..
        }) = entry
        else {
            return Err(format!("Content-Digest {} is not a byte sequence", alg.as_str()).into());
        };
        if *given != expected {
            return Err(format!("Content-Digest {} does not match the body", alg.as_str()).into());
        }
        checked += 1;
    }
    if checked == 0 {
        return Err("Content-Digest has no sha-256 or sha-512 digest".into());
    }
    Ok(())
}

/// A header field parsed as a structured dictionary; several lines of it form one value.
fn dictionary(headers: &HeaderMap, name: &'static str) -> Result<Option<Dictionary>, Refusal> {
    let Some(value) = field_value(headers, name)? else {
        return Ok(None);
    };
    let value = String::from_utf8(value).map_err(|_| format!("{name} is not text"))?;
    Parser::new(&value)
        .with_version(Version::Rfc8941)
        .parse::<Dictionary>()
        .map(Some)
        .map_err(|e| format!("{name} is not a structured dictionary: {e}").into())
}

/// A header field's value as RFC 9421 section 2.1 has it: each line trimmed, lines joined
/// by `, `. `None` when the request has no such field.
fn field_value(headers: &HeaderMap, name: &str) -> Result<Option<Vec<u8>>, Refusal> {
    let mut lines = headers.get_all(name).iter().peekable();
    if lines.peek().is_none() {
        return Ok(None);
    }
    let mut value = Vec::new();
    for (n, line) in lines.enumerate() {
        if n > 0 {
            value.extend_from_slice(b", ");
        }
        value.extend_from_slice(line.as_bytes().trim_ascii());
    }
    Ok(Some(value))
}

/// The names of a signature's covered components, if all are plain strings.
fn component_names(list: &InnerList) -> Option<Vec<&str>> {
    list.items
        .iter()
        .map(|item| match &item.bare_item {
            BareItem::String(name) => Some(name.as_str()),
            _ => None,
        })
        .collect()
}

/// Whether a signature covers what binds it to this request and this body.
fn covers_enough(list: &InnerList) -> bool {
    let Some(names) = component_names(list) else {
        return false;
    };
    let has = |name: &str| names.contains(&name);
    has("@method")
        && (has("@target-uri") || (has("@authority") && has("@path")))
        && has("content-digest")
}

/// Refuses a signature without `created`, with `created` over an hour old or more than
/// five minutes ahead, or past its `expires`.
fn check_time(list: &InnerList, now: i64) -> Result<(), Refusal> {
    let created = match list.params.get("created") {
        Some(BareItem::Integer(created)) => i64::from(*created),
        Some(_) => return Err("the signature's created is not an integer".into()),
        None => return Err("the signature has no created time".into()),
    };
    if now.saturating_sub(created) > MAX_AGE_SECONDS {
        return Err("the signature was created over an hour ago".into());
    }
    if created.saturating_sub(now) > MAX_CLOCK_SKEW_SECONDS {
        return Err("the signature was created in the future".into());
    }
    match list.params.get("expires") {
        Some(BareItem::Integer(expires)) if i64::from(*expires) < now => {
            Err("the signature has expired".into())
        }
        Some(BareItem::Integer(_)) | None => Ok(()),
        Some(_) => Err("the signature's expires is not an integer".into()),
    }
}

/// Reads a signature's parameters and rebuilds its signature base, without judging
/// whether it covers enough or is fresh.
fn build(
    label: &str,
    list: &InnerList,
    signature: Vec<u8>,
    target: &Target<'_>,
) -> Result<Unverified, Refusal> {
    let key_id = match list.params.get("keyid") {
        Some(BareItem::String(key_id)) => key_id.as_str().to_owned(),
        Some(_) => return Err("the signature's keyid is not a string".into()),
        None => return Err("the signature has no keyid".into()),
    };
    let alg = match list.params.get("alg") {
        Some(BareItem::String(alg)) => Some(Algorithm::parse(alg.as_str())?),
        Some(_) => return Err("the signature's alg is not a string".into()),
        None => None,
    };
    Ok(Unverified {
        label: label.to_owned(),
        key_id,
        alg,
        signature,
        base: signature_base(list, target)?,
    })
}

/// The signature base of RFC 9421 section 2.5: one line per covered component, in the
/// order covered, then the signature parameters as the signer serialized them.
fn signature_base(list: &InnerList, target: &Target<'_>) -> Result<Vec<u8>, Refusal> {
    let mut base = Vec::new();
    let mut seen = HashSet::new();
    for item in &list.items {
        let BareItem::String(name) = &item.bare_item else {
            return Err("a covered component is not a string".into());
        };
        let name = name.as_str();
        if !item.params.is_empty() {
            return Err(format!(
                "covered component {name:?} has parameters, which we do not support"
            )
            .into());
        }
        if !seen.insert(name) {
            return Err(format!("covered component {name:?} appears twice").into());
        }
        base.extend_from_slice(item.serialize().as_bytes());
        base.extend_from_slice(b": ");
        base.extend_from_slice(&component_value(name, target)?);
        base.push(b'\n');
    }
    let params = vec![ListEntry::InnerList(list.clone())]
        .serialize()
        .ok_or("the signature parameters cannot be serialized")?;
    base.extend_from_slice(b"\"@signature-params\": ");
    base.extend_from_slice(params.as_bytes());
    Ok(base)
}

/// The value of one covered component (RFC 9421 sections 2.1 and 2.2).
fn component_value(name: &str, target: &Target<'_>) -> Result<Vec<u8>, Refusal> {
    let path = match target.uri.path() {
        "" => "/",
        path => path,
    };
    let query = target.uri.query();
    let value = match name {
        "@method" => target.method.as_str().to_owned(),
        "@target-uri" => {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            format!(
                "{}://{}{path}{query}",
                target.scheme,
                authority(target.scheme, target.authority)
            )
        }
        "@authority" => authority(target.scheme, target.authority),
        "@scheme" => target.scheme.to_ascii_lowercase(),
        "@path" => path.to_owned(),
        "@query" => format!("?{}", query.unwrap_or_default()),
        "@request-target" => match query {
            Some(query) => format!("{path}?{query}"),
            None => path.to_owned(),
        },
        derived if derived.starts_with('@') => {
            return Err(
                format!("covered component {derived:?} is not supported on a request").into(),
            );
        }
        field => {
            if field.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(format!("covered field {field:?} is not lower-case").into());
            }
            return field_value(target.headers, field)?.ok_or_else(|| {
                format!("the signature covers {field:?}, which the request lacks").into()
            });
        }
    };
    Ok(value.into_bytes())
}

/// The authority as RFC 9421 section 2.2.3 has it: lower-case, without the scheme's
/// default port.
fn authority(scheme: &str, authority: &str) -> String {
    let authority = authority.to_ascii_lowercase();
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return authority,
    };
    match authority.strip_suffix(default_port) {
        Some(host) => host.to_owned(),
        None => authority,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD as BASE64;

    /// The test request of RFC 9421 appendix B.2.
    fn rfc_request() -> (Method, Uri, HeaderMap) {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("host", "example.com"),
            ("date", "Tue, 20 Apr 2021 02:07:55 GMT"),
            ("content-type", "application/json"),
            (
                "content-digest",
                "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
            ),
            ("content-length", "18"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        let uri = "/foo?param=Value&Pet=dog".parse().expect("uri");
        (Method::POST, uri, headers)
    }

    const RFC_BODY: &[u8] = br#"{"hello": "world"}"#;

    /// RFC 9421 appendix B.1.4.
    const RFC_ED25519_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----\n\
        MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n\
        -----END PUBLIC KEY-----\n";

    fn target<'a>(method: &'a Method, uri: &'a Uri, headers: &'a HeaderMap) -> Target<'a> {
        Target {
            method,
            uri,
            headers,
            scheme: "https",
            authority: "example.com",
        }
    }

    fn inner_list(signature_input: &str) -> (String, InnerList) {
        let dict: Dictionary = Parser::new(signature_input).parse().expect("dictionary");
        let (label, entry) = dict.into_iter().next().expect("a member");
        let ListEntry::InnerList(list) = entry else {
            panic!("not an inner list")
        };
        (label.as_str().to_owned(), list)
    }

    fn base_of(signature_input: &str, target: &Target<'_>) -> String {
        let (_, list) = inner_list(signature_input);
        String::from_utf8(signature_base(&list, target).expect("base")).expect("text")
    }

    #[test]
    fn the_minimal_signature_base_of_appendix_b_2_1() {
        let (method, uri, headers) = rfc_request();
        let base = base_of(
            r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#,
            &target(&method, &uri, &headers),
        );
        assert_eq!(
            base,
            r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#
        );
    }

    #[test]
    fn the_full_coverage_signature_base_of_appendix_b_2_3() {
        let (method, uri, headers) = rfc_request();
        let base = base_of(
            r#"sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#,
            &target(&method, &uri, &headers),
        );
        let expected = [
            r#""date": Tue, 20 Apr 2021 02:07:55 GMT"#,
            r#""@method": POST"#,
            r#""@path": /foo"#,
            r#""@query": ?param=Value&Pet=dog"#,
            r#""@authority": example.com"#,
            r#""content-type": application/json"#,
            r#""content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"#,
            r#""content-length": 18"#,
            r#""@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#,
        ]
        .join("\n");
        assert_eq!(base, expected);
    }

    #[test]
    fn the_ed25519_signature_of_appendix_b_2_6_verifies() {
        let (method, uri, headers) = rfc_request();
        let target = target(&method, &uri, &headers);
        let (label, list) = inner_list(
            r#"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#,
        );
        let signature = BASE64
            .decode("wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==")
            .expect("base64");
        let mut unverified = build(&label, &list, signature, &target).expect("built");
        unverified
            .verify(RFC_ED25519_PUBLIC_KEY)
            .expect("the RFC's signature verifies");

        // The same signature over another request does not.
        let other: Uri = "/bar".parse().expect("uri");
        let moved = Target {
            uri: &other,
            ..target
        };
        let (label, list) = inner_list(
            r#"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#,
        );
        let moved = build(&label, &list, unverified.signature.clone(), &moved).expect("built");
        assert!(moved.verify(RFC_ED25519_PUBLIC_KEY).is_err());
        // Nor under an algorithm the key cannot do.
        unverified.alg = Some(Algorithm::RsaV15Sha256);
        assert!(unverified.verify(RFC_ED25519_PUBLIC_KEY).is_err());
    }

    #[test]
    fn derived_components_of_a_request() {
        let (method, _, headers) = rfc_request();
        let uri: Uri = "/path?param=value&foo=bar&baz=bat%2Dman"
            .parse()
            .expect("uri");
        let target = Target {
            authority: "WWW.Example.com:443",
            ..target(&method, &uri, &headers)
        };
        let value =
            |name| String::from_utf8(component_value(name, &target).expect(name)).expect("text");
        assert_eq!(value("@method"), "POST");
        assert_eq!(
            value("@target-uri"),
            "https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman"
        );
        assert_eq!(value("@authority"), "www.example.com");
        assert_eq!(value("@scheme"), "https");
        assert_eq!(
            value("@request-target"),
            "/path?param=value&foo=bar&baz=bat%2Dman"
        );
        assert_eq!(value("@path"), "/path");
        assert_eq!(value("@query"), "?param=value&foo=bar&baz=bat%2Dman");

        let bare: Uri = "/inbox".parse().expect("uri");
        let target = Target {
            uri: &bare,
            scheme: "http",
            authority: "localhost:8080",
            ..target
        };
        let value =
            |name| String::from_utf8(component_value(name, &target).expect(name)).expect("text");
        assert_eq!(value("@target-uri"), "http://localhost:8080/inbox");
        assert_eq!(value("@query"), "?");
        assert_eq!(value("@request-target"), "/inbox");
        assert!(component_value("@status", &target).is_err());
        assert!(component_value("@query-param", &target).is_err());
        assert!(component_value("x-missing", &target).is_err());
        assert!(component_value("Date", &target).is_err());
        assert!(component_value("not a header!", &target).is_err());
        assert!(component_value("", &target).is_err());
    }

    #[test]
    fn field_lines_are_trimmed_and_joined() {
        let mut headers = HeaderMap::new();
        headers.append("cache-control", HeaderValue::from_static("   max-age=60  "));
        headers.append(
            "cache-control",
            HeaderValue::from_static("    must-revalidate"),
        );
        assert_eq!(
            field_value(&headers, "cache-control")
                .expect("value")
                .as_deref(),
            Some(&b"max-age=60, must-revalidate"[..])
        );
        assert_eq!(field_value(&headers, "x-empty").expect("value"), None);
    }

    #[test]
    fn content_digests_from_the_rfcs_match_their_body() {
        let (_, _, headers) = rfc_request();
        check_content_digest(&headers, RFC_BODY).expect("RFC 9421's sha-512 digest");
        assert!(check_content_digest(&headers, br#"{"hello": "world!"}"#).is_err());

        let mut headers = HeaderMap::new();
        headers.insert(
            "content-digest",
            HeaderValue::from_static("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"),
        );
        check_content_digest(&headers, RFC_BODY).expect("RFC 9530's sha-256 digest");

        for refused in [
            "md5=:Sd/dVLAcvNLSq16eXua5uQ==:",
            "sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
            "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:",
            "sha-256=:not base64:",
            "",
        ] {
            headers.insert("content-digest", HeaderValue::from_static(refused));
            assert!(
                check_content_digest(&headers, RFC_BODY).is_err(),
                "{refused}"
            );
        }
        headers.remove("content-digest");
        assert!(check_content_digest(&headers, RFC_BODY).is_err());
    }

    /// A POST to an inbox as a peer would sign it, with `signature_input` as given.
    fn inbox_request(signature_input: &str, signature: &str) -> (Method, Uri, HeaderMap) {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("example.com"));
        headers.insert(
            "content-digest",
            HeaderValue::from_static("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"),
        );
        headers.insert(
            "signature-input",
            HeaderValue::from_str(signature_input).expect("header"),
        );
        headers.insert(
            "signature",
            HeaderValue::from_str(signature).expect("header"),
        );
        (Method::POST, "/inbox".parse().expect("uri"), headers)
    }

    const NOW: i64 = 1_700_000_000;
    const SIG: &str = "sig1=:AAECAw==:";

    fn prepared(signature_input: &str, signature: &str) -> Result<Unverified, Refusal> {
        let (method, uri, headers) = inbox_request(signature_input, signature);
        prepare(&target(&method, &uri, &headers), NOW)
    }

    #[test]
    fn a_signature_is_taken_only_when_it_covers_enough_and_is_fresh() {
        let good = format!(
            r#"sig1=("@method" "@target-uri" "content-digest");created={NOW};keyid="https://example.com/users/a#main-key";alg="rsa-v1_5-sha256""#
        );
        let taken = prepared(&good, SIG).expect("taken");
        assert_eq!(taken.label, "sig1");
        assert_eq!(taken.signature, [0, 1, 2, 3]);
        assert_eq!(taken.alg, Some(Algorithm::RsaV15Sha256));
        assert_eq!(
            taken.signer().expect("signer").as_str(),
            "https://example.com/users/a"
        );
        assert_eq!(
            String::from_utf8(taken.base).expect("text"),
            format!(
                "\"@method\": POST\n\"@target-uri\": https://example.com/inbox\n\"content-digest\": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\n\"@signature-params\": (\"@method\" \"@target-uri\" \"content-digest\");created={NOW};keyid=\"https://example.com/users/a#main-key\";alg=\"rsa-v1_5-sha256\""
            )
        );
        // Authority and path may stand for the target URI.
        let split = format!(
            r#"sig1=("@method" "@authority" "@path" "content-digest");created={NOW};keyid="k""#
        );
        assert!(prepared(&split, SIG).is_ok());

        let all = r#""@method" "@target-uri" "content-digest""#;
        let key = r#"keyid="https://example.com/users/a#main-key""#;
        let now = format!(";created={NOW};{key}");
        let sig = |components: &str, params: &str| format!("sig1=({components}){params}");
        let too_thin = "no signature covers";
        for (why, input, reason) in [
            (
                "no content-digest",
                sig(r#""@method" "@target-uri""#, &now),
                too_thin,
            ),
            (
                "no method",
                sig(r#""@target-uri" "content-digest""#, &now),
                too_thin,
            ),
            (
                "no path",
                sig(r#""@method" "@authority" "content-digest""#, &now),
                too_thin,
            ),
            (
                "a token for a component",
                sig(r#"method "@target-uri" "content-digest""#, &now),
                too_thin,
            ),
            ("another label", format!("sig2=({all}){now}"), too_thin),
            (
                "an item, not a list",
                format!(r#"sig1="@method"{now}"#),
                too_thin,
            ),
            ("nothing", String::new(), too_thin),
            (
                "not a dictionary",
                format!("sig1=({all}"),
                "not a structured dictionary",
            ),
            ("no created", sig(all, &format!(";{key}")), "no created"),
            (
                "created as a string",
                sig(all, &format!(r#";created="{NOW}";{key}"#)),
                "not an integer",
            ),
            (
                "created over an hour ago",
                sig(all, &format!(";created={};{key}", NOW - 3601)),
                "over an hour ago",
            ),
            (
                "created in the future",
                sig(all, &format!(";created={};{key}", NOW + 301)),
                "in the future",
            ),
            (
                "expired",
                sig(all, &format!(";created={NOW};expires={};{key}", NOW - 1)),
                "expired",
            ),
            ("no keyid", sig(all, &format!(";created={NOW}")), "no keyid"),
            (
                "an unknown alg",
                sig(all, &format!(r#"{now};alg="hmac-sha256""#)),
                "not supported",
            ),
            (
                "a component twice",
                sig(&format!(r#"{all} "@method""#), &now),
                "appears twice",
            ),
            (
                "a component with parameters",
                sig(r#""@method" "@target-uri" "content-digest";sf"#, &now),
                "has parameters",
            ),
            (
                "a missing header",
                sig(&format!(r#"{all} "date""#), &now),
                "which the request lacks",
            ),
            (
                "a response component",
                sig(&format!(r#"{all} "@status""#), &now),
                "not supported",
            ),
        ] {
            let refusal = prepared(&input, SIG).expect_err(why).to_string();
            assert!(refusal.contains(reason), "{why}: refused for {refusal:?}");
        }
        for (why, signature, reason) in [
            ("an empty signature", "sig1=::", "not a byte sequence"),
            (
                "a string signature",
                r#"sig1="AAECAw==""#,
                "not a byte sequence",
            ),
            ("bad base64", "sig1=:***:", "not a structured dictionary"),
            ("no Signature member", "other=:AAECAw==:", too_thin),
        ] {
            let refusal = prepared(&good, signature).expect_err(why).to_string();
            assert!(refusal.contains(reason), "{why}: refused for {refusal:?}");
        }
    }

    #[test]
    fn the_first_sufficient_signature_is_taken() {
        let input = format!(
            r#"thin=("@method");created={NOW};keyid="a", full=("@method" "@target-uri" "content-digest");created={NOW};keyid="b", also=("@method" "@target-uri" "content-digest");created={NOW};keyid="c""#
        );
        let taken = prepared(&input, "thin=:AA==:, also=:AQ==:, full=:Ag==:").expect("taken");
        assert_eq!(taken.label, "full");
        assert_eq!(taken.key_id, "b");
        assert_eq!(taken.signature, [2]);
        assert!(
            taken.signer().is_err(),
            "a keyid that is not a URL names no actor"
        );
    }

    /// Signs `base` with a throw-away RSA key through OpenSSL, independently of the
    /// verifier's RSA code.
    fn openssl_rsa_signature(
        key: &openssl::pkey::PKey<openssl::pkey::Private>,
        base: &[u8],
        pss: bool,
    ) -> Vec<u8> {
        use openssl::hash::MessageDigest;
        use openssl::rsa::Padding;
        use openssl::sign::{RsaPssSaltlen, Signer};
        let digest = if pss {
            MessageDigest::sha512()
        } else {
            MessageDigest::sha256()
        };
        let mut signer = Signer::new(digest, key).expect("signer");
        if pss {
            signer.set_rsa_padding(Padding::PKCS1_PSS).expect("padding");
            signer
                .set_rsa_pss_saltlen(RsaPssSaltlen::custom(64))
                .expect("salt");
            signer
                .set_rsa_mgf1_md(MessageDigest::sha512())
                .expect("mgf1");
        }
        signer.sign_oneshot_to_vec(base).expect("signature")
    }

    #[test]
    fn rsa_signatures_round_trip() {
        let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).expect("key")).expect("pkey");
        let public_pem = String::from_utf8(key.public_key_to_pem().expect("pem")).expect("text");
        let other = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).expect("key")).expect("pkey");
        let other_pem = String::from_utf8(other.public_key_to_pem().expect("pem")).expect("text");
        for (alg, pss) in [
            (r#";alg="rsa-v1_5-sha256""#, false),
            ("", false),
            (r#";alg="rsa-pss-sha512""#, true),
        ] {
            let input = format!(
                r#"sig1=("@method" "@target-uri" "content-digest");created={NOW};keyid="https://example.com/users/a#main-key"{alg}"#
            );
            let unsigned = prepared(&input, SIG).expect("taken");
            let signature = openssl_rsa_signature(&key, &unsigned.base, pss);
            let signed =
                prepared(&input, &format!("sig1=:{}:", BASE64.encode(&signature))).expect("taken");
            signed
                .verify(&public_pem)
                .unwrap_or_else(|e| panic!("{alg}: {e}"));
            assert!(
                signed.verify(&other_pem).is_err(),
                "{alg}: another key verified"
            );
            assert!(signed.verify("not a key").is_err());

            // The same signature on a request to another inbox does not verify.
            let (method, _, headers) =
                inbox_request(&input, &format!("sig1=:{}:", BASE64.encode(&signature)));
            let uri: Uri = "/c/other/inbox".parse().expect("uri");
            let moved = prepare(&target(&method, &uri, &headers), NOW).expect("taken");
            assert!(
                moved.verify(&public_pem).is_err(),
                "{alg}: verified on another path"
            );
        }
        // A PSS signature is not a PKCS#1 v1.5 one.
        let input = format!(
            r#"sig1=("@method" "@target-uri" "content-digest");created={NOW};keyid="k";alg="rsa-v1_5-sha256""#
        );
        let unsigned = prepared(&input, SIG).expect("taken");
        let pss = openssl_rsa_signature(&key, &unsigned.base, true);
        let signed = prepared(&input, &format!("sig1=:{}:", BASE64.encode(pss))).expect("taken");
        assert!(signed.verify(&public_pem).is_err());
        // And an RSA key does not do Ed25519.
        let input = format!(
            r#"sig1=("@method" "@target-uri" "content-digest");created={NOW};keyid="k";alg="ed25519""#
        );
        assert!(
            prepared(&input, SIG)
                .expect("taken")
                .verify(&public_pem)
                .is_err()
        );
    }

    #[test]
    fn ed25519_signatures_round_trip_without_alg() {
        let key = PKey::generate_ed25519().expect("key");
        let public_pem = String::from_utf8(key.public_key_to_pem().expect("pem")).expect("text");
        let input =
            format!(r#"sig1=("@method" "@target-uri" "content-digest");created={NOW};keyid="k""#);
        let unsigned = prepared(&input, SIG).expect("taken");
        let signature = openssl::sign::Signer::new_without_digest(&key)
            .and_then(|mut signer| signer.sign_oneshot_to_vec(&unsigned.base))
            .expect("signature");
        let signed =
            prepared(&input, &format!("sig1=:{}:", BASE64.encode(signature))).expect("taken");
        signed.verify(&public_pem).expect("verifies");
        assert!(signed.verify(RFC_ED25519_PUBLIC_KEY).is_err());
    }
}
