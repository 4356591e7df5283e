//! The simulated customer: on demand, a message from a customer of one platform, in that
//! platform's own webhook shape, posted over HTTP into our intake (signed, for Douyin, as Douyin
//! signs) and remembered by the platform's emulator, so history and replies line up.

use base64::Engine;
use serde::Deserialize;
use switchboard_payload::Platform;
use switchboard_payload::platforms::mixin::unique_conversation_id;

use super::Sandbox;
use super::common::credentials::*;
use super::common::{lock, now_ms, numeric_id};
use crate::platforms::douyin;

/// Who writes in: (id, display name) per platform.
pub const CUSTOMERS: [(&str, &str); 2] = [("c1", "林晓"), ("c2", "Ming Zhao")];

#[derive(Debug, Deserialize)]
pub struct CustomerMessage {
    /// What the customer says (default: a greeting).
    pub text: Option<String>,
    /// Which of the customers writes: 0 or 1 (default 0).
    #[serde(default)]
    pub customer: usize,
    /// `false`: the platform never delivers the webhook (a lost callback); the message is only
    /// in the platform's own history, for a pull or a history page to find.
    #[serde(default = "delivered")]
    pub callback: bool,
    /// How the text is written: "text" (default), or "markdown" / "html" where the platform
    /// has such messages ([`formats`]).
    #[serde(default)]
    pub format: Option<String>,
}

/// The kinds of text message a customer can send on `platform`: Yunhu has Markdown and HTML
/// messages (contentType `markdown`, `html`), Mixin has Markdown (`PLAIN_POST`); Douyin,
/// wkteam WeCom and E云 take plain text only.
pub fn formats(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Yunhu => &["text", "markdown", "html"],
        Platform::Mixin => &["text", "markdown"],
        _ => &["text"],
    }
}

fn delivered() -> bool {
    true
}

impl Default for CustomerMessage {
    fn default() -> Self {
        CustomerMessage {
            text: None,
            customer: 0,
            callback: true,
            format: None,
        }
    }
}

/// A delivery ready to post: path below `/hooks/{platform}/{secret}`, headers, body.
pub struct Delivery {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The platform's id for the message, for the caller to find it again.
    pub message_id: String,
}

fn customer_ids(platform: Platform, index: usize) -> (String, String) {
    let (tag, name) = CUSTOMERS[index.min(CUSTOMERS.len() - 1)];
    let id = match platform {
        Platform::Yunhu => if tag == "c1" { "5180273" } else { "6020511" }.to_owned(),
        Platform::Douyin => format!("_000sandbox-customer-{tag}"),
        Platform::Wecom => if tag == "c1" {
            "7881300012345678"
        } else {
            "7881300087654321"
        }
        .to_owned(),
        Platform::Mixin => if tag == "c1" {
            "11efbb75-e7fe-44d7-a14f-698535289310"
        } else {
            "2b1a6d0c-5e4f-4c8e-9a1b-3f2e1d0c9b8a"
        }
        .to_owned(),
        Platform::Wechat => format!("wxid_sandbox_customer_{tag}"),
    };
    (id, name.to_owned())
}

