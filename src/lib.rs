//! Guildhall: a federated server for professional communities of practice.

pub mod api;
pub mod config;
pub mod db;
pub mod error;
pub mod federation;
pub mod fuzzing;
pub mod ical;
pub mod markdown;
pub mod pagination;
pub mod rate_limit;
pub mod seed;
pub mod server;
pub mod services;
pub mod sniff;
pub mod state;
pub mod storage;
pub mod types;
pub mod web;
