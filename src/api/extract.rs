//! Extractors for the JSON API: bodies, paths and queries whose rejections are our JSON
//! errors, and the signed-in member from a bearer token or session cookie.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::services::{self, Actor};
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "guildhall_session";

/// A JSON body; malformed JSON, wrong types, unknown enum values and oversize bodies
/// become 4xx JSON errors.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    let (status, code) = match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => return AppError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        }
        StatusCode::UNPROCESSABLE_ENTITY => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        _ => (StatusCode::BAD_REQUEST, "invalid_json"),
    };
    // A body over the limit surfaces as a read failure wrapped in other rejections too.
    let message = rejection.body_text();
    if message.contains("length limit exceeded") {
        return AppError::PayloadTooLarge;
    }
    AppError::Rejected {
        status,
        code,
        message,
    }
}

/// Path parameters; a malformed id is a 400, not a 500.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| AppError::bad_request("invalid_path", e.body_text()))
    }
}

/// Query parameters; unknown enum values are a 400 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| AppError::bad_request("invalid_query", e.body_text()))
    }
}

/// The client's address: the connection's peer, or the last `X-Forwarded-For` entry (the
/// one our own proxy added; earlier ones came from the client) when
/// `http.trust_forwarded_for` says a reverse proxy sets it.
pub struct ClientIp(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.config.http.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse().ok());
            if let Some(ip) = forwarded {
                return Ok(ClientIp(ip));
            }
        }
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| ClientIp(info.0.ip()))
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("no client address on the connection"))
            })
    }
}

/// The signed-in member; requests without valid credentials get 401.
pub struct Auth(pub Actor);

impl std::ops::Deref for Auth {
    type Target = Actor;

    fn deref(&self) -> &Actor {
        &self.0
    }
}

/// The signed-in member if there is one; anonymous requests are allowed.
pub struct MaybeAuth(pub Option<Actor>);

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        MaybeAuth::from_request_parts(parts, state)
            .await?
            .0
            .map(Auth)
            .ok_or(AppError::Unauthenticated)
    }
}

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Some(credential) = credential(parts) else {
            return Ok(MaybeAuth(None));
        };
        if let Credential::Cookie(_) = credential {
            check_same_origin(parts, state)?;
        }
        let token = match &credential {
            Credential::Bearer(t) | Credential::Cookie(t) => t,
        };
        match services::accounts::authenticate(state, token).await? {
            Some(actor) => Ok(MaybeAuth(Some(actor))),
            // A stale bearer token is an error; a stale cookie is just a signed-out visitor.
            None if matches!(credential, Credential::Bearer(_)) => Err(AppError::Unauthenticated),
            None => Ok(MaybeAuth(None)),
        }
    }
}

enum Credential {
    Bearer(String),
    Cookie(String),
}

fn credential(parts: &Parts) -> Option<Credential> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
        return value
            .strip_prefix("Bearer ")
            .map(|t| Credential::Bearer(t.trim().to_owned()));
    }
    session_cookie(parts).map(Credential::Cookie)
}

/// The session token from the `Cookie` header, if any.
pub fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Cookie-authenticated requests that change things must come from our own pages, so
/// another site cannot make a member's browser act for them.
fn check_same_origin(parts: &Parts, state: &AppState) -> Result<(), AppError> {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let cross_site = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    let foreign_origin = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|origin| origin != state.config.base_url());
    if cross_site || foreign_origin {
        return Err(AppError::denied(
            "cross_site_request",
            "requests from other sites cannot use your session",
        ));
    }
    Ok(())
}

/// A `multipart/form-data` body: a file upload. Routes that take one lift the usual
/// body limit, and [`read_upload`] enforces `limits.upload_max_bytes` while reading.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|e| AppError::Rejected {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "unsupported_media_type",
                message: format!("send the file as multipart/form-data: {}", e.body_text()),
            })
    }
}

