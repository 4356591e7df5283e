//! Telling the agent a customer wrote while they look elsewhere: in a conversation that is
//! theirs (assigned to them, or to nobody) while the tab is hidden or another conversation is
//! open, a browser notification (where they allowed it; clicking it opens that conversation)
//! and, if they turned it on, a short sound. The tab title counts what they have to answer.

use super::*;
use crate::components::desk::bubble::preview_text;
use crate::components::desk::notifications::{chime, permission, sound_on};
use crate::i18n::platform_name;

/// A notification on screen and what clicking it does.
type Shown = (web_sys::Notification, Closure<dyn FnMut()>);

thread_local! {
    /// The notifications on screen, by tag: one per conversation (a newer notification replaces
    /// the older and its handler), so they stay bounded.
    static ON_CLICK: std::cell::RefCell<std::collections::HashMap<String, Shown>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

impl DeskState {
    /// Closes every notification this page showed and forgets what clicking them would do
    /// (the desk is going away: a click must not reach it).
    pub fn forget_notifications(&self) {
        ON_CLICK.with(|handlers| {
            for (notification, _) in handlers.borrow_mut().drain().map(|(_, entry)| entry) {
                notification.close();
            }
        });
    }

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
        let elsewhere: Vec<_> = news
            .into_iter()
            .filter(|(key, _, _)| hidden || open.as_ref() != Some(key))
            .collect();
        if !elsewhere.is_empty() && sound_on() {
            chime();
        }
        if permission() == Some(web_sys::NotificationPermission::Granted) {
            for (key, title, preview) in elsewhere {
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
        // A newer message in the same conversation replaces the notification, and says so.
        options.set_renotify(true);
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
        let clicked_tag = tag.clone();
        let on_click = Closure::<dyn FnMut()>::new(move || {
            if let Some(window) = web_sys::window() {
                let _ = window.focus();
            }
            self.select(key.clone());
            // Closing it ends its part here; the handler goes after this call returns.
            let tag = clicked_tag.clone();
            if let Some((shown, handler)) =
                ON_CLICK.with(|handlers| handlers.borrow_mut().remove(&tag))
            {
                shown.close();
                request_animation_frame(move || drop(handler));
            }
        });
        notification.set_onclick(Some(on_click.as_ref().unchecked_ref()));
        let replaced =
            ON_CLICK.with(|handlers| handlers.borrow_mut().insert(tag, (notification, on_click)));
        if let Some((older, _)) = replaced {
            older.set_onclick(None);
        }
    }
}
