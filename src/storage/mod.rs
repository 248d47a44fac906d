//! File storage for the document library: one interface over a local directory or an
//! S3-compatible object store (through `object_store`), holding each file's bytes once,
//! under the SHA-256 of its contents.

mod s3;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::{StorageBackend, StorageConfig};
use crate::error::{AppError, AppResult};
use crate::sniff::{HEAD_BYTES, TextCheck};

/// Uploads arriving are written here, under `storage.path`, until they are stored.
const INCOMING: &str = "incoming";
/// An upload larger than this goes to an object store in parts of this size, so that
/// no more than a part or two of it is in memory at once.
const PART_BYTES: usize = 8 * 1024 * 1024;
/// A file left in `incoming` this long belongs to no upload still running (the server
/// stopped mid-upload) and is removed.
const INCOMING_STALE: std::time::Duration = std::time::Duration::from_secs(3600);

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
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file in `incoming`, deleted when this is dropped unless it was moved into the
/// store: an upload that fails or is refused leaves nothing behind.
#[derive(Debug)]
struct Spooled(PathBuf);

impl Drop for Spooled {
    fn drop(&mut self) {
        match std::fs::remove_file(&self.0) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(error = %e, path = %self.0.display(), "could not remove an upload's spooled file");
            }
        }
    }
}

/// An upload as it arrives. Its bytes go straight to a file under
/// `{storage.path}/incoming`, and what the checks need (its size, hash, first bytes and
/// whether it is text) is worked out on the way, so no upload is held in memory.
pub struct Incoming {
    spooled: Spooled,
    file: tokio::fs::File,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    text: TextCheck,
}

impl std::fmt::Debug for Incoming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incoming")
            .field("path", &self.spooled.0)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl Incoming {
    /// How many bytes have arrived.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub async fn write(&mut self, piece: &[u8]) -> AppResult<()> {
        self.hasher.update(piece);
        self.size += piece.len() as u64;
        let room = HEAD_BYTES.saturating_sub(self.head.len());
        self.head.extend_from_slice(&piece[..room.min(piece.len())]);
        self.text.feed(piece);
        self.file.write_all(piece).await.map_err(spool_failed)
    }

    /// Every byte has arrived: the file is complete on disk.
    pub async fn finish(mut self) -> AppResult<Received> {
        self.file.flush().await.map_err(spool_failed)?;
        Ok(Received {
            hash: hex(&self.hasher.finalize()),
            size: self.size,
            head: self.head,
            text: self.text.is_text(),
            spooled: self.spooled,
        })
    }
}

/// A whole upload, waiting in `incoming` to be checked and stored.
#[derive(Debug)]
pub struct Received {
    /// The SHA-256 of its bytes, in hex: the key it is stored under.
    pub hash: String,
    pub size: u64,
    /// Its first bytes (up to [`HEAD_BYTES`]), from which its type is recognised.
    pub head: Vec<u8>,
    /// Whether all of it is text.
    pub text: bool,
    spooled: Spooled,
}

fn spool_failed(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "writing an upload under storage.path failed");
    AppError::Unavailable(format!("file storage: {e}"))
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
        self.clear_stale_incoming().await;
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

    /// Starts receiving an upload into `{storage.path}/incoming`.
    pub async fn incoming(&self) -> AppResult<Incoming> {
        let dir = self.config.path.join(INCOMING);
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(spool_failed)?;
        let path = dir.join(crate::services::accounts::new_token());
        let file = tokio::fs::File::create_new(&path)
            .await
            .map_err(spool_failed)?;
        Ok(Incoming {
            spooled: Spooled(path),
            file,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
            text: TextCheck::default(),
        })
    }

    /// Stores a received upload under its hash, as [`Storage::put`] does bytes. A local
    /// store takes the file by renaming it (the incoming directory is beside the files);
    /// an object store gets it in one request, or in parts when it is large.
    pub async fn put_received(&self, received: Received) -> AppResult<()> {
        let at = location(&received.hash)?;
        let from = received.spooled.0.clone();
        if self.config.backend == crate::config::StorageBackend::Local {
            let to = self.config.path.join(at.as_ref());
            if let Some(dir) = to.parent() {
                tokio::fs::create_dir_all(dir).await.map_err(spool_failed)?;
            }
            // Replacing an existing copy of the same bytes leaves it freshly written. A
            // store on another file system than `incoming` gets a copy instead.
            if tokio::fs::rename(&from, &to).await.is_err() {
                let staged = to.with_extension("part");
                tokio::fs::copy(&from, &staged)
                    .await
                    .map_err(spool_failed)?;
                tokio::fs::rename(&staged, &to)
                    .await
                    .map_err(spool_failed)?;
            }
            return Ok(());
        }
        let store = self.store()?;
        if received.size <= PART_BYTES as u64 {
            let bytes = tokio::fs::read(&from).await.map_err(spool_failed)?;
            store
                .put(&at, PutPayload::from(bytes))
                .await
                .map_err(unavailable)?;
            return Ok(());
        }
        let upload = store.put_multipart(&at).await.map_err(unavailable)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let sent = async {
            let mut file = tokio::fs::File::open(&from).await.map_err(spool_failed)?;
            let mut buffer = vec![0; 1024 * 1024];
            loop {
                let read = file.read(&mut buffer).await.map_err(spool_failed)?;
                if read == 0 {
                    return Ok(());
                }
                writer.wait_for_capacity(1).await.map_err(unavailable)?;
                writer.write(&buffer[..read]);
            }
        }
        .await;
        match sent {
            Ok(()) => writer.finish().await.map(|_| ()).map_err(unavailable),
            Err(e) => {
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }

    /// Removes what stopped uploads left in `incoming`: files older than an hour, which
    /// no running upload is still writing.
    pub async fn clear_stale_incoming(&self) {
        let dir = self.config.path.join(INCOMING);
        let Ok(mut entries) = tokio::fs::read_dir(&dir).await else {
            return;
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            let stale = entry
                .metadata()
                .await
                .and_then(|m| m.modified())
                .is_ok_and(|at| at.elapsed().is_ok_and(|age| age > INCOMING_STALE));
            if stale && let Err(e) = tokio::fs::remove_file(entry.path()).await {
                tracing::warn!(error = %e, path = %entry.path().display(), "could not remove a stopped upload's file");
            }
        }
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
