//! The capability table in words: what the desk can and cannot do on a platform.

use crate::api::Capabilities;

/// `(can, cannot)`, each in the table's order.
pub fn describe(capabilities: &Capabilities) -> (Vec<String>, Vec<String>) {
    let recall = match capabilities.recall_window_secs {
        Some(seconds) if seconds % 60 == 0 => format!("recall (within {} min)", seconds / 60),
        Some(seconds) => format!("recall (within {seconds} s)"),
        None => "recall".to_owned(),
    };
    let entries = [
        (capabilities.send_text, "send text".to_owned()),
        (capabilities.markdown, "send Markdown".to_owned()),
        (capabilities.send_image, "send images".to_owned()),
        (capabilities.send_file, "send files".to_owned()),
        (capabilities.recall, recall),
        (capabilities.edit, "edit sent messages".to_owned()),
        (capabilities.quote_reply, "reply with a quote".to_owned()),
        (capabilities.read_receipts, "send read receipts".to_owned()),
        (capabilities.history, "load earlier messages".to_owned()),
        (capabilities.pull, "pull messages".to_owned()),
    ];
    // A Channels inbox (a public profile's private messages) says what it allows on its own.
    let inbox = capabilities.channels_inbox.map(|inbox| {
        let allowed: Vec<&str> = [
            (inbox.send_text, "text"),
            (inbox.send_image, "images"),
            (inbox.send_file, "files"),
            (inbox.recall, "recall"),
        ]
        .into_iter()
        .filter_map(|(allowed, word)| allowed.then_some(word))
        .collect();
        (
            true,
            format!("answer the Channels inbox ({})", allowed.join(", ")),
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

    #[test]
    fn every_capability_lands_on_one_side_with_its_recall_window() {
        let capabilities = Capabilities {
            send_text: true,
            recall: true,
            recall_window_secs: Some(120),
            edit: true,
            ..Capabilities::default()
        };
        let (can, cannot) = describe(&capabilities);
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
        assert_eq!(describe(&pulled).0, ["pull messages"]);
        let with_inbox = Capabilities {
            send_text: true,
            channels_inbox: Some(switchboard_protocol::InboxCapabilities {
                send_text: true,
                ..Default::default()
            }),
            ..Capabilities::default()
        };
        assert_eq!(
            describe(&with_inbox).0,
            ["send text", "answer the Channels inbox (text)"]
        );
        let odd_window = Capabilities {
            recall: true,
            recall_window_secs: Some(90),
            ..Capabilities::default()
        };
        assert_eq!(describe(&odd_window).0, ["recall (within 90 s)"]);
        let no_window = Capabilities {
            recall: true,
            ..Capabilities::default()
        };
        assert_eq!(describe(&no_window).0, ["recall"]);
    }
}
