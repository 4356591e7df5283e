//! Douyin (抖音): Open Platform webhooks and API bodies (JSON), and the internal IM protocol
//! (protobuf, or protobufjs console dumps of it).

pub mod customer;
pub mod endpoints;

use crate::customer::CustomerMessage;
use crate::event::{Content, ContentKind, ConversationKind, Event, EventType, Platform};
use prost::Message;

use crate::codec::Codec;
use crate::protobuf::douyin_im::{
    MessageBody, NewMessageNotify, RecallMessageRequestBody, Response, SendMessageRequestBody,
};
use crate::request::{Attachment, Call, ComposeError, Target};
use crate::text::literal::Literal;
use std::collections::BTreeMap;

use super::fields::{has_keys, id, nested_json, string};

fn webhook_events(value: &Literal, event_name: &str) -> Vec<Event> {
    // Some events carry `content` as an object, others as a JSON-encoded string.
    let nested;
    let content = match value.get("content") {
        Some(content) if content.is_object() => content,
        Some(content) => match content.as_str().and_then(nested_json) {
            Some(parsed) => {
                nested = parsed;
                &nested
            }
            None => return Vec::new(),
        },
        None => return Vec::new(),
    };
    let kind = match event_name {
        "im_receive_msg" | "im_send_msg" | "im_group_receive_msg" | "im_group_send_msg" => {
            EventType::Message
        }
        "im_enter_direct_msg" => EventType::Enter,
        "im_recall_msg" => EventType::Recall,
        "im_message_read" => EventType::Read,
        "verify_webhook" => return Vec::new(),
        _ => EventType::System,
    };
    let mut event = Event::new(kind, Platform::Douyin);
    event.conversation_id = id(content, "conversation_short_id");
    event.conversation_kind = Some(if event_name.starts_with("im_group") {
        ConversationKind::Group
    } else {
        ConversationKind::Direct
    });
    let server_message_id = id(content, "server_message_id");
    match kind {
        EventType::Recall | EventType::Read => event.target_message_id = server_message_id,
        _ => event.message_id = server_message_id,
    }
    event.sender_id = id(value, "from_user_id");
    // "用户基本信息,包括:昵称和头像" (reference `contacts.md` §3): the sender's name and picture.
    let sender_info = content
        .get("user_infos")
        .and_then(Literal::as_array)
        .and_then(|users| {
            users
                .iter()
                .find(|user| id(user, "open_id") == event.sender_id)
        });
    event.sender_name = sender_info.and_then(|user| string(user, "nick_name"));
    event.sender_avatar = sender_info.and_then(|user| string(user, "avatar"));
    // Milliseconds, per the webhook documentation.
    event.at_ms = content.get("create_time").and_then(Literal::as_i64);
    event.outgoing = Some(event_name.ends_with("send_msg"));
    if kind == EventType::Message {
        event.content = Some(webhook_content(content));
    } else if kind == EventType::System {
        event.content = Some(Content::text(ContentKind::System, event_name));
    }
    vec![event]
}

fn webhook_content(content: &Literal) -> Content {
    let message_type = content
        .get("message_type")
        .and_then(Literal::as_str)
        .unwrap_or("other");
    let kind = match message_type {
        "text" => ContentKind::Text,
        "image" | "user_local_image" => ContentKind::Image,
        "video" | "user_local_video" => ContentKind::Video,
        "emoji" => ContentKind::Sticker,
        "retain_consult_card" => ContentKind::Card,
        _ => ContentKind::Unknown,
    };
    let mut out = Content::new(kind);
    out.text = string(content, "text");
    out.url = string(content, "resource_url");
    if kind == ContentKind::Unknown {
        out.title = Some(message_type.to_owned());
    }
    out
}

fn upload_events(value: &Literal) -> Vec<Event> {
    let mut event = Event::new(EventType::Upload, Platform::Douyin);
    let mut content = Content::new(ContentKind::Image);
    content.key = id(value, "image_id");
    content.width = value.get("width").and_then(Literal::as_i64);
    content.height = value.get("height").and_then(Literal::as_i64);
    event.content = Some(content);
    event.at_ms = value
        .at(&["extra", "now"])
        .and_then(Literal::as_i64)
        .map(|seconds| seconds * 1000);
    event.outgoing = Some(true);
    vec![event]
}

