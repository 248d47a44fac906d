//! Per-address limits on sign-in and sign-up, against password guessing and mass sign-up.
//! The counters live in memory: losing them on restart loses nothing that matters.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::LimitsConfig;
use crate::error::{AppError, AppResult};

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    Login,
    SignUp,
    /// Activities arriving at our inboxes from one peer server.
    Inbox,
}

/// Fixed-window counters per limit and client address.
pub struct RateLimiter {
    rules: LimitsConfig,
    windows: Mutex<HashMap<(Limit, String), (Instant, u32)>>,
}

/// Above this many tracked addresses, expired windows are swept out.
const SWEEP_AT: usize = 10_000;

impl RateLimiter {
    pub fn new(rules: LimitsConfig) -> RateLimiter {
        RateLimiter {
            rules,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn rule(&self, limit: Limit) -> (u32, Duration) {
        match limit {
            Limit::Login => (self.rules.login_per_minute, Duration::from_secs(60)),
            Limit::SignUp => (self.rules.signup_per_hour, Duration::from_secs(3600)),
            Limit::Inbox => (
                self.rules.inbox_per_minute_per_peer,
                Duration::from_secs(60),
            ),
        }
    }

    /// Counts one attempt from a client address; refuses with 429 once the window's
    /// allowance is spent.
    pub fn check(&self, limit: Limit, client: IpAddr) -> AppResult<()> {
        self.check_key(limit, &client.to_string())
    }

    /// Counts one attempt by any key, such as a peer's host name.
    pub fn check_key(&self, limit: Limit, key: &str) -> AppResult<()> {
        let (allowed, window) = self.rule(limit);
        let now = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("rate limiter lock poisoned")))?;
        if windows.len() >= SWEEP_AT {
            windows.retain(|(l, _), (start, _)| now.duration_since(*start) < self.rule(*l).1);
        }
        let entry = windows.entry((limit, key.to_owned())).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        if entry.1 >= allowed {
            return Err(AppError::TooManyRequests);
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_allowance_then_refuses_per_address() {
        let limiter = RateLimiter::new(LimitsConfig {
            login_per_minute: 2,
            signup_per_hour: 1,
            inbox_per_minute_per_peer: 1,
            upload_max_bytes: 1024,
        });
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(limiter.check(Limit::Login, a).is_ok());
        assert!(limiter.check(Limit::Login, a).is_ok());
        assert!(matches!(
            limiter.check(Limit::Login, a),
            Err(AppError::TooManyRequests)
        ));
        assert!(
            limiter.check(Limit::Login, b).is_ok(),
            "other addresses are not affected"
        );
        assert!(
            limiter.check(Limit::SignUp, a).is_ok(),
            "limits are counted separately"
        );
    }
}
