//! Errors on the federation paths, and the status each earns: anything we cannot verify
//! is 401, so peers that sign in another form retry; malformed input is 400; never 5xx
//! for a peer's mistake.

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
                LibError::ActivityBodyDigestInvalid
                | LibError::ActivitySignatureInvalid
                | LibError::SignError(_) => StatusCode::UNAUTHORIZED,
                // The signer could not be fetched or verified.
                LibError::NotFound
                | LibError::ObjectDeleted(_)
                | LibError::FetchWrongId(_)
                | LibError::FetchInvalidContentType(_)
                | LibError::ParseFetchedObject(..)
                | LibError::Reqwest(_)
                | LibError::ReqwestMiddleware(_)
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
        if status.is_server_error() {
            tracing::error!(error = %self, "federation request failed");
        } else {
            tracing::info!(error = %self, %status, "federation request refused");
        }
        (
            status,
            axum::Json(serde_json::json!({"error": status.as_u16(), "message": self.to_string()})),
        )
            .into_response()
    }
}
