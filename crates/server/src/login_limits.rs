//! Login attempts, limited per name and per address: after too many failures in a window the
//! name (or address) is refused without a password check until the oldest failure ages out.
//! The table is bounded; when full, the keys whose last failure is oldest go first.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window failures count in.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures a name may have within the window.
pub const NAME_FAILURES: usize = 5;
/// Failures an address may have within the window (several agents behind one office NAT).
pub const ADDRESS_FAILURES: usize = 20;
/// Names and addresses remembered at most.
const MAX_KEYS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Name(String),
    Address(Option<IpAddr>),
}

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// `Err(wait)` while the name or the address has used up its failures.
    pub fn check(&self, name: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        self.check_at(name, address, Instant::now())
    }

    fn check_at(&self, name: &str, address: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut failures = self.lock();
        let mut wait = Duration::ZERO;
        for (key, allowed) in [
            (Key::Name(name.to_owned()), NAME_FAILURES),
            (Key::Address(address), ADDRESS_FAILURES),
        ] {
            if let Some(times) = failures.get_mut(&key) {
                while times
                    .front()
                    .is_some_and(|at| now.duration_since(*at) >= WINDOW)
                {
                    times.pop_front();
                }
                if times.len() >= allowed
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(WINDOW - now.duration_since(*oldest));
                }
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    pub fn failed(&self, name: &str, address: Option<IpAddr>) {
        self.failed_at(name, address, Instant::now());
    }

    fn failed_at(&self, name: &str, address: Option<IpAddr>, now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= MAX_KEYS {
            let mut by_age: Vec<(Instant, Key)> = failures
                .iter()
                .map(|(key, times)| (times.back().copied().unwrap_or(now), key.clone()))
                .collect();
            by_age.sort_by_key(|(at, _)| *at);
            for (_, key) in by_age.into_iter().take(MAX_KEYS / 10) {
                failures.remove(&key);
            }
        }
        for (key, allowed) in [
            (Key::Name(name.to_owned()), NAME_FAILURES),
            (Key::Address(address), ADDRESS_FAILURES),
        ] {
            let times = failures.entry(key).or_default();
            times.push_back(now);
            while times.len() > allowed {
                times.pop_front();
            }
        }
    }

    /// A good login clears the name's failures (the address keeps its own).
    pub fn succeeded(&self, name: &str) {
        self.lock().remove(&Key::Name(name.to_owned()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, VecDeque<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_refused_after_its_failures_until_the_window_passes() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let office: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        for _ in 0..NAME_FAILURES {
            assert!(limiter.check_at("ming", office, start).is_ok());
            limiter.failed_at("ming", office, start);
        }
        let wait = limiter.check_at("ming", office, start).unwrap_err();
        assert_eq!(wait, WINDOW);
        assert!(
            limiter.check_at("lin", office, start).is_ok(),
            "another name from the same address may still try"
        );
        assert!(limiter.check_at("ming", office, start + WINDOW).is_ok());
    }

    #[test]
    fn an_address_is_refused_after_its_failures_whatever_the_name() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let attacker: Option<IpAddr> = Some("203.0.113.9".parse().unwrap());
        for attempt in 0..ADDRESS_FAILURES {
            limiter.failed_at(&format!("guess{attempt}"), attacker, start);
        }
        assert!(limiter.check_at("ming", attacker, start).is_err());
        assert!(
            limiter
                .check_at("ming", Some("10.0.0.1".parse().unwrap()), start)
                .is_ok()
        );
    }

    #[test]
    fn a_good_login_clears_the_names_failures() {
        let limiter = LoginLimiter::default();
        for _ in 0..NAME_FAILURES {
            limiter.failed("ming", None);
        }
        limiter.succeeded("ming");
        assert!(limiter.check("ming", None).is_ok());
    }
}
