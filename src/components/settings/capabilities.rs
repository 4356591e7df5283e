//! The capability table in words: what the desk can and cannot do on a platform.

use crate::api::Capabilities;
use crate::i18n::I18n;

/// `(can, cannot)`, each in the table's order.
pub fn describe(i18n: I18n, capabilities: &Capabilities) -> (Vec<String>, Vec<String>) {
    let recall = match capabilities.recall_window_secs {
        Some(seconds) if seconds % 60 == 0 => {
            i18n.f("can-recall-minutes", &[("minutes", (seconds / 60).into())])
        }
        Some(seconds) => i18n.f("can-recall-seconds", &[("seconds", seconds.into())]),
        None => i18n.t("can-recall"),
    };
    let entries = [
        (capabilities.send_text, i18n.t("can-send-text")),
        (capabilities.markdown, i18n.t("can-send-markdown")),
        (capabilities.send_image, i18n.t("can-send-images")),
        (capabilities.send_file, i18n.t("can-send-files")),
        (capabilities.recall, recall),
        (capabilities.edit, i18n.t("can-edit")),
        (capabilities.quote_reply, i18n.t("can-quote")),
        (capabilities.read_receipts, i18n.t("can-read-receipts")),
        (capabilities.history, i18n.t("can-history")),
        (capabilities.pull, i18n.t("can-pull")),
    ];
    // A Channels inbox (a public profile's private messages) says what it allows on its own.
    let inbox = capabilities.channels_inbox.map(|inbox| {
        let allowed: Vec<String> = [
            (inbox.send_text, "can-inbox-text"),
            (inbox.send_image, "can-inbox-images"),
            (inbox.send_file, "can-inbox-files"),
            (inbox.recall, "can-inbox-recall"),
        ]
        .into_iter()
        .filter(|(allowed, _)| *allowed)
        .map(|(_, word)| i18n.t(word))
        .collect();
        (
            true,
            i18n.f(
                "can-inbox",
                &[("allowed", allowed.join(&i18n.t("list-separator")).into())],
            ),
        )
    });
    let (can, cannot): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .chain(inbox)
        .partition(|(allowed, _)| *allowed);
    let words = |list: Vec<(bool, String)>| list.into_iter().map(|(_, word)| word).collect();
    (words(can), words(cannot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_capability_lands_on_one_side_with_its_recall_window() {
        let capabilities = Capabilities {
            send_text: true,
            recall: true,
            recall_window_secs: Some(120),
            edit: true,
            ..Capabilities::default()
        };
        let (can, cannot) = describe(I18n::fixed(Locale::En), &capabilities);
        assert_eq!(
            can,
            ["send text", "recall (within 2 min)", "edit sent messages"]
        );
        assert_eq!(can.len() + cannot.len(), 10);
        assert!(cannot.contains(&"send images".to_owned()));
        let pulled = Capabilities {
            pull: true,
            ..Capabilities::default()
        };
        assert_eq!(
            describe(I18n::fixed(Locale::En), &pulled).0,
            ["pull messages"]
        );
        let with_inbox = Capabilities {
            send_text: true,
            channels_inbox: Some(switchboard_protocol::InboxCapabilities {
                send_text: true,
                ..Default::default()
            }),
            ..Capabilities::default()
        };
        assert_eq!(
            describe(I18n::fixed(Locale::En), &with_inbox).0,
            ["send text", "answer the Channels inbox (text)"]
        );
        let odd_window = Capabilities {
            recall: true,
            recall_window_secs: Some(90),
            ..Capabilities::default()
        };
        assert_eq!(
            describe(I18n::fixed(Locale::En), &odd_window).0,
            ["recall (within 90 s)"]
        );
        let no_window = Capabilities {
            recall: true,
            ..Capabilities::default()
        };
        assert_eq!(describe(I18n::fixed(Locale::En), &no_window).0, ["recall"]);
    }
}