impl Sandbox {
    /// Builds the customer's webhook for `platform` and records the message in the emulator.
    pub fn customer_message(&self, platform: Platform, request: &CustomerMessage) -> Delivery {
        let (customer_id, name) = customer_ids(platform, request.customer);
        let text = request
            .text
            .clone()
            .unwrap_or_else(|| format!("你好，我是{name}，想咨询一下订单。"));
        let format = request.format.as_deref().unwrap_or("text");
        let json = |value: serde_json::Value| serde_json::to_vec(&value).expect("json");
        let content_type = ("Content-Type".to_owned(), "application/json".to_owned());
        match platform {
            Platform::Yunhu => {
                let msg_id = uuid::Uuid::new_v4().simple().to_string();
                lock(&self.state.yunhu).push(
                    1,
                    &customer_id,
                    super::yunhu::written_msg(
                        &msg_id,
                        &customer_id,
                        &name,
                        &text,
                        match format {
                            "markdown" => 3,
                            "html" => 8,
                            _ => 1,
                        },
                    ),
                );
                let body = json(serde_json::json!({
                    "version": "1.0",
                    "header": { "eventId": uuid::Uuid::new_v4().simple().to_string(), "eventType": "message.receive.normal", "eventTime": now_ms() },
                    "event": {
                        "sender": { "senderId": customer_id, "senderType": "user", "senderUserLevel": "member", "senderNickname": name },
                        "chat": { "chatId": customer_id, "chatType": "bot" },
                        "message": { "msgId": msg_id, "parentId": "", "sendTime": now_ms(), "chatId": customer_id, "chatType": "bot", "contentType": format, "content": { "text": text } }
                    }
                }));
                Delivery {
                    headers: vec![content_type],
                    body,
                    message_id: msg_id,
                }
            }
            Platform::Douyin => {
                let server_message_id = format!("@sandbox{}", numeric_id(24));
                let conversation = format!("@sandbox-conversation-{customer_id}");
                lock(&self.state.douyin)
                    .received
                    .insert(server_message_id.clone(), conversation.clone());
                let body = json(serde_json::json!({
                    "event": "im_receive_msg",
                    "client_key": "sandbox_client_key",
                    "from_user_id": customer_id,
                    "to_user_id": DOUYIN_OPEN_ID,
                    "content": {
                        "conversation_short_id": conversation,
                        "server_message_id": server_message_id,
                        "conversation_type": 1,
                        "create_time": now_ms(),
                        "message_type": "text",
                        "source": "",
                        "scene_type": 100,
                        "text": text,
                        "user_infos": [
                            { "open_id": customer_id, "nick_name": name, "avatar": "" },
                            { "open_id": DOUYIN_OPEN_ID, "nick_name": "Sandbox Agent", "avatar": "" }
                        ],
                        "group_info": {}
                    },
                    "log_id": numeric_id(30),
                    "event_id": ""
                }));
                let signature = douyin::signature(DOUYIN_CLIENT_SECRET, &body);
                Delivery {
                    headers: vec![
                        content_type,
                        ("X-Douyin-Signature".into(), signature),
                        ("Msg-Id".into(), server_message_id.clone()),
                    ],
                    body,
                    message_id: server_message_id,
                }
            }
            Platform::Wecom => {
                let id = numeric_id(7);
                let body = json(serde_json::json!({
                    "seq": numeric_id(7),
                    "token": WECOM_SESSION_ID,
                    "message": {
                        "id": id.parse::<u64>().unwrap_or(1),
                        "remote_id": numeric_id(7),
                        "text": text,
                        "timestamp": (now_ms() / 1000).to_string(),
                        "type": "Text",
                        "from_id": customer_id,
                        "to_id": "1688850000000001"
                    }
                }));
                Delivery {
                    headers: vec![content_type],
                    body,
                    message_id: id,
                }
            }
            Platform::Mixin => {
                let message_id = uuid::Uuid::new_v4().to_string();
                let conversation_id = unique_conversation_id(&customer_id, MIXIN_USER_ID);
                let body = json(serde_json::json!({
                    "type": "message",
                    "representative_id": "",
                    "quote_message_id": "",
                    "conversation_id": conversation_id,
                    "user_id": customer_id,
                    "session_id": uuid::Uuid::new_v4().to_string(),
                    "message_id": message_id,
                    "category": if format == "markdown" { "PLAIN_POST" } else { "PLAIN_TEXT" },
                    "data": base64::engine::general_purpose::STANDARD.encode(&text),
                    "data_base64": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&text),
                    "status": "SENT",
                    "source": "CREATE_MESSAGE",
                    "silent": false,
                    "expire_in": 0,
                    "created_at": rfc3339_now(),
                    "updated_at": rfc3339_now()
                }));
                Delivery {
                    headers: vec![content_type],
                    body,
                    message_id,
                }
            }
            Platform::Wechat => {
                let mut store = lock(&self.state.wechat);
                let (msg_id, new_msg_id) = store.next_ids();
                store.push_item(super::wechat::SyncItem {
                    from: &customer_id,
                    to: WECHAT_OWN_WXID,
                    msg_type: 1,
                    content: &text,
                    is_sender: false,
                    new_msg_id,
                    msg_id,
                });
                let body = json(serde_json::json!({
                    "wcId": WECHAT_OWN_WXID,
                    "account": "sandbox-agent",
                    "messageType": 60001,
                    "data": {
                        "fromUser": customer_id,
                        "toUser": WECHAT_OWN_WXID,
                        "msgId": msg_id,
                        "newMsgId": new_msg_id,
                        "msgType": 1,
                        "timestamp": now_ms() / 1000,
                        "content": text,
                        "self": false
                    }
                }));
                Delivery {
                    headers: vec![content_type],
                    body,
                    message_id: new_msg_id.to_string(),
                }
            }
        }
    }
}

fn rfc3339_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
