//! Who else is looking: the live stream's `presence` events (never stored) kept for a short
//! while, and this agent's own — "viewing" when a conversation opens and every
//! [`VIEWING_EVERY`] while it stays open, "typing" at most every [`TYPING_EVERY`] while they
//! type, "left" when they move on.

use switchboard_protocol::{Activity, Presence};

use super::*;

/// How often an open conversation is announced again.
const VIEWING_EVERY: std::time::Duration = std::time::Duration::from_secs(15);
/// Typing is announced at most this often.
const TYPING_EVERY_MS: f64 = 3000.0;
/// Someone is viewing until this long after they last said so.
const VIEWING_FOR_MS: f64 = 40_000.0;
/// Someone is typing until this long after they last said so.
const TYPING_FOR_MS: f64 = 6000.0;

impl Seen {
    fn is_current(&self, now_ms: f64) -> bool {
        match self.presence.activity {
            Activity::Typing => now_ms - self.at_ms < TYPING_FOR_MS,
            Activity::Viewing => now_ms - self.at_ms < VIEWING_FOR_MS,
            Activity::Left => false,
        }
    }
}

impl DeskState {
    /// A `presence` event from the stream.
    pub(super) fn heard(self, presence: Presence) {
        if self.my_name().as_deref() == Some(presence.agent.as_str()) {
            return;
        }
        let now = js_sys::Date::now();
        self.presence.update(|seen| {
            seen.retain(|known| {
                let same_agent = known.presence.agent == presence.agent;
                // "Left" ends only that conversation (its "viewing" of the next may be here
                // already); anything else replaces what the agent was doing.
                let replaced = same_agent
                    && (presence.activity != Activity::Left
                        || (known.presence.platform == presence.platform
                            && known.presence.conversation == presence.conversation));
                !replaced && known.is_current(now)
            });
            if presence.activity != Activity::Left {
                seen.push(Seen {
                    presence,
                    at_ms: now,
                });
            }
        });
    }

    /// Others in `key`'s conversation now: (agent, typing), tracked (and redrawn as they
    /// expire).
    pub fn others_in(&self, key: &ConversationKey) -> Vec<(String, bool)> {
        self.presence_tick.track();
        let now = js_sys::Date::now();
        self.presence.with(|seen| {
            seen.iter()
                .filter(|known| {
                    known.is_current(now)
                        && known.presence.platform == key.platform
                        && known.presence.conversation == key.id
                })
                .map(|known| {
                    (
                        known.presence.agent.clone(),
                        known.presence.activity == Activity::Typing,
                    )
                })
                .collect()
        })
    }

    /// Announces what this agent does in `key`'s conversation.
    pub fn announce(self, key: &ConversationKey, activity: Activity) {
        let presence = Presence {
            platform: key.platform,
            conversation: key.id.clone(),
            activity,
            agent: String::new(),
        };
        leptos::task::spawn_local(async move {
            let body = serde_json::to_value(&presence).unwrap_or_default();
            // Presence is best effort: a lost one is replaced by the next.
            let _ = api::post_json("/api/presence", &body).await;
        });
    }

    /// The agent typed in `key`'s composer.
    pub fn typing(self, key: &ConversationKey) {
        let now = js_sys::Date::now();
        if now - self.typing_announced_at.get_value() < TYPING_EVERY_MS {
            return;
        }
        self.typing_announced_at.set_value(now);
        self.announce(key, Activity::Typing);
    }

    /// Keeps the open conversation announced, and the others' presence expiring on screen.
    pub(super) fn watch_presence(self) {
        let mut previous: Option<ConversationKey> = None;
        Effect::new(move |_| {
            let selected = self.selected.get();
            if let Some(left) = previous
                .take()
                .filter(|left| Some(left) != selected.as_ref())
            {
                self.announce(&left, Activity::Left);
            }
            if let Some(key) = &selected {
                self.typing_announced_at.set_value(0.0);
                self.announce(key, Activity::Viewing);
            }
            previous = selected;
        });
        let again = move || {
            if let Some(key) = self.selected.get_untracked() {
                self.announce(&key, Activity::Viewing);
            }
        };
        if let Ok(interval) = set_interval_with_handle(again, VIEWING_EVERY) {
            on_cleanup(move || interval.clear());
        }
        let tick = move || {
            if self.presence.with_untracked(|seen| seen.is_empty()) {
                return;
            }
            let now = js_sys::Date::now();
            if self
                .presence
                .with_untracked(|seen| seen.iter().any(|known| !known.is_current(now)))
            {
                self.presence
                    .update(|seen| seen.retain(|known| known.is_current(now)));
            }
            self.presence_tick.notify();
        };
        if let Ok(interval) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || interval.clear());
        }
    }
}
