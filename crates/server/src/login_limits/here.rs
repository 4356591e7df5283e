//! Login attempts counted in this instance's memory. The table is bounded: keys whose attempts
//! all aged out go first, then the oldest.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::limits::{Key, WINDOW, keys};

/// Keys remembered at most.
const MAX_KEYS: usize = 10_000;

#[derive(Default)]
pub struct Attempts {
    attempts: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl Attempts {
    /// Starts an attempt: `Err(wait)` while the name or the address has used up its tries,
    /// else counted (as a failure until [`Attempts::succeeded`]).
    pub fn attempt(&self, name: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        self.attempt_at(name, address, Instant::now())
    }

    fn attempt_at(
        &self,
        name: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        let mut attempts = self.lock();
        let mut wait = Duration::ZERO;
        for (key, allowed) in keys(name, address) {
            if let Some(times) = attempts.get_mut(&key) {
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
        if !wait.is_zero() {
            return Err(wait);
        }
        if attempts.len() >= MAX_KEYS {
            attempts.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|at| now.duration_since(*at) < WINDOW)
            });
        }
        if attempts.len() >= MAX_KEYS {
            let mut by_age: Vec<(Instant, Key)> = attempts
                .iter()
                .map(|(key, times)| (times.back().copied().unwrap_or(now), key.clone()))
                .collect();
            by_age.sort_by_key(|(at, _)| *at);
            for (_, key) in by_age.into_iter().take(MAX_KEYS / 10) {
                attempts.remove(&key);
            }
        }
        for (key, allowed) in keys(name, address) {
            let times = attempts.entry(key).or_default();
            times.push_back(now);
            while times.len() > allowed {
                times.pop_front();
            }
        }
        Ok(())
    }

    /// A good login: the name's failures are forgotten and the address gets this try back.
    pub fn succeeded(&self, name: &str, address: Option<IpAddr>) {
        let mut attempts = self.lock();
        attempts.remove(&Key::NameAt(name.to_owned(), address));
        attempts.remove(&Key::Name(name.to_owned()));
        if let Some(times) = attempts.get_mut(&Key::Address(address)) {
            times.pop_back();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, VecDeque<Instant>>> {
        self.attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::super::limits::{ADDRESS_FAILURES, NAME_AT_ADDRESS_FAILURES};
    use super::*;

    #[test]
    fn a_name_is_refused_from_an_address_after_its_failures_until_the_window_passes() {
        let limiter = Attempts::default();
        let start = Instant::now();
        let office: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        let home: Option<IpAddr> = Some("10.0.0.2".parse().unwrap());
        for _ in 0..NAME_AT_ADDRESS_FAILURES {
            assert!(limiter.attempt_at("ming", office, start).is_ok());
        }
        let wait = limiter.attempt_at("ming", office, start).unwrap_err();
        assert_eq!(wait, WINDOW);
        assert!(
            limiter.attempt_at("lin", office, start).is_ok(),
            "another name from the same address may still try"
        );
        assert!(
            limiter.attempt_at("ming", home, start).is_ok(),
            "a guesser elsewhere cannot lock ming out"
        );
        assert!(limiter.attempt_at("ming", office, start + WINDOW).is_ok());
    }

    #[test]
    fn an_address_is_refused_after_its_failures_whatever_the_name() {
        let limiter = Attempts::default();
        let start = Instant::now();
        let attacker: Option<IpAddr> = Some("203.0.113.9".parse().unwrap());
        for attempt in 0..ADDRESS_FAILURES {
            assert!(
                limiter
                    .attempt_at(&format!("guess{attempt}"), attacker, start)
                    .is_ok()
            );
        }
        assert!(limiter.attempt_at("ming", attacker, start).is_err());
        assert!(
            limiter
                .attempt_at("ming", Some("10.0.0.1".parse().unwrap()), start)
                .is_ok()
        );
    }

    #[test]
    fn a_good_login_gives_its_try_back() {
        let limiter = Attempts::default();
        for _ in 0..NAME_AT_ADDRESS_FAILURES {
            limiter.attempt("ming", None).unwrap();
        }
        limiter.succeeded("ming", None);
        assert!(limiter.attempt("ming", None).is_ok());
    }
}
