//! The actions a bubble offers, decided natively from the message, the platform's capabilities
//! and the time.

use std::collections::BTreeMap;

use switchboard_desk::{Actions, Message, MessageStatus};
use switchboard_payload::event::{Content, ContentKind, EventType};
use switchboard_protocol::Capabilities;

const NOW: f64 = 1_700_000_100_000.0;

fn message(outgoing: bool, status: MessageStatus) -> Message {
    Message {
        id: "m1".into(),
        seq: 7,
        kind: EventType::Message,
        at_ms: 1_700_000_000_000,
        sender_id: None,
        sender_name: None,
        outgoing,
        content: Content::text(ContentKind::Text, "你好"),
        status,
        recalled_at_ms: None,
        original: None,
        edited_at_ms: None,
        quote_message_id: None,
        platform_ids: BTreeMap::new(),
        client_id: None,
        acknowledged: false,
        agent: None,
        note: false,
        mentions: Vec::new(),
        news_seq: None,
    }
}

fn everything() -> Capabilities {
    Capabilities {
        send_text: true,
        recall: true,
        edit: true,
        quote_reply: true,
        ..Capabilities::default()
    }
}

#[test]
fn a_note_offers_nothing_the_platform_would_do() {
    let note = Message {
        note: true,
        ..message(true, MessageStatus::Sent)
    };
    assert_eq!(Actions::of(&note, &everything(), NOW), Actions::default());
}

#[test]
fn our_sent_text_can_be_recalled_edited_and_quoted() {
    let actions = Actions::of(&message(true, MessageStatus::Sent), &everything(), NOW);
    assert_eq!(
        actions,
        Actions {
            recall: true,
            edit: true,
            quote: true,
            retry: false
        }
    );
}

#[test]
fn a_recall_window_closes() {
    let sent = message(true, MessageStatus::Sent);
    let within = Capabilities {
        recall_window_secs: Some(120),
        ..everything()
    };
    assert!(
        Actions::of(&sent, &within, NOW).recall,
        "100 s after sending"
    );
    let closed = Capabilities {
        recall_window_secs: Some(60),
        ..everything()
    };
    assert!(
        !Actions::of(&sent, &closed, NOW).recall,
        "100 s is past 60 s"
    );
}

#[test]
fn nothing_the_platform_lacks_is_offered() {
    let sent = message(true, MessageStatus::Sent);
    assert_eq!(
        Actions::of(&sent, &Capabilities::default(), NOW),
        Actions::default()
    );
}

#[test]
fn a_customers_message_can_only_be_quoted_and_only_with_the_platforms_id() {
    let received = message(false, MessageStatus::Received);
    let actions = Actions::of(&received, &everything(), NOW);
    assert!(actions.quote && !actions.recall && !actions.edit && !actions.retry);
    let mut unnamed = received;
    unnamed.id = "seq:12:0".into();
    assert!(!Actions::of(&unnamed, &everything(), NOW).quote);
}

#[test]
fn a_failed_send_is_retried_and_nothing_else() {
    let failed = message(true, MessageStatus::Failed("code 1001".into()));
    assert_eq!(
        Actions::of(&failed, &everything(), NOW),
        Actions {
            retry: true,
            ..Actions::default()
        }
    );
}

#[test]
fn recalled_and_still_sending_messages_offer_nothing_but_what_stays_true() {
    let mut recalled = message(true, MessageStatus::Sent);
    recalled.recalled_at_ms = Some(1_700_000_050_000);
    assert_eq!(
        Actions::of(&recalled, &everything(), NOW),
        Actions::default()
    );
    let sending = message(true, MessageStatus::Sending);
    assert_eq!(
        Actions::of(&sending, &everything(), NOW),
        Actions::default()
    );
    let mut image = message(true, MessageStatus::Sent);
    image.content = Content {
        kind: Some(ContentKind::Image),
        ..Content::default()
    };
    let actions = Actions::of(&image, &everything(), NOW);
    assert!(actions.recall && !actions.edit, "only text is edited");
}
