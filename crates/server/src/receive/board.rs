//! Every receiving platform's state, as the supervisor last set it and `/api/config` shows it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use switchboard_protocol::{Platform, Receive};

/// Every receiving platform's state, as `/api/config` shows it.
#[derive(Default)]
pub struct Board {
    states: Mutex<BTreeMap<&'static str, Receive>>,
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

    pub fn insert(&self, platform: Platform, receive: Receive) {
        self.lock().insert(platform.id(), receive);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Receive>> {
        self.states
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
