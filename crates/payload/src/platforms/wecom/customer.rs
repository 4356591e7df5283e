//! A customer's text message as wkteam's callback delivers it: `{seq, token, message}`
//! (reference §3; qw.wkteam.cn `qw-api/message/callbackMsg.html`).

use crate::customer::CustomerMessage;

pub fn message(message: &CustomerMessage) -> serde_json::Value {
    let mut delivery = serde_json::json!({
        "seq": message.delivery_id,
        "token": message.own_login,
        "message": {
            "id": message.message_id.parse::<u64>().unwrap_or(1),
            "remote_id": message.delivery_id,
            "text": message.text,
            "timestamp": (message.sent_at_ms / 1000).to_string(),
            "type": "Text",
            "from_id": message.customer_id,
            "to_id": message.own_id
        }
    });
    // A group message names its room (`conversation_id`).
    if !message.conversation_id.is_empty() {
        delivery["message"]["room_id"] = message.conversation_id.into();
    }
    delivery
}
