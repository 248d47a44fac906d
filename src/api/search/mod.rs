//! Full-text search over threads, comments and communities.
pub mod search_content;
