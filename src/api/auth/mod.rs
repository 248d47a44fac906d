//! Signing in and out, and API tokens.
pub mod create_token;
pub mod log_in;
pub mod log_out;
