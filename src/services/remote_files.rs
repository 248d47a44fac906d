//! Library files of private communities on other servers, for our members of them.
//!
//! Such a community's server gives its files only to its members, and a member's browser
//! holds no session there. So their threads link the files through our `/remote-file`,
//! which checks that the signed-in member belongs to the community, then fetches the
//! file with a GET signed as that member (draft-cavage, as the rest of federation). The
//! community's server checks the signature and the membership, and answers or refuses.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use url::Url;

use super::Actor;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::federation::nodeinfo::host_key;
use crate::federation::urls::Urls;
use crate::services::permissions::Access;
use crate::state::AppState;
use crate::types::MembershipState;

/// How long fetching one file may take, body included.
const FILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// The community name in a library file's address on `domain`
/// (`/c/{name}/files/{id}/v/{version}`), if that is what `url` is.
fn library_community(url: &Url, domain: &str) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https")
        || url.query().is_some()
        || url.fragment().is_some()
        || host_key(url).as_deref() != Some(domain)
    {
        return None;
    }
    let segments: Vec<&str> = url.path_segments()?.collect();
    match segments.as_slice() {
        ["c", name, "files", id, "v", version]
            if id.parse::<i64>().is_ok() && version.parse::<i32>().is_ok() =>
        {
            Some((*name).to_owned())
        }
        _ => None,
    }
}

/// Whether `url` is a library file of a community on the server at `domain`.
pub fn is_remote_library_file(url: &Url, domain: &str) -> bool {
    library_community(url, domain).is_some()
}

fn not_a_file() -> AppError {
    AppError::bad_request(
        "invalid_url",
        "that is not the address of a file in another server's community library",
    )
}

/// Fetches a library file of a community on another server for `actor`, who must be an
/// accepted member of it, signing the request as them. The answer comes back as the
/// community's server gave it; [`crate::api::documents::remote_file_response`] makes it
/// safe to pass on.
#[tracing::instrument(skip(state, actor), fields(member = %actor.name))]
pub async fn fetch(state: &AppState, actor: &Actor, url: &str) -> AppResult<reqwest::Response> {
    let url = Url::parse(url).map_err(|_| not_a_file())?;
    let domain = host_key(&url).ok_or_else(not_a_file)?;
    let name = library_community(&url, &domain).ok_or_else(not_a_file)?;
    let who = actor.clone();
    let community_domain = domain.clone();
    state
        .db
        .read(move |conn| {
            let community = db::federation::remote_community(conn, &name, &community_domain)?
                .ok_or(AppError::NotFound("community"))?;
            let access = Access::load(conn, community, Some(&who))?;
            access.require_read()?;
            if access.membership != Some(MembershipState::Accepted) {
                return Err(AppError::denied(
                    "members_only",
                    "only members of the community can open its files",
                ));
            }
            Ok(())
        })
        .await?;

    let person = crate::services::actors::local_person(state, &actor.name).await?;
    let private_key = person
        .private_key
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("member has no signing key")))?;
    let key_id = format!("{}#main-key", Urls::new(&state.config).person(&actor.name)?);
    let date = chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let path = &url[url::Position::BeforePath..];
    let mut fields = BTreeMap::new();
    fields.insert("host".to_owned(), domain.clone());
    fields.insert("date".to_owned(), date.clone());
    let unsigned = http_signature_normalization::Config::new()
        .begin_sign("GET", path, fields)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("signing a file fetch: {e}")))?;
    let signature = unsigned
        .sign(key_id, |signing_string| {
            sign(&private_key, signing_string.as_bytes())
        })
        .map_err(|e| AppError::Internal(e.context("signing a file fetch")))?
        .signature_header();

    let client = state.http().map_err(AppError::Internal)?;
    let response = client
        .get(url.clone())
        // A whole file, not an activity: the federation timeout would cut off a large
        // one on a slow link. This bounds the answer and the streamed body together.
        .timeout(FILE_TIMEOUT)
        .header("date", date)
        .header("signature", signature)
        .send()
        .await
        .map_err(|e| {
            tracing::info!(%url, error = %e, "fetching a file from another server failed");
            AppError::Unavailable(format!("the community's server did not answer: {e}"))
        })?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    tracing::info!(%url, %status, "another server refused a file to our member");
    Err(match status.as_u16() {
        401 | 403 => AppError::denied(
            "members_only",
            "the community's server does not count you as a member",
        ),
        404 => AppError::NotFound("file"),
        410 => AppError::Gone("that file has been deleted".into()),
        _ => AppError::Unavailable(format!("the community's server answered {status}")),
    })
}

/// An RSA-SHA256 signature, base64, with the member's PEM key.
fn sign(private_key_pem: &str, data: &[u8]) -> anyhow::Result<String> {
    let key = PKey::private_key_from_pem(private_key_pem.as_bytes())?;
    let mut signer = Signer::new(MessageDigest::sha256(), &key)?;
    signer.update(data)?;
    Ok(STANDARD.encode(signer.sign_to_vec()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_library_file_addresses_on_the_communitys_server_qualify() {
        let file = |s: &str| Url::parse(s).unwrap();
        let domain = "guild.example";
        assert_eq!(
            library_community(&file("https://guild.example/c/cabinet/files/7/v/2"), domain),
            Some("cabinet".to_owned())
        );
        for other in [
            "https://elsewhere.example/c/cabinet/files/7/v/2",
            "https://guild.example/c/cabinet/files/7/v/two",
            "https://guild.example/c/cabinet/files/7/v/2?x=1",
            "https://guild.example/c/cabinet/library",
            "https://guild.example/admin/files/7/v/2",
            "ftp://guild.example/c/cabinet/files/7/v/2",
        ] {
            assert_eq!(library_community(&file(other), domain), None, "{other}");
        }
        assert!(is_remote_library_file(
            &file("http://localhost:8080/c/x/files/1/v/1"),
            "localhost:8080"
        ));
    }
}
