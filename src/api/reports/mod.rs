//! Reports.
pub mod resolve_report;
