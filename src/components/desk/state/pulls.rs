//! What the platform holds beyond the log: the server's pulls of the account's new messages
//! (where the capability table says `pull`; "pull now" asks for one at once) and a
//! conversation's earlier pages (where it says `history`).

use super::*;

impl DeskState {
    /// Platforms whose new messages are pulled, not pushed to us (E云 `syncFinder`).
    pub fn pulled_platforms(&self) -> Vec<Platform> {
        self.config.track();
        self.pulled_platforms_untracked()
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

    /// Asks the server to pull the platform now rather than at its next interval (the server
    /// pulls on its own, with no desk open). What the pull finds reaches the desk through the
    /// log, like every answer.
    pub fn pull(self, platform: Platform) {
        if self
            .pulling
            .with_untracked(|pulling| pulling.contains(&platform))
        {
            return;
        }
        self.pulling.update(|pulling| pulling.push(platform));
        leptos::task::spawn_local(async move {
            let url = format!("/api/receive/{}/now", platform.id());
            if let Err(error) = api::post_json(&url, &serde_json::json!({})).await {
                let i18n = self.i18n;
                self.notice.set(Some(i18n.f(
                    "notice-pull-failed",
                    &[
                        (
                            "platform",
                            crate::i18n::platform_name(i18n, platform).into(),
                        ),
                        ("error", error.describe(i18n).into()),
                    ],
                )));
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
        self.act(key, "action-load-earlier", composed);
    }
}
