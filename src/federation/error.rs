//! Errors on the federation paths, and the status each earns: anything we cannot verify
//! is 401, so peers that sign in another form retry; malformed input is 400; never 5xx
//! for a peer's mistake. What may pass is 503 with `Retry-After`: a fetch the activity
//! needed that did not get through, or a write that met another request's write of the
//! same rows. Senders built on the same federation library drop an activity answered
//! with any other 4xx, so those answers are kept for what a retry would not change.

use activitypub_federation::error::Error as LibError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

#[derive(Debug, thiserror::Error)]
pub enum FedError {
    #[error(transparent)]
    Lib(#[from] LibError),
    #[error(transparent)]
    App(#[from] AppError),
    /// The activity is well formed but we refuse it, with a reason for the log.
    #[error("refused: {0}")]
    Refused(String),
    /// The signature or the body's digest could not be verified, with the reason.
    #[error("unverified: {0}")]
    Unverified(String),
}

impl FedError {
    pub fn refused(reason: impl Into<String>) -> FedError {
        FedError::Refused(reason.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            FedError::Lib(e) => match e {
                LibError::Reqwest(_) | LibError::ReqwestMiddleware(_) | LibError::IoError(_) => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                LibError::ActivityBodyDigestInvalid
                | LibError::ActivitySignatureInvalid
                | LibError::SignError(_) => StatusCode::UNAUTHORIZED,
                // The signer could not be fetched or verified.
                LibError::NotFound
                | LibError::ObjectDeleted(_)
                | LibError::FetchWrongId(_)
                | LibError::FetchInvalidContentType(_)
                | LibError::ParseFetchedObject(..)
                | LibError::WebfingerResolveFailed(_)
                | LibError::RequestLimit
                | LibError::ResponseBodyLimit
                | LibError::DomainResolveError(_)
                | LibError::ResolveInternalIpError(..) => StatusCode::UNAUTHORIZED,
                LibError::ParseReceivedActivity { .. }
                | LibError::UrlVerificationError(_)
                | LibError::UrlParse(_) => StatusCode::BAD_REQUEST,
                LibError::Other(message)
                    if message.contains("signature") || message.contains("Signature") =>
                {
                    StatusCode::UNAUTHORIZED
                }
                _ => StatusCode::BAD_REQUEST,
            },
            // A unique or foreign-key violation: another request changed the same rows
            // at the same moment, and a retry finds them settled.
            FedError::App(AppError::Conflict(_)) => StatusCode::SERVICE_UNAVAILABLE,
            FedError::App(e) => match e.status() {
                status if status.is_server_error() && !matches!(e, AppError::Unavailable(_)) => {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
                status => status,
            },
            FedError::Refused(_) => StatusCode::FORBIDDEN,
            FedError::Unverified(_) => StatusCode::UNAUTHORIZED,
        }
    }
}

impl IntoResponse for FedError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = status == StatusCode::SERVICE_UNAVAILABLE;
        if retry {
            tracing::warn!(error = %self, "federation request deferred; the sender may retry");
        } else if status.is_server_error() {
            tracing::error!(error = %self, "federation request failed");
        } else {
            tracing::info!(error = %self, %status, "federation request refused");
        }
        let mut response = (
            status,
            axum::Json(serde_json::json!({"error": status.as_u16(), "message": self.to_string()})),
        )
            .into_response();
        if retry {
            response
                .headers_mut()
                .insert("retry-after", axum::http::HeaderValue::from_static("30"));
        }
        response
    }
}
