//! Who has the desk open (an agent with a live stream is online) and how often each agent
//! may announce what they are doing. Presence is ephemeral: it lives here and on the stream,
//! never in the log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Announcements an agent may make per second (typing is sent every few seconds; more is a
/// misbehaving page, dropped).
const ANNOUNCEMENTS_PER_SECOND: usize = 5;

#[derive(Default)]
pub struct Board {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// Open live streams per agent.
    streams: HashMap<String, usize>,
    /// Each agent's recent announcements.
    announced: HashMap<String, Vec<Instant>>,
}

/// Held by a live stream: the agent counts as online until it is dropped.
pub struct Online {
    inner: Arc<Mutex<Inner>>,
    agent: String,
}

impl Drop for Online {
    fn drop(&mut self) {
        let mut inner = lock(&self.inner);
        if let Some(count) = inner.streams.get_mut(&self.agent) {
            *count -= 1;
            if *count == 0 {
                inner.streams.remove(&self.agent);
                inner.announced.remove(&self.agent);
            }
        }
    }
}

fn lock(inner: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    inner
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Board {
    /// A live stream of `agent` opened.
    pub fn join(&self, agent: &str) -> Online {
        *lock(&self.inner)
            .streams
            .entry(agent.to_owned())
            .or_insert(0) += 1;
        Online {
            inner: self.inner.clone(),
            agent: agent.to_owned(),
        }
    }

    pub fn is_online(&self, agent: &str) -> bool {
        lock(&self.inner).streams.contains_key(agent)
    }

    /// Agents online, by name.
    pub fn online(&self) -> Vec<String> {
        let mut names: Vec<String> = lock(&self.inner).streams.keys().cloned().collect();
        names.sort();
        names
    }

    /// Whether `agent` may announce now (within the per-second allowance).
    pub fn may_announce(&self, agent: &str) -> bool {
        let now = Instant::now();
        let mut inner = lock(&self.inner);
        let recent = inner.announced.entry(agent.to_owned()).or_default();
        recent.retain(|at| now.duration_since(*at) < Duration::from_secs(1));
        if recent.len() >= ANNOUNCEMENTS_PER_SECOND {
            return false;
        }
        recent.push(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_is_online_while_a_stream_of_theirs_is_open() {
        let board = Board::default();
        let first = board.join("ming");
        let second = board.join("ming");
        assert!(board.is_online("ming") && !board.is_online("lin"));
        drop(first);
        assert_eq!(board.online(), ["ming"]);
        drop(second);
        assert!(!board.is_online("ming"));
    }

    #[test]
    fn announcements_are_limited_per_second() {
        let board = Board::default();
        let allowed = (0..10).filter(|_| board.may_announce("ming")).count();
        assert_eq!(allowed, ANNOUNCEMENTS_PER_SECOND);
        assert!(board.may_announce("lin"));
    }
}
