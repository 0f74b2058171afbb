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
//! The counts live in the database (`db::sign_in_attempts`), timed by the database's
//! clock: every instance behind a load balancer shares them, so alternating between
//! instances buys a guesser nothing, and a restart forgives nobody.

use crate::{
    error::AppError,
    server::db::{self, Db},
};
use sha2::{Digest, Sha256};
use std::{
    net::{IpAddr, Ipv6Addr},
    time::Duration,
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

    fn name(&self) -> String {
        self.0.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

/// One budget: what the database keeps of it is the SHA-256 of its name (one size for
/// every key, and no username a stranger typed rests in the table).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(Address),
    AccountAtAddress(String, Address),
}

impl Key {
    fn hash(&self) -> [u8; 32] {
        // An address never contains '/', so "address/account" names one pair only.
        let name = match self {
            Key::Account(account) => format!("account:{account}"),
            Key::Address(address) => format!("address:{}", address.name()),
            Key::AccountAtAddress(account, address) => format!("account-at:{}/{account}", address.name()),
        };
        Sha256::digest(name.as_bytes()).into()
    }
}

/// No username is longer; a longer name cannot be an account (and a guesser gains nothing
/// by varying what lies beyond).
const ACCOUNT_KEY_MAX_CHARS: usize = 64;

/// A counted check, to take back with `record_success` when the password was right: the
/// database time it was counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    at: i64,
}

pub struct SignInThrottle {
    policy: ThrottlePolicy,
}