fn send_request_events(value: &Literal) -> Vec<Event> {
    let mut event = Event::new(EventType::Message, Platform::Douyin);
    event.conversation_id = id(value, "conversation_id");
    event.conversation_kind = Some(ConversationKind::Direct);
    event.quote_message_id = id(value, "msg_id");
    event.outgoing = Some(true);
    let content = value.get("content");
    let msg_type = content
        .and_then(|c| c.get("msg_type"))
        .and_then(Literal::as_i64);
    event.content = Some(match msg_type {
        Some(2) => {
            let mut out = Content::new(ContentKind::Image);
            out.key = content
                .and_then(|c| c.at(&["image", "media_id"]))
                .and_then(Literal::as_id);
            out
        }
        Some(3) => {
            let mut out = Content::new(ContentKind::Video);
            out.key = content
                .and_then(|c| c.at(&["video", "item_id"]))
                .and_then(Literal::as_id);
            out
        }
        _ => {
            let mut out = Content::new(ContentKind::Text);
            out.text = content
                .and_then(|c| c.at(&["text", "text"]))
                .and_then(Literal::as_str)
                .map(str::to_owned);
            out
        }
    });
    vec![event]
}

/// A protobufjs console dump of `MessageBody`, read into the prost type.
fn message_body_from_literal(value: &Literal) -> MessageBody {
    let u64_of = |key: &str| {
        value
            .get(key)
            .and_then(Literal::as_id)
            .and_then(|t| t.parse().ok())
            .unwrap_or(0)
    };
    let i32_of = |key: &str| value.get(key).and_then(Literal::as_i64).unwrap_or(0) as i32;
    let ext = value
        .get("ext")
        .and_then(Literal::as_array)
        .map(|entries| {
            entries
                .iter()
                .filter_map(|entry| {
                    Some((
                        string(entry, "key")?,
                        entry.get("value")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    MessageBody {
        conversation_id: string(value, "conversation_id").unwrap_or_default(),
        conversation_type: i32_of("conversation_type"),
        server_message_id: u64_of("server_message_id"),
        index_in_conversation: u64_of("index_in_conversation"),
        conversation_short_id: u64_of("conversation_short_id"),
        message_type: i32_of("message_type"),
        sender: u64_of("sender"),
        content: string(value, "content").unwrap_or_default(),
        ext,
        create_time: u64_of("create_time"),
        version: u64_of("version"),
        status: i32_of("status"),
        order_in_conversation: u64_of("order_in_conversation"),
        sec_sender: string(value, "sec_sender").unwrap_or_default(),
        index_in_conversation_v2: u64_of("index_in_conversation_v2"),
    }
}

fn nonzero(value: u64) -> Option<String> {
    (value != 0).then(|| value.to_string())
}

/// Events of one internal-IM message: a message, or the command it carries.
pub fn message_body_events(body: &MessageBody) -> Vec<Event> {
    let content_json = nested_json(&body.content);
    let command_type = content_json
        .as_ref()
        .and_then(|content| content.get("command_type"))
        .and_then(Literal::as_i64);
    let kind = match (body.message_type, command_type) {
        (50001, Some(1)) | (50013, _) => EventType::Read,
        // The seed labels command 8 (sync_create_conversation) "被关注或进入": followed or entered.
        (50001, Some(8)) => EventType::Enter,
        (50001, _) => EventType::Command,
        (40001, _) => EventType::Recall,
        _ => EventType::Message,
    };
    let mut event = Event::new(kind, Platform::Douyin);
    event.conversation_id = nonzero(body.conversation_short_id)
        .or_else(|| Some(body.conversation_id.clone()).filter(|id| !id.is_empty()));
    event.conversation_kind = match body.conversation_type {
        1 => Some(ConversationKind::Direct),
        2 => Some(ConversationKind::Group),
        3 | 4 => Some(ConversationKind::Channel),
        _ => None,
    };
    event.sender_id = nonzero(body.sender);
    event.at_ms = (body.create_time != 0).then_some(body.create_time as i64);
    let target = content_json
        .as_ref()
        .and_then(|content| {
            content
                .get("target_message_id")
                .or_else(|| content.get("server_message_id"))
        })
        .and_then(Literal::as_id)
        .filter(|id| id != "0");
    match kind {
        EventType::Message => {
            event.message_id = nonzero(body.server_message_id);
            event.content = Some(im_content(
                body.message_type,
                content_json.as_ref(),
                &body.content,
            ));
        }
        EventType::Command => {
            event.message_id = nonzero(body.server_message_id);
            event.content = Some(Content::text(ContentKind::System, body.content.clone()));
        }
        _ => {
            event.message_id = nonzero(body.server_message_id);
            event.target_message_id = target;
        }
    }
    vec![event]
}

fn im_content(message_type: i32, json: Option<&Literal>, raw: &str) -> Content {
    let kind = match message_type {
        7 => ContentKind::Text,
        2 => ContentKind::Image,
        3 => ContentKind::Audio,
        4 => ContentKind::Video,
        5 => ContentKind::Sticker,
        6 => ContentKind::File,
        _ => ContentKind::Unknown,
    };
    let mut content = Content::new(kind);
    match json {
        Some(json) => {
            content.text = string(json, "text");
            content.url = string(json, "url").or_else(|| string(json, "resource_url"));
            content.name = string(json, "file_name").or_else(|| string(json, "name"));
        }
        None => content.text = Some(raw.to_owned()),
    }
    content
}

/// Events from a protobuf blob already recognized as `schema`.
pub fn proto_events(schema: &str, bytes: &[u8]) -> Vec<Event> {
    match schema {
        MessageBody::SCHEMA => MessageBody::decode(bytes)
            .map(|body| message_body_events(&body))
            .unwrap_or_default(),
        NewMessageNotify::SCHEMA => NewMessageNotify::decode(bytes)
            .ok()
            .and_then(|notify| notify.message)
            .map(|body| message_body_events(&body))
            .unwrap_or_default(),
        Response::SCHEMA => Response::decode(bytes)
            .ok()
            .and_then(|response| response.body?.has_new_message_notify?.message)
            .map(|body| message_body_events(&body))
            .unwrap_or_default(),
        SendMessageRequestBody::SCHEMA => SendMessageRequestBody::decode(bytes)
            .map(|send| {
                let body = MessageBody {
                    conversation_id: send.conversation_id,
                    conversation_type: send.conversation_type,
                    conversation_short_id: send.conversation_short_id,
                    content: send.content,
                    ext: send.ext,
                    message_type: send.message_type,
                    ..MessageBody::default()
                };
                let mut events = message_body_events(&body);
                for event in &mut events {
                    event.outgoing = Some(true);
                }
                events
            })
            .unwrap_or_default(),
        RecallMessageRequestBody::SCHEMA => RecallMessageRequestBody::decode(bytes)
            .map(|recall| {
                let mut event = Event::new(EventType::Recall, Platform::Douyin);
                event.conversation_id = nonzero(recall.conversation_short_id)
                    .or_else(|| Some(recall.conversation_id.clone()).filter(|id| !id.is_empty()));
                event.target_message_id = nonzero(recall.server_message_id);
                event.outgoing = Some(true);
                vec![event]
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Douyin in the payload core: webhooks (JSON and the IM protobuf), the open API's answers.
pub struct Douyin;

impl Codec for Douyin {
    fn platform(&self) -> Platform {
        Platform::Douyin
    }
    fn recognize_literal(&self, value: &Literal) -> Option<(String, Vec<Event>)> {
        if let Some(event) = value.get("event").and_then(Literal::as_str)
            && (value.get("content").is_some() || event == "verify_webhook")
        {
            return Some((
                format!("douyin.webhook.{event}"),
                webhook_events(value, event),
            ));
        }
        if has_keys(value, &["image_id", "md5"]) {
            return Some(("douyin.image_upload_response".into(), upload_events(value)));
        }
        if has_keys(
            value,
            &["conversation_id", "server_message_id", "message_type"],
        ) {
            let body = message_body_from_literal(value);
            return Some((MessageBody::SCHEMA.into(), message_body_events(&body)));
        }
        if has_keys(value, &["conversation_id", "content"])
            && (value.get("to_user_id").is_some() || value.get("msg_id").is_some())
        {
            return Some(("douyin.send_msg_request".into(), send_request_events(value)));
        }
        if has_keys(value, &["msg_id", "conversation_id", "conversation_type"]) {
            let mut event = Event::new(EventType::Recall, Platform::Douyin);
            event.conversation_id = id(value, "conversation_id");
            event.target_message_id = id(value, "msg_id");
            event.outgoing = Some(true);
            return Some(("douyin.recall_msg_request".into(), vec![event]));
        }
        if value.at(&["data", "error_code"]).is_some() && value.at(&["extra", "logid"]).is_some() {
            return Some(("douyin.api_response".into(), Vec::new()));
        }
        None
    }
    fn owns_schema(&self, schema: &str) -> bool {
        matches!(schema.split_once('.'), Some(("douyin" | "douyin_im", _)))
    }
    fn proto_events(&self, schema: &str, bytes: &[u8]) -> Vec<Event> {
        proto_events(schema, bytes)
    }
    /// Open Platform answers: `data.error_code` 0 = OK, else `data.description`; `data.msg_id` kept.
    fn outcome(&self, _path: &str, body: &[u8]) -> crate::outcome::Outcome {
        use crate::outcome::{Outcome, id_text, json, not_json};
        let Some(value) = json(body) else {
            return not_json(body);
        };
        let data = &value["data"];
        let code = id_text(&data["error_code"]).or_else(|| id_text(&value["extra"]["error_code"]));
        let outcome = match code.as_deref() {
            Some("0") | None if data.is_object() || value.get("image_id").is_some() => {
                Outcome::ok()
            }
            _ => Outcome::failed(
                code,
                data["description"]
                    .as_str()
                    .or(value["extra"]["description"].as_str())
                    .filter(|text| !text.is_empty())
                    .unwrap_or("the platform refused the call"),
            ),
        };
        // The ids are in `data`, or (an image upload's) at the top.
        let at = |key: &str| {
            if id_text(&data[key]).is_some() {
                &data[key]
            } else {
                &value[key]
            }
        };
        outcome.with_ids(["msg_id", "image_id"].map(|key| (key, at(key))))
    }
    /// `im/send/msg`: answers the customer's latest message (Douyin allows replies within 24 h).
    fn send_text(
        &self,
        target: &Target,
        text: &str,
        _quote: Option<&str>,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::{Call, ComposeError};
        let to_user_id = target
            .peer_id
            .clone()
            .ok_or(ComposeError::Missing("the customer's open_id"))?;
        let msg_id = target
            .reply_to
            .clone()
            .ok_or(ComposeError::Missing("a customer message to answer"))?;
        let body = serde_json::json!({
            "msg_id": msg_id,
            "conversation_id": target.conversation_id,
            "to_user_id": to_user_id,
            "content": { "msg_type": 1, "text": { "text": text } }
        });
        Ok(Call::json(endpoints::SEND_MSG.path, &body, None))
    }
    /// `im/send/msg` with `msg_type 2` and the uploaded `image_id` as `media_id`.
    fn send_image(
        &self,
        target: &Target,
        image: &Attachment,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::{Call, ComposeError};
        let to_user_id = target
            .peer_id
            .clone()
            .ok_or(ComposeError::Missing("the customer's open_id"))?;
        let msg_id = target
            .reply_to
            .clone()
            .ok_or(ComposeError::Missing("a customer message to answer"))?;
        let body = serde_json::json!({
            "msg_id": msg_id,
            "conversation_id": target.conversation_id,
            "to_user_id": to_user_id,
            "content": { "msg_type": 2, "image": { "media_id": image.id } }
        });
        Ok(Call::json(endpoints::SEND_MSG.path, &body, None))
    }
    fn send_file(
        &self,
        _target: &Target,
        _file: &Attachment,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        Err(ComposeError::Unsupported("sending files on Douyin"))
    }
    /// `im/recall/msg` with the msg_id the send answered.
    fn recall(
        &self,
        target: &Target,
        _message_id: &str,
        platform_ids: &BTreeMap<String, String>,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::{Call, ComposeError};
        let msg_id = platform_ids
            .get("msg_id")
            .ok_or(ComposeError::Missing("the msg_id Douyin gave the message"))?;
        let body = serde_json::json!({ "msg_id": msg_id, "conversation_id": target.conversation_id, "conversation_type": 1 });
        Ok(Call::json(endpoints::RECALL_MSG.path, &body, None))
    }

    fn customer_message(&self, message: &CustomerMessage) -> serde_json::Value {
        customer::message(message)
    }
}
