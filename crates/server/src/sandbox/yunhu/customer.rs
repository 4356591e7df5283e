//! Yunhu's simulated customers write to the user account in their user chat (chat type 1): the
//! emulator keeps the message in that chat's history and pushes it on the account's socket to
//! whoever is logged in. With `"to": "bot"` they write to the bot instead, which delivers by
//! webhook (the emulator still keeps it in the user chat's history, as before).

use std::sync::Mutex;

use switchboard_payload::Platform;
use switchboard_payload::customer::{CustomerMessage, TextFormat};
use switchboard_payload::platforms::yunhu::content_type;

use super::Store;
use crate::sandbox::common::{Carried, Delivery, Writing, lock};
use switchboard_payload::protobuf::yunhu::PushMessage;

/// Yunhu has Markdown and HTML messages (contentType `markdown`, `html`).
pub const FORMATS: &[&str] = &["text", "markdown", "html"];

use super::CUSTOMER_IDS;

pub fn writes(store: &Mutex<Store>, writing: &Writing) -> Delivery {
    let customer_id = CUSTOMER_IDS[writing.customer];
    let msg_id = uuid::Uuid::new_v4().simple().to_string();
    let content_type = match writing.format {
        TextFormat::Text => content_type::TEXT,
        TextFormat::Markdown => content_type::MARKDOWN,
        TextFormat::Html => content_type::HTML,
    };
    let (msg, socket) = {
        let mut store = lock(store);
        let msg = store.push(
            1,
            customer_id,
            super::written_msg(
                &msg_id,
                customer_id,
                writing.name,
                &writing.avatar,
                writing.text,
                content_type,
            ),
        );
        (msg, store.socket.clone())
    };
    if !writing.to_bot {
        if writing.delivered {
            lock(&socket).push(&PushMessage {
                msg_id: msg.msg_id.clone(),
                sender: msg.sender.clone(),
                recv_id: super::AGENT_ID.into(),
                chat_id: customer_id.into(),
                chat_type: 1,
                content: msg.content.clone(),
                content_type: msg.content_type,
                timestamp: msg.send_time,
                msg_seq: msg.msg_seq,
                ..PushMessage::default()
            });
        }
        let pushed = msg_id.clone();
        // The socket carries it: no webhook, and no acknowledgement to wait for.
        return Delivery {
            headers: Vec::new(),
            body: Vec::new(),
            message_id: msg_id,
            carried: Carried::Socket(Box::new(move || {
                let socket = lock(&socket);
                if socket.was_written(&pushed) {
                    Some(true)
                } else {
                    (socket.open > 0).then_some(false)
                }
            })),
        };
    }
    let event_id = uuid::Uuid::new_v4().simple().to_string();
    let message = CustomerMessage {
        delivery_id: &event_id,
        ..writing.message(&msg_id, customer_id)
    };
    Delivery::of(Platform::Yunhu, &message)
}
