//! The document library: folders, documents, versions and downloads.
pub mod create_folder;
pub mod delete_document;
pub mod download_remote_file;
pub mod download_version;
pub mod get_document;
pub mod list_documents;
pub mod list_folders;
pub mod list_versions;
pub mod move_document;
pub mod upload_document;
pub mod upload_version;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::models::DbDocumentVersion;

/// A new document, sent as `multipart/form-data`.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart form for the OpenAPI document"
)]
pub struct UploadDocumentForm {
    /// The file: PDF, office document (DOCX, XLSX, PPTX, ODT, ODS, ODP), PNG, JPEG, GIF,
    /// WebP, CSV or plain text, as the instance allows, judged from its contents.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Up to 200 characters.
    title: String,
    /// Markdown, up to 50,000 characters.
    description: Option<String>,
    /// The folder to file it in.
    folder_id: Option<i64>,
}

/// A new version of a document, sent as `multipart/form-data`.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart form for the OpenAPI document"
)]
pub struct UploadVersionForm {
    /// The file, checked as for a new document.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Where to file a document: a folder id, or `null` for the top of the library.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveDocumentRequest {
    pub folder_id: Option<i64>,
}

/// A new folder.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFolderRequest {
    /// Up to 100 characters, unique among its neighbours.
    pub name: String,
    /// The folder to put it in; absent for the top of the library.
    pub parent_id: Option<i64>,
}

/// A folder id from a form field; anything else is a 400.
pub fn folder_field(value: Option<&str>) -> crate::error::AppResult<Option<i64>> {
    value
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                crate::error::AppError::bad_request(
                    "invalid_folder",
                    "folder_id must be a folder's id",
                )
            })
        })
        .transpose()
}

/// A stored file as a download: always an attachment, never sniffed into something the
/// browser would run, and answered with 304 when the client has these bytes already.
pub fn file_response(version: &DbDocumentVersion, body: Body, request: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", version.content_hash);
    let mut headers = HeaderMap::new();
    let content_type = if version.media_type.starts_with("text/") {
        // Text is only accepted as UTF-8.
        format!("{}; charset=utf-8", version.media_type)
    } else {
        version.media_type.clone()
    };
    protect(
        &mut headers,
        content_type,
        disposition(&version.file_name),
        Some(etag.clone()),
    );
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(version.size_bytes),
    );
    (headers, body).into_response()
}

/// The headers every file is served with: its type, always as an attachment, never
/// cached by shared caches, never sniffed, and sandboxed should a browser render it.
fn protect(
    headers: &mut HeaderMap,
    content_type: String,
    disposition: String,
    etag: Option<String>,
) {
    let pairs = [
        (header::CONTENT_TYPE, Some(content_type)),
        (header::CONTENT_DISPOSITION, Some(disposition)),
        (header::ETAG, etag),
        (header::CACHE_CONTROL, Some("private, no-cache".to_owned())),
        (header::X_CONTENT_TYPE_OPTIONS, Some("nosniff".to_owned())),
        (
            header::CONTENT_SECURITY_POLICY,
            Some("sandbox; default-src 'none'".to_owned()),
        ),
    ];
    for (name, value) in pairs {
        if let Some(Ok(value)) = value.map(|v| HeaderValue::from_str(&v)) {
            headers.insert(name, value);
        }
    }
}

/// Passes on a file another server gave one of our members (`services::remote_files`),
/// under the same protective headers as our own files: whatever the other server said,
/// it is an attachment, never sniffed or run here.
pub fn remote_file_response(upstream: reqwest::Response) -> Response {
    let given = |name: header::HeaderName| {
        upstream
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = given(header::CONTENT_TYPE)
        .filter(|t| t.split(';').next().is_some_and(|m| m.contains('/')))
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let disposition = given(header::CONTENT_DISPOSITION)
        .filter(|d| {
            d.trim_start()
                .to_ascii_lowercase()
                .starts_with("attachment")
        })
        .unwrap_or_else(|| "attachment".to_owned());
    let mut headers = HeaderMap::new();
    protect(&mut headers, content_type, disposition, given(header::ETAG));
    if let Some(length) = upstream.headers().get(header::CONTENT_LENGTH) {
        headers.insert(header::CONTENT_LENGTH, length.clone());
    }
    let body = http::Response::<reqwest::Body>::from(upstream).into_body();
    (headers, Body::new(body)).into_response()
}

/// `attachment` with a plain-ASCII `filename` for old clients and the exact name as
/// RFC 5987 `filename*`.
pub fn disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%' | ';') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_carry_a_safe_ascii_name_and_the_exact_one() {
        assert_eq!(
            disposition("Budget 2026.pdf"),
            "attachment; filename=\"Budget 2026.pdf\"; filename*=UTF-8''Budget%202026.pdf"
        );
        assert_eq!(
            disposition("Café; x.csv"),
            "attachment; filename=\"Caf__ x.csv\"; filename*=UTF-8''Caf%C3%A9%3B%20x.csv"
        );
    }
}
