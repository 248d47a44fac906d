//! File storage for the document library: one interface over a local directory or an
//! S3-compatible object store (through `object_store`), holding each file's bytes once,
//! under the SHA-256 of its contents.

mod s3;

use std::sync::{Arc, OnceLock};

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

use crate::config::{StorageBackend, StorageConfig};
use crate::error::{AppError, AppResult};

/// Where file contents live. Opened on first use, or up front by [`Storage::open`] so
/// that a misconfigured store stops start-up with a clear message.
pub struct Storage {
    config: StorageConfig,
    store: OnceLock<Arc<dyn ObjectStore>>,
}

/// A file in the store.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub hash: String,
    pub size: u64,
    pub written_at: DateTime<Utc>,
}

/// The lower-case hex SHA-256 of some bytes: the key they are stored under.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The object path for a hash; two levels of fan-out keep directories small.
fn location(hash: &str) -> AppResult<Path> {
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::Internal(anyhow::anyhow!(
            "not a content hash: {hash:?}"
        )));
    }
    Ok(Path::from(format!(
        "blobs/{}/{}/{hash}",
        &hash[..2],
        &hash[2..4]
    )))
}

/// A store that fails (unreachable, refusing our key, out of space) is reported to the
/// client as briefly unavailable, and to the admin in the log.
fn unavailable(e: object_store::Error) -> AppError {
    tracing::error!(error = %e, "file storage failed");
    AppError::Unavailable(format!("file storage: {e}"))
}

impl Storage {
    pub fn new(config: &StorageConfig) -> Storage {
        Storage {
            config: config.clone(),
            store: OnceLock::new(),
        }
    }

    /// Connects to the configured store, creating the local directory if needed.
    pub fn open(&self) -> anyhow::Result<&Arc<dyn ObjectStore>> {
        if let Some(store) = self.store.get() {
            return Ok(store);
        }
        let store: Arc<dyn ObjectStore> = match self.config.backend {
            StorageBackend::Local => {
                let path = &self.config.path;
                std::fs::create_dir_all(path).with_context(|| {
                    format!("storage.path: creating directory {}", path.display())
                })?;
                let local = object_store::local::LocalFileSystem::new_with_prefix(path)
                    .with_context(|| format!("storage.path: opening {}", path.display()))?;
                Arc::new(local.with_automatic_cleanup(false))
            }
            StorageBackend::S3 => s3::open(&self.config.s3)?,
        };
        Ok(self.store.get_or_init(|| store))
    }

    /// Asks the store for its top-level listing, so that a bucket that does not exist, a
    /// refused key or an unreachable endpoint is named in the log at start-up rather than
    /// at the first upload. The rest of the server works without files, so start-up runs
    /// this in the background and goes on.
    pub async fn check(&self) {
        let store = match self.open() {
            Ok(store) => store,
            Err(e) => {
                tracing::error!(error = ?e, "file storage cannot be opened");
                return;
            }
        };
        match store.list_with_delimiter(Some(&Path::from("blobs"))).await {
            Ok(_) => tracing::debug!(backend = ?self.config.backend, "file storage reachable"),
            Err(e) => tracing::error!(
                backend = ?self.config.backend,
                error = %e,
                "file storage is not usable: uploads and downloads will fail until it is"
            ),
        }
    }

    fn store(&self) -> AppResult<&Arc<dyn ObjectStore>> {
        self.open().map_err(AppError::Internal)
    }

    /// Stores bytes under their hash. The same bytes twice are one object; they are
    /// written again all the same, so that the object's time is fresh and
    /// [`Storage::remove_if_older`] cannot take a file an upload is about to record.
    pub async fn put(&self, hash: &str, bytes: Vec<u8>) -> AppResult<()> {
        let store = self.store()?;
        store
            .put(&location(hash)?, PutPayload::from(bytes))
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Every stored file, in no particular order. Keys that are not content hashes
    /// (anything an admin put beside them) are left out.
    pub async fn list(&self) -> AppResult<Vec<StoredFile>> {
        let store = self.store()?;
        let mut listing = store.list(Some(&Path::from("blobs")));
        let mut files = Vec::new();
        while let Some(meta) = listing.try_next().await.map_err(unavailable)? {
            let Some(hash) = meta.location.filename() else {
                continue;
            };
            if location(hash).is_ok_and(|at| at == meta.location) {
                files.push(StoredFile {
                    hash: hash.to_owned(),
                    size: meta.size,
                    written_at: meta.last_modified,
                });
            }
        }
        Ok(files)
    }

    /// Deletes a file unless it was written after `cutoff`, which means an upload is
    /// using it again. Says whether it was deleted.
    pub async fn remove_if_older(&self, hash: &str, cutoff: DateTime<Utc>) -> AppResult<bool> {
        let store = self.store()?;
        let at = location(hash)?;
        match store.head(&at).await {
            Ok(meta) if meta.last_modified <= cutoff => {}
            Ok(_) | Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(unavailable(e)),
        }
        match store.delete(&at).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(true),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The bytes stored under a hash, as a stream.
    pub async fn get(&self, hash: &str) -> AppResult<axum::body::Body> {
        let store = self.store()?;
        let found = store.get(&location(hash)?).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => {
                tracing::error!(hash, "a stored file is missing from file storage");
                AppError::NotFound("file")
            }
            other => unavailable(other),
        })?;
        Ok(axum::body::Body::from_stream(found.into_stream()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256_hex_and_only_they_make_paths() {
        let hash = content_hash(b"abc");
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            location(&hash).unwrap().as_ref(),
            format!("blobs/ba/78/{hash}")
        );
        assert!(location("../../etc/passwd").is_err());
    }
}
