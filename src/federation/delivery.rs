//! Delivery workers: claim due rows from the queue, sign each activity as its local actor
//! and send it, retrying failures with exponential backoff. The queue lives in the
//! database, so a restart or crash loses nothing; an unfinished claim simply expires.

use std::sync::Arc;
use std::time::Duration;

use activitypub_federation::activity_sending::SendActivityTask;
use activitypub_federation::config::{Data, FederationConfig};
use chrono::TimeDelta;
use tokio::sync::Semaphore;
use url::Url;

use super::activities::RawActivity;
use super::actors::ApActor;
use super::error::FedError;
use super::urls::Urls;
use crate::db;
use crate::db::models::DbDelivery;
use crate::error::AppError;
use crate::services::accounts::new_token;
use crate::state::AppState;

/// After this many failures a delivery is given up (about four days of retries).
const MAX_ATTEMPTS: i32 = 20;

/// The wait before retry number `attempts`: `initial` seconds doubling, at most `max`.
pub fn backoff(initial: u32, max: u32, attempts: i32) -> TimeDelta {
    let seconds = i64::from(initial).saturating_mul(1i64 << (attempts - 1).clamp(0, 16));
    TimeDelta::seconds(seconds.min(i64::from(max)))
}

/// Runs the delivery loop until the process ends.
pub fn spawn(federation: FederationConfig<AppState>) {
    tokio::spawn(async move {
        let state: AppState = (*federation).clone();
        let permits = Arc::new(Semaphore::new(state.config.federation.delivery_concurrency));
        loop {
            // Wait for room first: a finished delivery frees the loop at once, instead of
            // the loop finding no room and sleeping while workers sit idle.
            let Ok(first) = permits.clone().acquire_owned().await else {
                return;
            };
            let room = 1 + permits.available_permits();
            let claimed = match claim(&state, room).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming deliveries failed");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                drop(first);
                // Sleep until something is queued, or poll for retries that came due.
                let _ =
                    tokio::time::timeout(Duration::from_secs(1), state.deliveries.notified()).await;
                continue;
            }
            let mut first = Some(first);
            for delivery in claimed {
                let permit = match first.take() {
                    Some(permit) => permit,
                    None => match permits.clone().acquire_owned().await {
                        Ok(permit) => permit,
                        Err(_) => return,
                    },
                };
                let data = federation.to_request_data();
                tokio::spawn(async move {
                    deliver(&data, delivery).await;
                    drop(permit);
                });
            }
        }
    });
}

async fn claim(state: &AppState, room: usize) -> Result<Vec<DbDelivery>, AppError> {
    if room == 0 {
        return Ok(Vec::new());
    }
    let token = new_token();
    let limit = i64::try_from(room).unwrap_or(1);
    let lease = TimeDelta::seconds(i64::from(state.config.federation.claim_lease_seconds));
    state
        .db
        .write(move |conn| {
            let at = db::now();
            db::federation::claim_due(conn, &token, at, at + lease, limit)
        })
        .await
}

async fn deliver(data: &Data<AppState>, delivery: DbDelivery) {
    let state = data.app_data();
    let id = delivery.id;
    if refused_by_policy(state, &delivery).await {
        // Blocked peers get nothing, now or later: close the row rather than retry it.
        tracing::info!(inbox = %delivery.inbox_url, activity = %delivery.activity_id, "delivery dropped: the peer is blocked by federation policy");
        let reason = format!("dropped: {}", super::policy::BLOCKED);
        if let Err(e) = state
            .db
            .write(move |conn| db::policy::drop_delivery(conn, id, &reason))
            .await
        {
            tracing::warn!(error = %e, delivery = id, "recording a dropped delivery failed; it will be retried");
        }
        return;
    }
    let host = crate::services::delivery::peer_host(&delivery.inbox_url);
    if delivery.attempts == 0 && is_dead(state, &host).await {
        // A dead peer's new deliveries wait; its older ones probe it every six hours, and
        // all go out as soon as it answers.
        let next = db::now() + DEAD_PEER_PROBE;
        let outcome = state
            .db
            .write(move |conn| {
                db::federation::mark_failed(conn, id, 0, next, "waiting: the peer is not answering")
            })
            .await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, delivery = id, "postponing a delivery failed; it will be retried");
        }
        return;
    }
    let result = send(data, &delivery).await;
    let outcome = match result {
        Ok(()) => {
            let delivered = state
                .db
                .write(move |conn| db::federation::mark_delivered(conn, id))
                .await;
            if delivered.is_ok() {
                // A separate transaction: see `peer_answered`.
                let peer = host.clone();
                let answered = state
                    .db
                    .write(move |conn| db::federation::peer_answered(conn, &peer))
                    .await;
                if let Err(e) = answered {
                    tracing::warn!(error = %e, %host, "recording that a peer answered failed");
                }
            }
            delivered
        }
        Err(error) => {
            let dead_after = state.config.dead_after();
            let dead = {
                let host = host.clone();
                state
                    .db
                    .write(move |conn| db::federation::peer_failed(conn, &host, dead_after))
                    .await
                    .unwrap_or(false)
            };
            let attempts = delivery.attempts + 1;
            let message: String = error.to_string().chars().take(500).collect();
            if attempts >= MAX_ATTEMPTS {
                tracing::warn!(inbox = %delivery.inbox_url, activity = %delivery.activity_id, %error, "giving up delivery");
                state
                    .db
                    .write(move |conn| db::federation::mark_abandoned(conn, id, attempts, &message))
                    .await
            } else {
                tracing::info!(inbox = %delivery.inbox_url, attempts, %error, "delivery failed; will retry");
                let wait = if dead {
                    DEAD_PEER_PROBE
                } else {
                    let federation = &state.config.federation;
                    backoff(
                        federation.retry_initial_seconds,
                        federation.retry_max_seconds,
                        attempts,
                    )
                };
                let next = db::now() + wait;
                state
                    .db
                    .write(move |conn| {
                        db::federation::mark_failed(conn, id, attempts, next, &message)
                    })
                    .await
            }
        }
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, delivery = id, "recording a delivery outcome failed; it will be retried");
    }
}

