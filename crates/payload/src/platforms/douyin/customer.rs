//! A customer's private message to our account: the `im_receive_msg` webhook event
//! (reference §2.2; developer.open-douyin.com private-message webhook pages).

use crate::customer::CustomerMessage;

pub fn message(message: &CustomerMessage) -> serde_json::Value {
    serde_json::json!({
        "event": "im_receive_msg",
        "client_key": message.own_login,
        "from_user_id": message.customer_id,
        "to_user_id": message.own_id,
        "content": {
            "conversation_short_id": message.conversation_id,
            "server_message_id": message.message_id,
            "conversation_type": 1,
            "create_time": message.sent_at_ms,
            "message_type": "text",
            "source": "",
            "scene_type": 100,
            "text": message.text,
            "user_infos": [
                { "open_id": message.customer_id, "nick_name": message.customer_name, "avatar": message.customer_avatar },
                { "open_id": message.own_id, "nick_name": message.own_name, "avatar": "" }
            ],
            "group_info": {}
        },
        "log_id": message.delivery_id,
        "event_id": ""
    })
}
