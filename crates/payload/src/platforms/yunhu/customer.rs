//! A customer's message to a Yunhu bot: the `message.receive.normal` event of the bot's
//! webhook (reference §1.4; yhchat/bot-go-sdk `subscription/struct.go`).

use crate::customer::{CustomerMessage, TextFormat};

pub fn message(message: &CustomerMessage) -> serde_json::Value {
    let content_type = match message.format {
        TextFormat::Text => "text",
        TextFormat::Markdown => "markdown",
        TextFormat::Html => "html",
    };
    serde_json::json!({
        "version": "1.0",
        "header": {
            "eventId": message.delivery_id,
            "eventType": "message.receive.normal",
            "eventTime": message.sent_at_ms,
        },
        "event": {
            "sender": {
                "senderId": message.customer_id,
                "senderType": "user",
                "senderUserLevel": "member",
                "senderNickname": message.customer_name,
            },
            "chat": { "chatId": message.customer_id, "chatType": "bot" },
            "message": {
                "msgId": message.message_id,
                "parentId": "",
                "sendTime": message.sent_at_ms,
                "chatId": message.customer_id,
                "chatType": "bot",
                "contentType": content_type,
                "content": { "text": message.text },
            },
        },
    })
}
