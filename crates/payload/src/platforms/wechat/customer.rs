//! A customer's text message as E云's callback delivers it: `messageType` 60001 (a private
//! text message; reference §5).

use crate::customer::CustomerMessage;

pub fn message(message: &CustomerMessage) -> serde_json::Value {
    serde_json::json!({
        "wcId": message.own_id,
        "account": message.own_login,
        "messageType": 60001,
        "data": {
            "fromUser": message.customer_id,
            "toUser": message.own_id,
            "msgId": number(message.delivery_id),
            "newMsgId": number(message.message_id),
            "msgType": 1,
            "timestamp": message.sent_at_ms / 1000,
            "content": message.text,
            "self": false
        }
    })
}

/// E云's ids are JSON numbers (64-bit: they are read exactly).
fn number(id: &str) -> serde_json::Value {
    id.parse::<u64>()
        .map(serde_json::Value::from)
        .unwrap_or_else(|_| serde_json::Value::from(id))
}
