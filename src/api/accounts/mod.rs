//! Signing up.
pub mod sign_up;
