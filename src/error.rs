//! The one error type at the edge. Each variant has a status, a stable code and a
//! client-safe message; internal causes are logged and never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed or a value is invalid.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("sign in first")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    /// A 403 with a more precise code than `forbidden`.
    #[error("{message}")]
    Denied { code: &'static str, message: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    /// A 409 with a more precise code than `conflict`, such as `name_taken`.
    #[error("{message}")]
    Taken { code: &'static str, message: String },
    /// A 401 with its own code, such as `invalid_credentials`.
    #[error("{message}")]
    BadCredentials { code: &'static str, message: String },
    /// The target was deleted or removed.
    #[error("{0}")]
    Gone(String),
    #[error("request body is larger than the limit")]
    PayloadTooLarge,
    /// A request the framework refused before it reached us (wrong content type and the like).
    #[error("{message}")]
    Rejected {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("too many requests; try again shortly")]
    TooManyRequests,
    /// The database is unreachable or busy; the client may retry.
    #[error("the service is briefly unavailable; try again shortly")]
    Unavailable(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable, machine-readable code such as `not_found` or `name_taken`.
    pub error: String,
    /// A sentence for people.
    pub message: String,
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::bad_request("invalid_input", message)
    }

    /// A 403 with its own stable code, such as `banned` or `members_only`.
    pub fn denied(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Denied {
            code,
            message: message.into(),
        }
    }

    /// A 409 with its own stable code.
    pub fn conflict_code(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Taken {
            code,
            message: message.into(),
        }
    }

    /// A 401 with its own stable code.
    pub fn unauthenticated_code(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadCredentials {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Denied { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) | AppError::Taken { .. } => StatusCode::CONFLICT,
            AppError::BadCredentials { .. } => StatusCode::UNAUTHORIZED,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Rejected { status, .. } => *status,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. } => code,
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::Denied { code, .. } => code,
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Taken { code, .. } | AppError::BadCredentials { code, .. } => code,
            AppError::Gone(_) => "gone",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Rejected { code, .. } => code,
            AppError::TooManyRequests => "rate_limited",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => AppError::NotFound("record"),
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation => {
                    AppError::Conflict("that already exists".into())
                }
                DatabaseErrorKind::ForeignKeyViolation | DatabaseErrorKind::CheckViolation => {
                    AppError::Conflict(
                        "that conflicts with the current state; reload and try again".into(),
                    )
                }
                DatabaseErrorKind::SerializationFailure | DatabaseErrorKind::ClosedConnection => {
                    AppError::Unavailable(info.message().to_owned())
                }
                _ if info.message().contains("database is locked")
                    || info.message().contains("database is busy")
                    || info.message().contains("readonly database")
                    || info.message().contains("disk I/O error")
                    || info.message().contains("unable to open database file") =>
                {
                    AppError::Unavailable(info.message().to_owned())
                }
                _ => AppError::Internal(anyhow::anyhow!("database error: {}", info.message())),
            },
            // A transaction whose connection died under it could not be rolled back: the
            // database went away, which the client may retry once it is back.
            DieselError::BrokenTransactionManager => {
                AppError::Unavailable("the connection broke during a transaction".into())
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "service unavailable"),
            _ => {}
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        if matches!(self, AppError::Unavailable(_) | AppError::TooManyRequests) {
            response
                .headers_mut()
                .insert("retry-after", axum::http::HeaderValue::from_static("5"));
        }
        response
    }
}
