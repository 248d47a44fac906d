//! File storage for the document library: one interface over a local directory or an
//! S3-compatible object store (through `object_store`), holding each file's bytes once,
//! under the SHA-256 of its contents.

mod s3;

use std::sync::{Arc, OnceLock};

use anyhow::Context;
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

fn internal(e: object_store::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(e).context("file storage"))
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

    fn store(&self) -> AppResult<&Arc<dyn ObjectStore>> {
        self.open().map_err(AppError::Internal)
    }

    /// Stores bytes under their hash, unless the same bytes are there already.
    pub async fn put(&self, hash: &str, bytes: Vec<u8>) -> AppResult<()> {
        let store = self.store()?;
        let at = location(hash)?;
        match store.head(&at).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(internal(e)),
        }
        store
            .put(&at, PutPayload::from(bytes))
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// The bytes stored under a hash, as a stream.
    pub async fn get(&self, hash: &str) -> AppResult<axum::body::Body> {
        let store = self.store()?;
        let found = store.get(&location(hash)?).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => {
                tracing::error!(hash, "a stored file is missing from file storage");
                AppError::NotFound("file")
            }
            other => internal(other),
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
