//! First-run set-up.
pub mod complete_setup;
