//! How each platform is receiving, as the server says (`receive` in `/api/config`), read again
//! every few seconds while the desk is open, so the status line names a platform that is not
//! receiving: a Blaze socket backing off, a stopped connector. Kept beside the configuration,
//! not in it, so a new `last_frame_at` redraws the status line only.

use super::*;

/// How often the server is asked again.
const RECEIVING_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

impl DeskState {
    pub(super) fn watch_receiving(self) {
        let show = move |config: &ServerConfig| {
            let receiving: Vec<_> = config
                .platforms
                .iter()
                .map(|platform| (platform.id, platform.receive.clone()))
                .collect();
            if self.receiving.with_untracked(|shown| *shown != receiving) {
                self.receiving.set(receiving);
            }
        };
        self.config
            .with_untracked(|config| config.as_ref().map(show));
        let refresh = move || {
            leptos::task::spawn_local(async move {
                if let Ok(config) = api::get_json::<ServerConfig>("/api/config").await {
                    show(&config);
                }
            });
        };
        if let Ok(interval) = set_interval_with_handle(refresh, RECEIVING_EVERY) {
            on_cleanup(move || interval.clear());
        }
    }

    /// "Mixin: Not receiving: reconnecting …" for each platform that cannot receive now.
    pub fn not_receiving(&self) -> Vec<String> {
        self.receiving.with(|receiving| {
            receiving
                .iter()
                .filter(|(_, receive)| !receive.is_receiving())
                .map(|(platform, receive)| {
                    let i18n = self.i18n;
                    let sentence =
                        switchboard_desk::receiving::describe(receive, js_sys::Date::now() as i64);
                    i18n.f(
                        "receiving-platform",
                        &[
                            (
                                "platform",
                                crate::i18n::platform_name(i18n, *platform).into(),
                            ),
                            ("sentence", crate::i18n::sentence(i18n, &sentence).into()),
                        ],
                    )
                })
                .collect()
        })
    }
}
