//! `SignInThrottle`: slows down password guessing. Failed sign-ins are counted per account
//! and per client IP over a sliding window; past the limit, further attempts are refused
//! with 429 and a Retry-After until the oldest failure leaves the window. In memory: a
//! restart forgives everyone, which is acceptable for a single-binary deployment.

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub max_failures_per_account: usize,
    pub max_failures_per_ip: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self { window: Duration::from_secs(15 * 60), max_failures_per_account: 5, max_failures_per_ip: 20 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Ip(IpAddr),
}

/// Beyond this many tracked keys, expired entries are swept on the next failure.
const SWEEP_THRESHOLD: usize = 10_000;

pub struct SignInThrottle {
    policy: ThrottlePolicy,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl SignInThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self { policy, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(retry_after)` when this account or this IP has failed too often recently.
    pub fn check(&self, account: &str, ip: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        let mut consider = |key: Key, limit: usize| {
            if let Some(times) = failures.get_mut(&key) {
                Self::expire(times, now, self.policy.window);
                if times.len() >= limit
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(self.policy.window.saturating_sub(now - *oldest));
                }
            }
        };
        consider(Key::Account(account.to_owned()), self.policy.max_failures_per_account);
        if let Some(ip) = ip {
            consider(Key::Ip(ip), self.policy.max_failures_per_ip);
        }
        if wait.is_zero() { Ok(()) } else { Err(wait.max(Duration::from_secs(1))) }
    }

    pub fn record_failure(&self, account: &str, ip: Option<IpAddr>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > SWEEP_THRESHOLD {
            let window = self.policy.window;
            failures.retain(|_, times| {
                Self::expire(times, now, window);
                !times.is_empty()
            });
        }
        failures.entry(Key::Account(account.to_owned())).or_default().push_back(now);
        if let Some(ip) = ip {
            failures.entry(Key::Ip(ip)).or_default().push_back(now);
        }
    }

    /// A successful sign-in forgives the account (not the IP, which may be guessing others).
    pub fn record_success(&self, account: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&Key::Account(account.to_owned()));
    }

    fn expire(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
        while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
            times.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            window: Duration::from_secs(60),
            max_failures_per_account: 3,
            max_failures_per_ip: 5,
        }
    }

    #[test]
    fn locks_an_account_after_the_limit_until_the_window_passes() {
        let t = SignInThrottle::new(policy());
        let start = Instant::now();
        for i in 0..3 {
            assert!(t.check("ada", None, start).is_ok(), "attempt {i}");
            t.record_failure("ada", None, start);
        }
        let wait = t.check("ada", None, start + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(t.check("grace", None, start).is_ok(), "other accounts are not affected");
        assert!(t.check("ada", None, start + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn locks_an_ip_guessing_many_accounts() {
        let t = SignInThrottle::new(policy());
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let now = Instant::now();
        for i in 0..5 {
            t.record_failure(&format!("user{i}"), Some(ip), now);
        }
        assert!(t.check("someone_else", Some(ip), now).is_err());
        assert!(t.check("someone_else", Some("192.0.2.8".parse().unwrap()), now).is_ok());
    }

    #[test]
    fn success_forgives_the_account() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        for _ in 0..3 {
            t.record_failure("ada", None, now);
        }
        t.record_success("ada");
        assert!(t.check("ada", None, now).is_ok());
    }
}
