//! `SignInThrottle`: slows down password guessing, at sign-in, in HTTP Basic
//! authentication and where a signed-in person confirms their password (changing it,
//! deleting the account). Every password check is counted over a sliding window along
//! three dimensions, and refused with 429 and a Retry-After once any of them is full:
//!
//! - one account from one address (small: 5): a guesser gets a handful of tries per
//!   window, and the account's owner, elsewhere, is not bothered by them;
//! - one address over all accounts (20): one machine cannot sweep many accounts;
//! - one account over all addresses (100): a guess spread over many machines still hits
//!   a ceiling. Only such a distributed attack reaches it, so a stranger with one address
//!   can no longer lock the owner out (the old per-account limit of 5 let anyone do that).
//!
//! An attempt is counted *before* the password is checked and taken back if it was right,
//! so concurrent guesses cannot all pass the check while argon2 is still working.
//!
//! IPv6 addresses count by their /64 prefix (one subscriber usually holds a whole /64).
//! In memory: a restart forgives everyone, which is acceptable for a single-binary
//! deployment. The interface is two calls (`check_and_count`, `record_success`) so that
//! the counts can move into the database without touching the callers' logic.

use std::{
    collections::{HashMap, VecDeque},
    net::{IpAddr, Ipv6Addr},
    sync::Mutex,
    time::{Duration, Instant},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    /// Failed checks of one account from one address.
    pub max_failures_per_account_and_address: usize,
    /// Failed checks from one address, whatever the accounts.
    pub max_failures_per_address: usize,
    /// Failed checks of one account, whatever the addresses: the distributed ceiling.
    pub max_failures_per_account: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            max_failures_per_account_and_address: 5,
            max_failures_per_address: 20,
            max_failures_per_account: 100,
        }
    }
}

/// Where a check comes from: an IPv4 address, the /64 of an IPv6 one, or unknown (all
/// unknown callers share one budget).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Address(Option<IpAddr>);

impl Address {
    fn of(ip: Option<IpAddr>) -> Self {
        Self(ip.map(|ip| match ip {
            IpAddr::V4(_) => ip,
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1))),
            },
        }))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(Address),
    AccountAtAddress(String, Address),
}

/// No username is longer; a longer name cannot be an account, and keeping all of it would
/// let a guesser fill memory with long keys.
const ACCOUNT_KEY_MAX_CHARS: usize = 64;

/// Beyond this many tracked keys, expired entries are swept on the next count.
const SWEEP_THRESHOLD: usize = 10_000;

pub struct SignInThrottle {
    policy: ThrottlePolicy,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    /// Per key, the times of its recent failures, oldest first, at most the key's limit.
    failures: HashMap<Key, VecDeque<Instant>>,
    /// Sweep when there are more keys than this: twice what the last sweep kept, so that
    /// many live keys (a distributed guess) do not make every count sweep them all.
    sweep_above: usize,
}

impl SignInThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self { policy, counts: Mutex::new(Counts { failures: HashMap::new(), sweep_above: SWEEP_THRESHOLD }) }
    }

    /// Asks to check a password of `account` from `ip` at `now`. `Err(retry_after)` when
    /// one of the three budgets is spent (nothing is counted then); otherwise the attempt
    /// is counted as a failure until `record_success(account, ip, now)` takes it back.
    pub fn check_and_count(&self, account: &str, ip: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let keys = self.keys(account, ip);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let Counts { failures, sweep_above } = &mut *counts;
        let mut wait = Duration::ZERO;
        for (key, limit) in &keys {
            if let Some(times) = failures.get_mut(key) {
                expire(times, now, self.policy.window);
                // Full: the oldest kept failure must leave the window first.
                if times.len() >= *limit
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(self.policy.window.saturating_sub(now.duration_since(*oldest)));
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait.max(Duration::from_secs(1)));
        }
        if failures.len() > *sweep_above {
            let window = self.policy.window;
            failures.retain(|_, times| {
                expire(times, now, window);
                !times.is_empty()
            });
            *sweep_above = SWEEP_THRESHOLD.max(2 * failures.len());
        }
        for (key, limit) in keys {
            let times = failures.entry(key).or_default();
            times.push_back(now);
            while times.len() > limit {
                times.pop_front();
            }
        }
        Ok(())
    }

    /// The password checked at `counted_at` was right: that attempt is taken back, and
    /// this account is forgiven its failures from this address (not elsewhere: those may
    /// be someone else's guesses).
    pub fn record_success(&self, account: &str, ip: Option<IpAddr>, counted_at: Instant) {
        let keys = self.keys(account, ip);
        let failures = &mut self.counts.lock().unwrap_or_else(|e| e.into_inner()).failures;
        for (key, _) in keys {
            if matches!(key, Key::AccountAtAddress(..)) {
                failures.remove(&key);
            } else if let Some(times) = failures.get_mut(&key)
                && let Some(i) = times.iter().rposition(|t| *t == counted_at)
            {
                times.remove(i);
            }
        }
    }

    fn keys(&self, account: &str, ip: Option<IpAddr>) -> [(Key, usize); 3] {
        let account: String = account.chars().take(ACCOUNT_KEY_MAX_CHARS).collect();
        let address = Address::of(ip);
        let p = &self.policy;
        [
            (Key::AccountAtAddress(account.clone(), address), p.max_failures_per_account_and_address),
            (Key::Address(address), p.max_failures_per_address),
            (Key::Account(account), p.max_failures_per_account),
        ]
    }
}

