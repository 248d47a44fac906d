//! Local actors as federation sees them: signing keys (made on first need, so sign-up stays
//! fast) and what a fetch of an actor or object may reveal.

use crate::db::models::{DbCommunity, DbPerson};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::services::communities::access;
use crate::state::AppState;
use crate::types::Name;

/// A PEM key pair.
#[derive(Debug, Clone)]
pub struct Keys {
    pub public_key: String,
    pub private_key: String,
}

/// A new RSA 2048 key pair: PKCS#8 and SPKI PEM, the forms the federation library reads.
/// OpenSSL makes it in a fraction of the time of the library's own generator, which
/// matters on first start, when the instance actor's key is made before serving.
pub fn generate_pair() -> anyhow::Result<Keys> {
    let rsa = openssl::rsa::Rsa::generate(2048)?;
    let key = openssl::pkey::PKey::from_rsa(rsa)?;
    Ok(Keys {
        public_key: String::from_utf8(key.public_key_to_pem()?)?,
        private_key: String::from_utf8(key.private_key_to_pem_pkcs8()?)?,
    })
}

async fn generate() -> AppResult<Keys> {
    tokio::task::spawn_blocking(generate_pair)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.context("generating a key pair")))
}

/// A local member with signing keys.
pub async fn local_person(state: &AppState, name: &str) -> AppResult<DbPerson> {
    let person = crate::services::accounts::profile(state, name).await?;
    if person.private_key.is_some() {
        return Ok(person);
    }
    let keys = generate().await?;
    state
        .db
        .write(move |conn| {
            db::persons::set_keys_if_missing(conn, person.id, &keys.public_key, &keys.private_key)?;
            db::persons::person(conn, person.id)
        })
        .await
}

/// A local community with signing keys. Its profile is public even when its content is not.
pub async fn local_community(state: &AppState, name: &str) -> AppResult<DbCommunity> {
    let name = name.to_owned();
    let community = state
        .db
        .read(move |conn| Ok(access(conn, &name, None)?.community))
        .await?;
    if community.private_key.is_some() {
        return Ok(community);
    }
    let keys = generate().await?;
    state
        .db
        .write(move |conn| {
            db::communities::set_keys_if_missing(
                conn,
                community.id,
                &keys.public_key,
                &keys.private_key,
            )?;
            db::communities::by_id(conn, community.id)
        })
        .await
}

const INSTANCE_PUBLIC_KEY: &str = "instance_public_key";
const INSTANCE_PRIVATE_KEY: &str = "instance_private_key";

/// The instance actor's keys, which sign fetches made on the instance's behalf.
pub async fn instance_keys(state: &AppState) -> AppResult<Keys> {
    let stored = state.db.read(read_instance_keys).await?;
    if let Some(keys) = stored {
        return Ok(keys);
    }
    let keys = generate().await?;
    state
        .db
        .write(move |conn| {
            if db::persons::put_setting_if_absent(conn, INSTANCE_PRIVATE_KEY, &keys.private_key)? {
                db::persons::set_setting(conn, INSTANCE_PUBLIC_KEY, &keys.public_key)?;
            }
            read_instance_keys(conn)?.ok_or(AppError::NotFound("instance key"))
        })
        .await
}

fn read_instance_keys(conn: &mut DbConn) -> AppResult<Option<Keys>> {
    let public_key = db::persons::setting(conn, INSTANCE_PUBLIC_KEY)?;
    let private_key = db::persons::setting(conn, INSTANCE_PRIVATE_KEY)?;
    Ok(public_key
        .zip(private_key)
        .map(|(public_key, private_key)| Keys {
            public_key,
            private_key,
        }))
}

/// Which kind of local actor holds a name, for WebFinger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Person,
    Community,
}

pub async fn kind_of(state: &AppState, name: &str) -> AppResult<ActorKind> {
    let name = Name::parse(name).map_err(|_| AppError::NotFound("actor"))?;
    state
        .db
        .read(move |conn| {
            if let Some(person) = db::persons::local_person_by_name(conn, name.as_str())? {
                return if person.deleted {
                    Err(AppError::Gone("this account has been deleted".into()))
                } else {
                    Ok(ActorKind::Person)
                };
            }
            match db::communities::local_by_name(conn, name.as_str())? {
                Some(c) if c.deleted => {
                    Err(AppError::Gone("this community has been deleted".into()))
                }
                Some(_) => Ok(ActorKind::Community),
                None => Err(AppError::NotFound("actor")),
            }
        })
        .await
}

/// The community's facilitators and pinned threads, for its collections.
pub async fn community_collections(
    state: &AppState,
    community: &DbCommunity,
) -> AppResult<(Vec<DbPerson>, Vec<crate::db::models::DbPost>)> {
    let id = community.id;
    state
        .db
        .read(move |conn| {
            Ok((
                db::communities::moderators(conn, id)?,
                db::communities::pinned_posts(conn, id)?,
            ))
        })
        .await
}

/// Local member, thread and comment counts for NodeInfo.
pub async fn usage(state: &AppState) -> AppResult<(i64, i64, i64)> {
    state.db.read(db::persons::local_counts).await
}

/// A comment with everything its `Note` names, as an anonymous visitor may see it.
pub struct CommentContext {
    pub comment: crate::db::models::DbComment,
    pub author: DbPerson,
    pub post: crate::db::models::DbPost,
    pub parent: Option<crate::db::models::DbComment>,
    pub community: DbCommunity,
}

pub async fn comment_context(state: &AppState, id: i64) -> AppResult<CommentContext> {
    let detail = crate::services::comments::get(state, None, id).await?;
    state
        .db
        .read(move |conn| {
            let post = db::content::post(conn, detail.comment.post_id)?
                .ok_or(AppError::NotFound("thread"))?;
            let parent = match detail.comment.parent_id {
                Some(parent) => db::content::comment(conn, parent)?,
                None => None,
            };
            let community = db::communities::by_id(conn, post.community_id)?;
            Ok(CommentContext {
                comment: detail.comment,
                author: detail.author,
                post,
                parent,
                community,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};

    use super::*;

    #[test]
    fn generated_keys_are_pem_the_federation_library_reads() {
        let keys = generate_pair().unwrap();
        assert!(keys.public_key.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert!(keys.private_key.starts_with("-----BEGIN PRIVATE KEY-----"));
        // The library parses both with the `rsa` crate when it signs and verifies.
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(&keys.private_key).unwrap();
        let public = rsa::RsaPublicKey::from_public_key_pem(&keys.public_key).unwrap();
        assert_eq!(rsa::RsaPublicKey::from(&private), public);
    }
}
