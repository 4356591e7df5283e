//! Every receiving platform's state, as the supervisor last set it and `/api/config` shows it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use switchboard_protocol::{Platform, Receive, ReceiveState};

/// Every receiving platform's state, as `/api/config` shows it.
#[derive(Default)]
pub struct Board {
    states: Mutex<BTreeMap<&'static str, Receive>>,
    /// Wakes a platform's supervisor out of its wait (the desk's "pull now").
    wakes: Mutex<BTreeMap<&'static str, Arc<Notify>>>,
}

impl Board {
    /// The state of `platform`'s receiving transport; `None` for a webhook platform.
    pub fn get(&self, platform: Platform) -> Option<Receive> {
        self.lock().get(platform.id()).cloned()
    }

    pub fn update(&self, platform: Platform, change: impl FnOnce(&mut Receive)) {
        if let Some(receive) = self.lock().get_mut(platform.id()) {
            change(receive);
        }
    }

    /// What the supervisor of `platform` waits on besides its timer.
    pub fn wake_signal(&self, platform: Platform) -> Arc<Notify> {
        self.wakes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(platform.id())
            .or_default()
            .clone()
    }

    /// Ends `platform`'s wait now, if it is waiting (the next pull or attempt starts at once;
    /// one under way is not repeated); `false` when the platform has no receiving task or it
    /// stopped.
    pub fn wake(&self, platform: Platform) -> bool {
        if self
            .get(platform)
            .is_none_or(|receive| receive.state == ReceiveState::Stopped)
        {
            return false;
        }
        self.wake_signal(platform).notify_waiters();
        true
    }

    pub fn insert(&self, platform: Platform, receive: Receive) {
        self.lock().insert(platform.id(), receive);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Receive>> {
        self.states
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
