//! The ids of local actors and objects. Every id is an URL on this instance that serves
//! the object itself.

use url::Url;

use crate::config::Config;
use crate::error::{AppError, AppResult};

/// Builds local ids from the instance's base URL, and knows the language local content
/// is published in.
#[derive(Debug, Clone)]
pub struct Urls {
    base: String,
    language: String,
}

impl Urls {
    pub fn new(config: &Config) -> Urls {
        Urls {
            base: config.base_url(),
            language: config.instance.language.clone(),
        }
    }

    /// The language tag of content written here, for `contentMap`.
    pub fn language(&self) -> &str {
        &self.language
    }

    fn url(&self, path: &str) -> AppResult<Url> {
        Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("building a local URL: {e}")))
    }

    /// The instance actor.
    pub fn instance(&self) -> AppResult<Url> {
        self.url("/")
    }

    pub fn shared_inbox(&self) -> AppResult<Url> {
        self.url("/inbox")
    }

    pub fn person(&self, name: &str) -> AppResult<Url> {
        self.url(&format!("/u/{name}"))
    }

    pub fn community(&self, name: &str) -> AppResult<Url> {
        self.url(&format!("/c/{name}"))
    }

    /// A sub-resource of an actor, such as `inbox` or `followers`.
    pub fn community_part(&self, name: &str, part: &str) -> AppResult<Url> {
        self.url(&format!("/c/{name}/{part}"))
    }

    pub fn person_part(&self, name: &str, part: &str) -> AppResult<Url> {
        self.url(&format!("/u/{name}/{part}"))
    }

    pub fn post(&self, id: i64) -> AppResult<Url> {
        self.url(&format!("/post/{id}"))
    }

    /// Where one version of a library document is downloaded.
    pub fn document_file(&self, community: &str, id: i64, version: i32) -> AppResult<Url> {
        self.url(&format!("/c/{community}/files/{id}/v/{version}"))
    }

    pub fn comment(&self, id: i64) -> AppResult<Url> {
        self.url(&format!("/comment/{id}"))
    }

    /// A member's blog post, served as an `Article`.
    pub fn blog_post(&self, id: i64) -> AppResult<Url> {
        self.url(&format!("/blog/{id}"))
    }

    /// A comment on a blog post, served as a `Note`.
    pub fn blog_comment(&self, id: i64) -> AppResult<Url> {
        self.url(&format!("/blog-comment/{id}"))
    }

    /// Whether an id names something on this instance.
    pub fn is_local(&self, id: &Url) -> bool {
        Url::parse(&self.base).is_ok_and(|base| base.origin() == id.origin())
    }

    pub fn key_id(actor: &Url) -> String {
        format!("{actor}#main-key")
    }
}
