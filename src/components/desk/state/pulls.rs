//! What the platform holds beyond the log: pulls of the account's new messages (where the
//! capability table says `pull`) and a conversation's earlier pages (where it says `history`).

use super::*;

impl DeskState {
    /// Platforms whose new messages are pulled, not pushed to us (E云 `syncFinder`).
    pub fn pulled_platforms(&self) -> Vec<Platform> {
        self.config.track();
        self.pulled_platforms_untracked()
    }

    /// Pulls every pulled platform now and then every [`PULL_EVERY`] while the desk is open.
    pub(super) fn pull_periodically(self) {
        let pull_all = move || {
            for platform in self.pulled_platforms_untracked() {
                self.pull(platform);
            }
        };
        pull_all();
        if let Ok(interval) = set_interval_with_handle(pull_all, PULL_EVERY) {
            on_cleanup(move || interval.clear());
        }
    }

    pub(super) fn pulled_platforms_untracked(&self) -> Vec<Platform> {
        self.config.with_untracked(|config| {
            config
                .iter()
                .flat_map(|config| config.platforms.iter())
                .filter(|entry| entry.capabilities.pull)
                .map(|entry| entry.id)
                .collect()
        })
    }

    /// Reads the platform's pages after the last cursor the log holds, until one adds nothing.
    /// What they carry reaches the desk through the log, like every answer.
    pub fn pull(self, platform: Platform) {
        if self
            .pulling
            .with_untracked(|pulling| pulling.contains(&platform))
        {
            return;
        }
        self.pulling.update(|pulling| pulling.push(platform));
        leptos::task::spawn_local(async move {
            let mut cursor = self
                .desk
                .with_value(|desk| desk.sync_cursor(platform).map(str::to_owned));
            for _ in 0..PULL_PAGES {
                let Ok(call) = platforms::of(platform).sync(cursor.as_deref()) else {
                    break;
                };
                let url = format!("/api/proxy/{}{}", platform.id(), call.path);
                let next = match api::post_bytes(&url, call.content_type, &call.body, &[]).await {
                    Ok((status, text)) if (200..300).contains(&status) => {
                        switchboard_payload::platforms::of(platform)
                            .next_cursor(&call.path, text.as_bytes())
                    }
                    Ok((status, text)) => {
                        self.notice.set(Some(format!(
                            "Pulling {}: {}",
                            platform.name(),
                            api::error_text(status, &text)
                        )));
                        None
                    }
                    Err(error) => {
                        self.notice
                            .set(Some(format!("Pulling {}: {error}", platform.name())));
                        None
                    }
                };
                // An unchanged cursor means the page was the last one.
                if next.is_none() || next == cursor {
                    break;
                }
                cursor = next;
            }
            self.pulling
                .update(|pulling| pulling.retain(|pulled| *pulled != platform));
        });
    }

    /// Asks the platform for the page of history before the oldest message shown.
    pub fn load_earlier(self, key: ConversationKey) {
        let composed = self.desk.with_value(|desk| {
            desk.conversation(&key).map(|conversation| {
                platforms::of(key.platform)
                    .earlier_messages(&conversation.target(), conversation.oldest_message_id())
            })
        });
        self.act(key, "load earlier messages", composed);
    }
}
