//! Reaching other servers from the API.
pub mod resolve;
pub mod resolve_member;
