//! The server's hourly jobs: reminders of events starting soon, and e-mail digests.

use crate::db;
use crate::services::{digest, events};
use crate::state::AppState;

/// Runs the hourly jobs for as long as the process lives. One failing leaves the other
/// to run, and both are tried again at the next tick.
pub async fn run_hourly(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = events::remind_starting_soon(&state).await {
            tracing::warn!(error = %e, "event reminders failed");
        }
        if let Err(e) = digest::send_due(&state, db::now()).await {
            tracing::warn!(error = %e, "digest run failed");
        }
    }
}
