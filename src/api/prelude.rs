//! What every endpoint file uses.

pub use axum::Json;
pub use axum::extract::State;
pub use axum::http::StatusCode;
pub use serde::Deserialize;
pub use utoipa::ToSchema;

pub use crate::api::extract::{ApiJson, ApiPath, ApiQuery, Auth, ClientIp, MaybeAuth};
pub use crate::api::views::*;
pub use crate::error::{AppResult, ErrorBody};
pub use crate::pagination::{Page, PageParams};
pub use crate::services;
pub use crate::state::AppState;