/// How often a dead peer is tried again.
const DEAD_PEER_PROBE: TimeDelta = TimeDelta::hours(6);

async fn is_dead(state: &AppState, host: &str) -> bool {
    let host = host.to_owned();
    state
        .db
        .read(move |conn| db::federation::peer_is_dead(conn, &host))
        .await
        .unwrap_or(false)
}

async fn refused_by_policy(state: &AppState, delivery: &DbDelivery) -> bool {
    match Url::parse(&delivery.inbox_url) {
        Ok(inbox) => !crate::services::policy::allows_url(state, &inbox).await,
        // `send` reports the malformed address.
        Err(_) => false,
    }
}

async fn send(data: &Data<AppState>, delivery: &DbDelivery) -> Result<(), FedError> {
    let state = data.app_data();
    let signer = signer(state, delivery).await?;
    let json: serde_json::Value = serde_json::from_str(&delivery.payload)
        .map_err(|e| FedError::App(AppError::Internal(e.into())))?;
    let activity = RawActivity {
        id: Url::parse(&delivery.activity_id)
            .map_err(activitypub_federation::error::Error::from)?,
        actor: signer.id.clone(),
        json,
    };
    let inbox =
        Url::parse(&delivery.inbox_url).map_err(activitypub_federation::error::Error::from)?;
    let tasks = SendActivityTask::prepare(&activity, &signer, vec![inbox], data).await?;
    if tasks.is_empty() {
        // The inbox failed URL checks (an invalid address, or a peer blocked since
        // `deliver` checked): nothing to retry, so the row is marked done.
        tracing::info!(inbox = %delivery.inbox_url, "inbox refused by URL checks or federation policy; dropping delivery");
    }
    for task in tasks {
        task.sign_and_send(data).await?;
    }
    Ok(())
}

/// The local actor that signs a delivery, with its keys.
async fn signer(state: &AppState, delivery: &DbDelivery) -> Result<ApActor, FedError> {
    let urls = Urls::new(&state.config);
    let id = delivery.signer_id;
    match delivery.signer_kind.as_str() {
        "person" => {
            let person = state
                .db
                .read(move |conn| db::persons::person(conn, id))
                .await?;
            // A deleted member's keys are kept so that their Delete can be signed.
            let person = if person.private_key.is_some() {
                person
            } else {
                crate::services::actors::local_person(state, &person.name).await?
            };
            ApActor::person(&urls, person)
        }
        "community" => {
            let community = state
                .db
                .read(move |conn| db::communities::by_id(conn, id))
                .await?;
            let community =
                crate::services::actors::local_community(state, &community.name).await?;
            ApActor::community(&urls, community)
        }
        other => Err(FedError::App(AppError::Internal(anyhow::anyhow!(
            "unknown signer kind {other}"
        )))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        let six_hours = 6 * 3600;
        assert_eq!(backoff(10, six_hours, 1), TimeDelta::seconds(10));
        assert_eq!(backoff(10, six_hours, 2), TimeDelta::seconds(20));
        assert_eq!(backoff(10, six_hours, 6), TimeDelta::seconds(320));
        assert_eq!(backoff(10, six_hours, 30), TimeDelta::hours(6));
        assert_eq!(backoff(1, 2, 5), TimeDelta::seconds(2));
    }
}
