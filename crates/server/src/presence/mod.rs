//! Who has the desk open (an agent with a live stream is online) and how often each agent
//! may announce what they are doing. Presence is ephemeral: it lives here and on the stream,
//! never in the log. Instances sharing a database tell each other through it ([`shared`]): an
//! agent online on any instance is online on all, and an announcement reaches every instance's
//! streams.

mod roster;
mod shared;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use roster::{Roster, lock};

/// Announcements an agent may make per second (typing is sent every few seconds; more is a
/// misbehaving page, dropped).
const ANNOUNCEMENTS_PER_SECOND: usize = 5;

#[derive(Default)]
pub struct Board {
    inner: Arc<Mutex<Roster>>,
    /// Set when instances share a database: what this one says goes to the others.
    spread: Option<shared::Spread>,
}

/// Held by a live stream: the agent counts as online until it is dropped.
pub struct Online {
    inner: Arc<Mutex<Roster>>,
    agent: String,
    spread: Option<shared::Spread>,
}

impl Drop for Online {
    fn drop(&mut self) {
        let mut inner = lock(&self.inner);
        if let Some(count) = inner.streams.get_mut(&self.agent) {
            *count -= 1;
            if *count == 0 {
                inner.streams.remove(&self.agent);
                inner.announced.remove(&self.agent);
                if let Some(spread) = &self.spread {
                    spread.online(inner.online_here());
                }
            }
        }
    }
}

impl Board {
    /// The board of an instance sharing `database` with others: it tells them who is online
    /// here and what agents here announce, and hands what they announce to `heard` (as the
    /// presence's JSON) for this instance's streams.
    pub fn shared(
        database: Arc<crate::database::Database>,
        heard: Arc<dyn Fn(&str) + Send + Sync>,
    ) -> Board {
        let inner = Arc::new(Mutex::new(Roster::default()));
        let spread = shared::start(&database, inner.clone(), heard);
        Board {
            inner,
            spread: Some(spread),
        }
    }

    /// A live stream of `agent` opened.
    pub fn join(&self, agent: &str) -> Online {
        let mut inner = lock(&self.inner);
        let count = inner.streams.entry(agent.to_owned()).or_insert(0);
        *count += 1;
        if *count == 1
            && let Some(spread) = &self.spread
        {
            spread.online(inner.online_here());
        }
        Online {
            inner: self.inner.clone(),
            agent: agent.to_owned(),
            spread: self.spread.clone(),
        }
    }

    /// Whether `agent` has a live stream open, on this instance or another.
    pub fn is_online(&self, agent: &str) -> bool {
        let inner = lock(&self.inner);
        inner.streams.contains_key(agent)
            || inner
                .online_elsewhere(Instant::now())
                .any(|name| name == agent)
    }

    /// Agents online on any instance, by name.
    pub fn online(&self) -> Vec<String> {
        let inner = lock(&self.inner);
        let mut names = inner.online_here();
        names.extend(inner.online_elsewhere(Instant::now()).cloned());
        names.sort();
        names.dedup();
        names
    }

    /// Tells the other instances what an agent here announced (their streams show it; this
    /// instance's are told by the caller).
    pub fn spread(&self, presence: &switchboard_protocol::Presence) {
        if let Some(spread) = &self.spread {
            spread.presence(presence);
        }
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
