//! S3-compatible object storage for uploaded files (Amazon S3, MinIO, Garage, Ceph…).
//!
//! `object_store` speaks the S3 protocol; this module gives it the two things its
//! `aws-base` feature leaves to us, so that no second TLS stack or crypto library is
//! built: HTTP through the same `reqwest` (and OpenSSL) as federation, and the SHA-256
//! and HMAC-SHA256 of request signing through the `sha2` and `hmac` crates we already use.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use object_store::aws::AmazonS3Builder;
use object_store::client::{
    ClientOptions, CryptoProvider, DigestAlgorithm, DigestContext, HmacContext, HttpClient,
    HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpResponse, HttpResponseBody,
    HttpService, Signer, SigningAlgorithm,
};
use object_store::{ObjectStore, RetryConfig};
use sha2::{Digest, Sha256};

use crate::config::S3Config;

/// How long connecting to the store may take, and a whole request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a failing request is retried before the member is told to try again: a
/// member waiting on an upload gives up long before the library default of 3 minutes.
const RETRY_FOR: Duration = Duration::from_secs(15);

/// Builds the client for the configured bucket. Nothing is sent yet: a wrong endpoint
/// or key shows on the first upload or download, as a logged storage error.
pub fn open(config: &S3Config) -> anyhow::Result<Arc<dyn ObjectStore>> {
    // The standard AWS_* variables first, so that settings in the file win over them.
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(&config.bucket)
        .with_allow_http(config.allow_http)
        .with_retry(RetryConfig {
            max_retries: 4,
            retry_timeout: RETRY_FOR,
            ..RetryConfig::default()
        })
        .with_crypto_provider(Arc::new(RustCrypto))
        .with_http_connector(Reqwest);
    if !config.region.is_empty() {
        builder = builder.with_region(&config.region);
    }
    if !config.endpoint.is_empty() {
        // Path-style addresses (`endpoint/bucket/key`) work with every S3-compatible
        // store, where bucket sub-domains need DNS that small deployments lack.
        builder = builder
            .with_endpoint(&config.endpoint)
            .with_virtual_hosted_style_request(false);
    }
    if !config.access_key_id.is_empty() {
        builder = builder
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key);
    } else if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        tracing::warn!(
            "storage.s3: no access key (storage.s3.access_key_id or AWS_ACCESS_KEY_ID); \
             asking the cloud instance's metadata service for credentials"
        );
    }
    let store = builder
        .build()
        .with_context(|| format!("storage.s3: bucket {:?}", config.bucket))?;
    Ok(Arc::new(store))
}

/// Makes `object_store`'s HTTP client from ours.
#[derive(Debug)]
struct Reqwest;

impl HttpConnector for Reqwest {
    fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("Guildhall/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| object_store::Error::Generic {
                store: "S3",
                source: Box::new(e),
            })?;
        Ok(HttpClient::new(Client(client)))
    }
}

#[derive(Debug)]
struct Client(reqwest::Client);

#[async_trait]
impl HttpService for Client {
    async fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let url = reqwest::Url::parse(&parts.uri.to_string())
            .map_err(|e| HttpError::new(HttpErrorKind::Request, e))?;
        let mut outgoing = reqwest::Request::new(parts.method, url);
        *outgoing.headers_mut() = parts.headers;
        *outgoing.body_mut() = Some(match body.as_bytes() {
            // One buffer, the usual case: a body reqwest can send again on redirect.
            Some(bytes) => reqwest::Body::from(bytes.clone()),
            None => reqwest::Body::wrap(body),
        });
        let response = self.0.execute(outgoing).await.map_err(http_error)?;
        let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
        Ok(HttpResponse::from_parts(
            parts,
            HttpResponseBody::new(body.map_err(http_error)),
        ))
    }
}

/// Sorts a reqwest failure into the kinds `object_store` retries on.
fn http_error(e: reqwest::Error) -> HttpError {
    let kind = if e.is_timeout() {
        HttpErrorKind::Timeout
    } else if e.is_connect() {
        HttpErrorKind::Connect
    } else if e.is_decode() {
        HttpErrorKind::Decode
    } else if e.is_request() || e.is_body() {
        HttpErrorKind::Request
    } else {
        HttpErrorKind::Unknown
    };
    HttpError::new(kind, e)
}

/// SHA-256 and HMAC-SHA256, all that S3 request signing (SigV4) needs.
#[derive(Debug)]
struct RustCrypto;

impl CryptoProvider for RustCrypto {
    fn digest(&self, algorithm: DigestAlgorithm) -> object_store::Result<Box<dyn DigestContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(Sha256Context {
                hasher: Sha256::new(),
                output: Vec::new(),
            })),
            other => Err(unsupported(format!("digest {other:?}"))),
        }
    }

    fn hmac(
        &self,
        algorithm: DigestAlgorithm,
        secret: &[u8],
    ) -> object_store::Result<Box<dyn HmacContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => {
                let mac = Hmac::<Sha256>::new_from_slice(secret)
                    .map_err(|e| unsupported(format!("HMAC key: {e}")))?;
                Ok(Box::new(HmacSha256Context {
                    mac,
                    output: Vec::new(),
                }))
            }
            other => Err(unsupported(format!("HMAC {other:?}"))),
        }
    }

    fn sign(
        &self,
        algorithm: SigningAlgorithm,
        _pem: &[u8],
    ) -> object_store::Result<Box<dyn Signer>> {
        // Only Google Cloud service accounts sign with RSA; S3 never asks.
        Err(unsupported(format!("signing with {algorithm:?}")))
    }
}

fn unsupported(what: String) -> object_store::Error {
    object_store::Error::NotSupported {
        source: format!("{what} is not supported by Guildhall's S3 client").into(),
    }
}

struct Sha256Context {
    hasher: Sha256,
    output: Vec<u8>,
}

impl DigestContext for Sha256Context {
    fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        self.output = self.hasher.finalize_reset().to_vec();
        Ok(&self.output)
    }
}

struct HmacSha256Context {
    mac: Hmac<Sha256>,
    output: Vec<u8>,
}

impl HmacContext for HmacSha256Context {
    fn update(&mut self, data: &[u8]) {
        self.mac.update(data);
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        self.output = self.mac.clone().finalize().into_bytes().to_vec();
        Ok(&self.output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn digests_and_hmacs_match_published_vectors() {
        let mut digest = RustCrypto.digest(DigestAlgorithm::Sha256).unwrap();
        digest.update(b"a");
        digest.update(b"bc");
        assert_eq!(
            hex(digest.finish().unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // RFC 4231, test case 2.
        let mut mac = RustCrypto.hmac(DigestAlgorithm::Sha256, b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(mac.finish().unwrap()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(RustCrypto.sign(SigningAlgorithm::RS256, b"").is_err());
    }

    #[test]
    fn a_bucket_builds_without_contacting_it() {
        let config = S3Config {
            bucket: "files".into(),
            region: "eu-west-2".into(),
            endpoint: "http://127.0.0.1:9".into(),
            access_key_id: "key".into(),
            secret_access_key: "secret".into(),
            allow_http: true,
        };
        assert!(open(&config).is_ok());
    }
}