/// An upload's text fields and its one file (the field named `file`).
#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: std::collections::HashMap<String, String>,
    pub file: Option<services::library::Upload>,
}

impl UploadForm {
    /// A text field, if sent and not blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The file, or a 400 saying to choose one.
    pub fn take_file(&mut self) -> Result<services::library::Upload, AppError> {
        self.file
            .take()
            .filter(|f| f.file.size > 0 || !f.file_name.is_empty())
            .ok_or_else(|| AppError::bad_request("missing_file", "choose a file to upload"))
    }
}

/// The most text fields, and the longest text field, an upload may carry.
const UPLOAD_FIELDS_MAX: usize = 16;
const UPLOAD_FIELD_BYTES_MAX: usize = 256 * 1024;

/// How much past the limit an upload is read (and dropped) so that its client hears the
/// 413 rather than a reset connection; beyond it the connection is simply closed.
const UPLOAD_DRAIN_BYTES: usize = 4 * 1024 * 1024;

/// Reads an upload, its file into the storage's `incoming` directory, refusing a file
/// over `limits.upload_max_bytes` (`max`) with 413 `too_large` without keeping more than
/// `max` bytes of it. Routes taking uploads lift the usual body limit, so this is what
/// bounds them: a body never runs on past `max` and a little.
pub async fn read_upload(
    multipart: ApiMultipart,
    state: &AppState,
) -> Result<UploadForm, AppError> {
    let ApiMultipart(mut multipart) = multipart;
    let files = &state.files;
    let max = usize::try_from(state.config.limits.upload_max_bytes).unwrap_or(usize::MAX);
    let mut form = UploadForm::default();
    let mut count = 0;
    let mut total = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        count += 1;
        if count > UPLOAD_FIELDS_MAX {
            return Err(AppError::bad_request(
                "invalid_multipart",
                "too many form fields",
            ));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file";
        let limit = if is_file { max } else { UPLOAD_FIELD_BYTES_MAX };
        let file_name = field.file_name().unwrap_or_default().to_owned();
        if is_file && form.file.is_some() {
            return Err(AppError::bad_request("invalid_multipart", "send one file"));
        }
        // The file goes to disk as it arrives; text fields are short and kept.
        let mut incoming = if is_file {
            Some(files.incoming().await?)
        } else {
            None
        };
        let mut bytes = Vec::new();
        let mut held = 0usize;
        let mut over = false;
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            total = total.saturating_add(chunk.len());
            if total > max.saturating_add(UPLOAD_DRAIN_BYTES) {
                return Err(services::library::too_large(
                    state.config.limits.upload_max_bytes,
                ));
            }
            if over || held + chunk.len() > limit {
                // Read on a little, so that the client hears the answer rather than a
                // dropped connection, but stop keeping the bytes.
                over = true;
                incoming = None;
                bytes.clear();
                continue;
            }
            held += chunk.len();
            match incoming.as_mut() {
                Some(file) => file.write(&chunk).await?,
                None => bytes.extend_from_slice(&chunk),
            }
        }
        match (over, incoming) {
            (true, _) if is_file => {
                return Err(services::library::too_large(
                    state.config.limits.upload_max_bytes,
                ));
            }
            (true, _) => {
                return Err(AppError::bad_request(
                    "invalid_multipart",
                    format!("the field {name:?} is too long"),
                ));
            }
            (false, Some(file)) => {
                form.file = Some(services::library::Upload {
                    file_name,
                    file: file.finish().await?,
                });
            }
            (false, None) => {
                let text = String::from_utf8(bytes).map_err(|_| {
                    AppError::bad_request(
                        "invalid_multipart",
                        format!("the field {name:?} is not UTF-8 text"),
                    )
                })?;
                form.fields.insert(name, text);
            }
        }
    }
    Ok(form)
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::PayloadTooLarge;
    }
    AppError::bad_request(
        "invalid_multipart",
        format!("the upload could not be read: {}", e.body_text()),
    )
}
