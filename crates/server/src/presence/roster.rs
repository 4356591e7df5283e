//! What an instance knows of who is online: its own streams and announcements, and the lists
//! the other instances sent.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long another instance's list holds unrepeated (it repeats it every 10 s): a couple of
/// missed repeats, then it is gone with its instance.
pub const ONLINE_FOR: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct Roster {
    /// Open live streams per agent.
    pub streams: HashMap<String, usize>,
    /// Each agent's recent announcements.
    pub announced: HashMap<String, Vec<Instant>>,
    /// Who is online on the other instances, as each last said (its list, cut in parts to fit
    /// a notification) and when; a list not repeated in time has expired (the instance died).
    pub elsewhere: HashMap<(u64, u32), (Vec<String>, Instant)>,
}

impl Roster {
    pub fn online_here(&self) -> Vec<String> {
        let mut names: Vec<String> = self.streams.keys().cloned().collect();
        names.sort();
        names
    }

    pub fn online_elsewhere(&self, now: Instant) -> impl Iterator<Item = &String> {
        self.elsewhere
            .values()
            .filter(move |(_, said_at)| now.duration_since(*said_at) < ONLINE_FOR)
            .flat_map(|(names, _)| names)
    }
}

pub fn lock(roster: &Mutex<Roster>) -> std::sync::MutexGuard<'_, Roster> {
    roster
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
