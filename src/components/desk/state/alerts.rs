//! Telling the agent a customer wrote while they look elsewhere: in a conversation that is
//! theirs (assigned to them, or to nobody) while the tab is hidden or another conversation is
//! open, a browser notification (where they allowed it; clicking it opens that conversation)
//! and, if they turned it on, a short sound. The tab title counts what they have to answer.

use super::*;
use crate::components::desk::bubble::preview_text;
use crate::components::desk::notifications::{chime, permission, sound_on, tab_hidden};
use crate::i18n::platform_name;

thread_local! {
    /// What clicking each conversation's notification does, by tag: one per conversation (a
    /// newer notification replaces the older and its handler), so they stay bounded.
    static ON_CLICK: std::cell::RefCell<std::collections::HashMap<String, Closure<dyn FnMut()>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

impl DeskState {
    /// After a live row: where it is a customer's new message in one of this agent's
    /// conversations that they are not looking at, tell them.
    pub(super) fn notice_customer(self, row: &Row) {
        if row.direction != switchboard_protocol::Direction::Inbound {
            return;
        }
        let me = self.my_name();
        let open = self.selected.get_untracked();
        let hidden = tab_hidden();
        let i18n = self.i18n;
        let news: Vec<(ConversationKey, String, String)> = self.desk.with_value(|desk| {
            desk.customer_wrote_at(row.seq)
                .into_iter()
                .filter(|conversation| {
                    conversation
                        .work
                        .assignee()
                        .is_none_or(|assignee| Some(assignee) == me.as_deref())
                })
                .map(|conversation| {
                    let preview = conversation
                        .last_message()
                        .map(|message| preview_text(i18n, message))
                        .unwrap_or_default();
                    (
                        conversation.key.clone(),
                        conversation.title.clone(),
                        preview,
                    )
                })
                .collect()
        });
        // Said to a screen reader wherever the agent is looking.
        if let Some((_, title, preview)) = news.last() {
            self.announcement.set(i18n.f(
                "announce-customer-wrote",
                &[("name", title.into()), ("text", preview.into())],
            ));
        }
        for (key, title, preview) in news {
            if !hidden && open.as_ref() == Some(&key) {
                continue;
            }
            if sound_on() {
                chime();
            }
            if permission() == Some(web_sys::NotificationPermission::Granted) {
                self.show_notification(key, &title, &preview);
            }
        }
    }

    fn show_notification(self, key: ConversationKey, title: &str, preview: &str) {
        let i18n = self.i18n;
        let options = web_sys::NotificationOptions::new();
        options.set_body(preview);
        // One notification per conversation: a newer message replaces the older one.
        let tag = format!("{}:{}", key.platform.id(), key.id);
        options.set_tag(&tag);
        options.set_lang(i18n.locale().tag());
        let heading = i18n.f(
            "notification-title",
            &[
                ("name", title.into()),
                ("platform", platform_name(i18n, key.platform).into()),
            ],
        );
        let Ok(notification) = web_sys::Notification::new_with_options(&heading, &options) else {
            return;
        };
        let shown = notification.clone();
        let on_click = Closure::<dyn FnMut()>::new(move || {
            if let Some(window) = web_sys::window() {
                let _ = window.focus();
            }
            self.select(key.clone());
            shown.close();
        });
        notification.set_onclick(Some(on_click.as_ref().unchecked_ref()));
        ON_CLICK.with(|handlers| handlers.borrow_mut().insert(tag, on_click));
    }
}