fn expire(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            window: Duration::from_secs(60),
            max_failures_per_account_and_address: 3,
            max_failures_per_address: 5,
            max_failures_per_account: 8,
        }
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    /// `n` failed checks of `account` from `from`, each allowed.
    fn fail(t: &SignInThrottle, account: &str, from: Option<IpAddr>, n: usize, now: Instant) {
        for i in 0..n {
            assert!(t.check_and_count(account, from, now).is_ok(), "attempt {i} of {account} from {from:?}");
        }
    }

    #[test]
    fn a_guesser_is_stopped_but_the_owner_elsewhere_is_not() {
        let t = SignInThrottle::new(policy());
        let start = Instant::now();
        let stranger = ip("192.0.2.7");
        fail(&t, "ada", stranger, 3, start);
        let wait = t.check_and_count("ada", stranger, start + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50), "until the oldest failure leaves the window");
        assert!(t.check_and_count("ada", ip("198.51.100.1"), start).is_ok(), "the owner, elsewhere");
        assert!(t.check_and_count("grace", stranger, start).is_ok(), "another account, same address");
        assert!(t.check_and_count("ada", stranger, start + Duration::from_secs(60)).is_ok(), "window over");
    }

    #[test]
    fn refused_checks_are_not_counted() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        fail(&t, "ada", ip("192.0.2.7"), 3, now);
        for _ in 0..10 {
            assert!(t.check_and_count("ada", ip("192.0.2.7"), now).is_err());
        }
        // Had the refusals counted, the address (5) and the account (8) would be full.
        assert!(t.check_and_count("grace", ip("192.0.2.7"), now).is_ok());
        assert!(t.check_and_count("ada", ip("198.51.100.1"), now).is_ok());
    }

    #[test]
    fn one_address_guessing_many_accounts_is_stopped() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        for i in 0..5 {
            fail(&t, &format!("user{i}"), ip("192.0.2.7"), 1, now);
        }
        assert!(t.check_and_count("someone_else", ip("192.0.2.7"), now).is_err());
        assert!(t.check_and_count("someone_else", ip("192.0.2.8"), now).is_ok());
    }

    #[test]
    fn a_guess_spread_over_addresses_hits_the_account_ceiling() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        for i in 0..4 {
            fail(&t, "ada", ip(&format!("192.0.2.{i}")), 2, now);
        }
        let wait = t.check_and_count("ada", ip("203.0.113.9"), now + Duration::from_secs(30)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(30));
        assert!(t.check_and_count("grace", ip("203.0.113.9"), now).is_ok(), "only that account");
    }

    #[test]
    fn success_takes_the_attempt_back_and_forgives_this_address_only() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        let owner = ip("198.51.100.1");
        fail(&t, "ada", owner, 2, now);
        fail(&t, "ada", ip("192.0.2.7"), 3, now);
        let later = now + Duration::from_secs(1);
        t.check_and_count("ada", owner, later).unwrap();
        t.record_success("ada", owner, later);
        fail(&t, "ada", owner, 3, later);
        assert!(t.check_and_count("ada", ip("192.0.2.7"), later).is_err(), "the stranger's failures stay");
        // The account has 2 + 3 + 3 failures: the ceiling (8) is full, the success is not among them.
        assert!(t.check_and_count("ada", ip("203.0.113.9"), later).is_err());
    }

    #[test]
    fn successes_do_not_fill_the_budgets() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        for _ in 0..20 {
            t.check_and_count("ada", ip("192.0.2.7"), now).unwrap();
            t.record_success("ada", ip("192.0.2.7"), now);
        }
        fail(&t, "grace", ip("192.0.2.7"), 3, now);
    }

    #[test]
    fn an_ipv6_subscriber_counts_as_one_address() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        fail(&t, "ada", ip("2001:db8:1:2::1"), 2, now);
        fail(&t, "ada", ip("2001:db8:1:2:ffff::9"), 1, now);
        assert!(t.check_and_count("ada", ip("2001:db8:1:2:abcd::1"), now).is_err(), "same /64");
        assert!(t.check_and_count("ada", ip("2001:db8:1:3::1"), now).is_ok(), "another /64");
        fail(&t, "grace", ip("::ffff:192.0.2.7"), 3, now);
        assert!(t.check_and_count("grace", ip("192.0.2.7"), now).is_err(), "v4-mapped is the v4 address");
    }

    #[test]
    fn unknown_addresses_share_one_budget() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        fail(&t, "ada", None, 3, now);
        assert!(t.check_and_count("ada", None, now).is_err());
    }

    #[test]
    fn memory_stays_bounded() {
        let t = SignInThrottle::new(policy());
        let now = Instant::now();
        let long = "x".repeat(10_000);
        t.check_and_count(&long, None, now).unwrap();
        let counts = t.counts.lock().unwrap();
        assert!(counts.failures.keys().all(|k| match k {
            Key::Account(a) | Key::AccountAtAddress(a, _) => a.len() == ACCOUNT_KEY_MAX_CHARS,
            Key::Address(_) => true,
        }));
        drop(counts);
        let tracked = || t.counts.lock().unwrap().failures.len();
        // Keys of a passed window are swept once there are many.
        let mut i = 0u32;
        while tracked() <= SWEEP_THRESHOLD {
            t.check_and_count(&format!("u{i}"), Some(IpAddr::from(i.to_be_bytes())), now).unwrap();
            i += 1;
        }
        t.check_and_count("late", None, now + Duration::from_secs(61)).unwrap();
        assert_eq!(tracked(), 3, "only the new keys remain");
        // Many live keys: one sweep, then none until their number doubles.
        while tracked() <= SWEEP_THRESHOLD + 3 {
            t.check_and_count(&format!("v{i}"), Some(IpAddr::from(i.to_be_bytes())), now).unwrap();
            i += 1;
        }
        assert!(t.counts.lock().unwrap().sweep_above >= 2 * SWEEP_THRESHOLD, "swept once, kept all");
    }
}
