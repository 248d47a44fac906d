//! Integration tests: real servers over real HTTP, each with a fresh database, on SQLite
//! and (when `GUILDHALL_TEST_POSTGRES` is set) on PostgreSQL.

mod browser;
mod harness;

mod accounts;
mod bad_input;
mod bad_peers;
mod blogs;
mod cli;
mod communities;
mod content;
mod crash;
mod email;
mod events;
mod federation;
mod feeds;
mod fixtures;
mod follows;
mod fuzz_targets;
mod instance_bans;
mod lemmy;
mod library;
mod mastodon;
mod moderation;
mod notifications;
mod outage;
mod peer;
mod policy;
mod polls;
mod replay;
mod s3;
mod schema;
mod search;
mod seed;
mod settings;
mod shapes;
mod signatures;
mod stand_in;
mod threads;
mod transient;
mod web;
