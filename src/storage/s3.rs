//! S3-compatible object storage for uploaded files.

use std::sync::Arc;

use object_store::ObjectStore;

use crate::config::S3Config;

/// Connects to the configured bucket.
pub fn open(config: &S3Config) -> anyhow::Result<Arc<dyn ObjectStore>> {
    anyhow::bail!(
        "storage.backend = \"s3\": this build of Guildhall has no S3 client (bucket {:?}); use storage.backend = \"local\"",
        config.bucket
    )
}