impl SignInThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self { policy }
    }

    /// Asks to check a password of `account` from `ip`. 429 with the wait when one of the
    /// three budgets is spent (nothing is counted then); otherwise the attempt is counted
    /// as a failure until `record_success` takes it back.
    pub async fn check_and_count(
        &self,
        database: &Db,
        account: &str,
        ip: Option<IpAddr>,
    ) -> Result<Attempt, AppError> {
        self.count(database, account, ip, None)
            .await?
            .map_err(|wait| AppError::TooManyRequests { retry_after_secs: wait.as_secs().max(1) })
    }

    /// The password checked in `attempt` was right: that attempt is taken back, and this
    /// account is forgiven its failures from this address (not elsewhere: those may be
    /// someone else's guesses).
    pub async fn record_success(
        &self,
        database: &Db,
        account: &str,
        ip: Option<IpAddr>,
        attempt: Attempt,
    ) -> Result<(), AppError> {
        let [(account_at_address, _), (address, _), (account, _)] = self.keys(account, ip);
        db::sign_in_attempts::forgive(
            database,
            &account_at_address.hash(),
            [&address.hash(), &account.hash()],
            attempt.at,
        )
        .await?;
        Ok(())
    }

    /// Counts a check at the database's time now, or at `at` (tests), in one
    /// transaction that no other check interleaves with. `Ok(Err(wait))` when refused.
    async fn count(
        &self,
        database: &Db,
        account: &str,
        ip: Option<IpAddr>,
        at: Option<i64>,
    ) -> Result<Result<Attempt, Duration>, sqlx::Error> {
        let keys = self.keys(account, ip).map(|(key, limit)| (key.hash(), limit));
        let window = i64::try_from(self.policy.window.as_millis()).unwrap_or(i64::MAX);
        let mut tx = db::sign_in_attempts::begin(database).await?;
        let now = match at {
            Some(at) => at,
            None => db::clock::now(&mut tx).await?,
        };
        let since = now.saturating_sub(window);
        let mut wait = 0i64;
        for (key, limit) in &keys {
            let limit = i64::try_from(*limit).unwrap_or(i64::MAX);
            if let Some(oldest) = db::sign_in_attempts::oldest_of_full(&mut tx, key, since, limit).await? {
                wait = wait.max(window - (now - oldest));
            }
        }
        if wait > 0 {
            tx.rollback().await?;
            let wait = Duration::from_millis(u64::try_from(wait).unwrap_or(0));
            return Ok(Err(wait.max(Duration::from_secs(1))));
        }
        // Every count forgets what left the window: the table holds one window at most.
        db::sign_in_attempts::prune(&mut tx, since).await?;
        for (key, _) in &keys {
            db::sign_in_attempts::insert(&mut tx, key, now).await?;
        }
        tx.commit().await?;
        Ok(Ok(Attempt { at: now }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// The throttle over a fresh database, answering as the in-memory throttle did: each
    /// call is counted at the time `now` stands for (milliseconds since the first `now`
    /// any test could take), not at the database's time.
    struct Throttle {
        throttle: SignInThrottle,
        pool: Db,
        runtime: tokio::runtime::Runtime,
        origin: Instant,
    }

    impl Throttle {
        fn new(policy: ThrottlePolicy) -> Self {
            let origin = Instant::now();
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let pool = runtime.block_on(db::testing::database());
            Self { throttle: SignInThrottle::new(policy), pool, runtime, origin }
        }

        fn at(&self, now: Instant) -> i64 {
            i64::try_from(now.duration_since(self.origin).as_millis()).unwrap() + 1_000_000
        }

        fn check_and_count(&self, account: &str, ip: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
            let at = self.at(now);
            let counted = self.runtime.block_on(self.throttle.count(&self.pool, account, ip, Some(at)));
            counted.unwrap().map(|attempt| assert_eq!(attempt, Attempt { at }))
        }

        fn record_success(&self, account: &str, ip: Option<IpAddr>, counted_at: Instant) {
            let attempt = Attempt { at: self.at(counted_at) };
            self.runtime.block_on(self.throttle.record_success(&self.pool, account, ip, attempt)).unwrap();
        }

        fn rows(&self) -> i64 {
            self.runtime.block_on(db::sign_in_attempts::count(&self.pool)).unwrap()
        }
    }

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
    fn fail(t: &Throttle, account: &str, from: Option<IpAddr>, n: usize, now: Instant) {
        for i in 0..n {
            assert!(t.check_and_count(account, from, now).is_ok(), "attempt {i} of {account} from {from:?}");
        }
    }

    #[test]
    fn a_guesser_is_stopped_but_the_owner_elsewhere_is_not() {
        let t = Throttle::new(policy());
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
        let t = Throttle::new(policy());
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
        let t = Throttle::new(policy());
        let now = Instant::now();
        for i in 0..5 {
            fail(&t, &format!("user{i}"), ip("192.0.2.7"), 1, now);
        }
        assert!(t.check_and_count("someone_else", ip("192.0.2.7"), now).is_err());
        assert!(t.check_and_count("someone_else", ip("192.0.2.8"), now).is_ok());
    }

    #[test]
    fn a_guess_spread_over_addresses_hits_the_account_ceiling() {
        let t = Throttle::new(policy());
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
        let t = Throttle::new(policy());
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
        let t = Throttle::new(policy());
        let now = Instant::now();
        for _ in 0..20 {
            t.check_and_count("ada", ip("192.0.2.7"), now).unwrap();
            t.record_success("ada", ip("192.0.2.7"), now);
        }
        fail(&t, "grace", ip("192.0.2.7"), 3, now);
    }

    #[test]
    fn an_ipv6_subscriber_counts_as_one_address() {
        let t = Throttle::new(policy());
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
        let t = Throttle::new(policy());
        let now = Instant::now();
        fail(&t, "ada", None, 3, now);
        assert!(t.check_and_count("ada", None, now).is_err());
    }

    #[test]
    fn the_table_stays_bounded() {
        let t = Throttle::new(policy());
        let now = Instant::now();
        // A name of any length makes keys of one size, and counts as its first 64 letters.
        let long = "x".repeat(10_000);
        fail(&t, &long, None, 3, now);
        assert!(t.check_and_count(&format!("{long}y"), None, now).is_err(), "same account");
        assert_eq!(t.rows(), 9);
        // Checks of a passed window are forgotten by the next count.
        for i in 0..200u32 {
            t.check_and_count(&format!("u{i}"), Some(IpAddr::from(i.to_be_bytes())), now).unwrap();
        }
        assert_eq!(t.rows(), 9 + 3 * 200);
        t.check_and_count("late", None, now + Duration::from_secs(61)).unwrap();
        assert_eq!(t.rows(), 3, "only the new checks remain");
    }

    #[tokio::test]
    async fn the_database_clock_times_the_checks() {
        let pool = db::testing::database().await;
        let t = SignInThrottle::new(policy());
        for _ in 0..3 {
            t.check_and_count(&pool, "ada", ip("192.0.2.7")).await.unwrap();
        }
        match t.check_and_count(&pool, "ada", ip("192.0.2.7")).await {
            Err(AppError::TooManyRequests { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}")
            }
            other => panic!("{other:?}"),
        }
        let right = t.check_and_count(&pool, "grace", ip("192.0.2.7")).await.unwrap();
        t.record_success(&pool, "grace", ip("192.0.2.7"), right).await.unwrap();
        // 3 of ada's checks, each in 3 dimensions; grace's was taken back.
        assert_eq!(db::sign_in_attempts::count(&pool).await.unwrap(), 9);
    }
}
