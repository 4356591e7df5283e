//! Every platform's customer message, as the payload core writes it for the sandbox and the
//! tests, reads back through the decoder as that platform's message: the same ids, sender, text
//! and time. A builder that drifted from what the decoder reads would fail here.

use switchboard_payload::customer::{CustomerMessage, TextFormat};
use switchboard_payload::event::{ContentKind, EventType};
use switchboard_payload::{Options, Platform, inspect, platforms};

fn message(format: TextFormat) -> CustomerMessage<'static> {
    CustomerMessage {
        message_id: "3876235366388279544",
        delivery_id: "7301",
        conversation_id: "conversation-9",
        customer_id: "customer-1",
        customer_name: "林晓",
        customer_avatar: "https://cdn.example/lin.png",
        own_id: "own-1",
        own_name: "Agent",
        own_login: "login-1",
        text: "你好 **there**",
        format,
        sent_at_ms: 1_795_316_777_000,
    }
}

#[test]
fn every_platforms_customer_message_decodes_as_that_platforms_message() {
    for platform in Platform::ALL {
        let written = message(TextFormat::Text);
        let body = serde_json::to_vec(&platforms::of(platform).customer_message(&written)).unwrap();
        let inspection = inspect(&body, &Options::default());
        assert_eq!(inspection.error, None, "{platform}");
        assert_eq!(inspection.platform, Some(platform), "{platform}");
        assert_eq!(
            inspection.events.len(),
            1,
            "{platform}: {:#?}",
            inspection.events
        );
        let event = &inspection.events[0];
        assert_eq!(event.kind, EventType::Message, "{platform}");
        assert_eq!(
            event.message_id.as_deref(),
            Some(written.message_id),
            "{platform}"
        );
        assert_eq!(
            event.sender_id.as_deref(),
            Some(written.customer_id),
            "{platform}"
        );
        assert_ne!(
            event.outgoing,
            Some(true),
            "{platform}: the customer wrote it"
        );
        let content = event.content.as_ref().expect("content");
        assert_eq!(content.text.as_deref(), Some(written.text), "{platform}");
        // Seconds-precision platforms (wkteam, E云) keep the second.
        let at_ms = event.at_ms.expect("a time") as u64;
        assert_eq!(at_ms / 1000, written.sent_at_ms / 1000, "{platform}");
    }
}

#[test]
fn markdown_and_html_are_written_where_the_platform_has_them() {
    let cases = [
        (Platform::Yunhu, TextFormat::Markdown, ContentKind::Markdown),
        (Platform::Yunhu, TextFormat::Html, ContentKind::Html),
        (Platform::Mixin, TextFormat::Markdown, ContentKind::Markdown),
    ];
    for (platform, format, kind) in cases {
        let body = serde_json::to_vec(&platforms::of(platform).customer_message(&message(format)))
            .unwrap();
        let inspection = inspect(&body, &Options::default());
        let content = inspection.events[0].content.as_ref().unwrap();
        assert_eq!(content.kind, Some(kind), "{platform} {format:?}");
    }
}
