//! Mixin Messenger: message views, Blaze frames, and the bodies of POST /messages and
//! POST /acknowledgements (JSON; `data_base64` is base64url without padding, `data` standard base64).

pub mod customer;
pub mod endpoints;
pub mod profiles;

use crate::codec::Codec;
use crate::customer::CustomerMessage;
use crate::event::{
    Content, ContentKind, ConversationKind, Event, EventType, Platform, rfc3339_to_ms,
};
use crate::request::{Attachment, Call, ComposeError, Target};
use crate::text::literal::Literal;
use crate::unwrap::decode_base64;
use std::collections::BTreeMap;

use super::fields::{has_keys, id, nested_json, string};

fn is_message_view(value: &Literal) -> bool {
    has_keys(value, &["conversation_id", "message_id", "category"])
        && (value.get("user_id").is_some() || value.get("created_at").is_some())
}

/// The payload bytes: `data_base64` (base64url, unpadded) or the older `data` (standard base64).
pub fn payload_bytes(message: &Literal) -> Option<Vec<u8>> {
    let encoded = string(message, "data_base64").or_else(|| string(message, "data"))?;
    decode_base64(encoded.as_bytes()).ok()
}

fn message_view_event(message: &Literal) -> Option<Event> {
    let mut event = base_event(message)?;
    event.sender_id = id(message, "user_id");
    event.at_ms = string(message, "created_at")
        .as_deref()
        .and_then(rfc3339_to_ms);
    Some(event)
}

fn outgoing_message_event(message: &Literal) -> Option<Event> {
    let mut event = base_event(message)?;
    event.outgoing = Some(true);
    if id(message, "recipient_id").is_some() {
        event.conversation_kind = Some(ConversationKind::Direct);
    }
    Some(event)
}

fn base_event(message: &Literal) -> Option<Event> {
    let category = string(message, "category")?;
    let payload = payload_bytes(message).unwrap_or_default();
    let payload_text = String::from_utf8_lossy(&payload).into_owned();
    let json = nested_json(&payload_text);
    let mut event = Event::new(EventType::Message, Platform::Mixin);
    event.conversation_id = id(message, "conversation_id");
    event.message_id = id(message, "message_id");
    event.quote_message_id = id(message, "quote_message_id");
    let field = |key: &str| json.as_ref().and_then(|j| j.get(key));
    let text_field = |key: &str| json.as_ref().and_then(|j| string(j, key));
    let int_field = |key: &str| field(key).and_then(Literal::as_i64);
    let media = |kind: ContentKind| {
        let mut content = Content::new(kind);
        content.key = text_field("attachment_id");
        content.mime_type = text_field("mime_type");
        content.size = int_field("size");
        content.width = int_field("width");
        content.height = int_field("height");
        content.name = text_field("name");
        content
    };
    let content = match category.as_str() {
        "PLAIN_TEXT" => Content::text(ContentKind::Text, payload_text),
        "PLAIN_POST" => Content::text(ContentKind::Markdown, payload_text),
        "PLAIN_IMAGE" => media(ContentKind::Image),
        "PLAIN_DATA" => media(ContentKind::File),
        "PLAIN_VIDEO" => {
            let mut content = media(ContentKind::Video);
            // The SDK documents video durations in seconds and audio durations in milliseconds.
            content.duration_ms = int_field("duration").map(|seconds| seconds * 1000);
            content
        }
        "PLAIN_AUDIO" => {
            let mut content = media(ContentKind::Audio);
            content.duration_ms = int_field("duration");
            content
        }
        "PLAIN_STICKER" => {
            let mut content = Content::new(ContentKind::Sticker);
            content.key = text_field("sticker_id");
            content.name = text_field("name");
            content
        }
        "PLAIN_CONTACT" => {
            let mut content = Content::new(ContentKind::Contact);
            content.key = text_field("user_id");
            content
        }
        "APP_CARD" => {
            let mut content = Content::new(ContentKind::Card);
            content.title = text_field("title");
            content.description = text_field("description");
            content.url = text_field("action");
            content.thumbnail_url = text_field("icon_url");
            content
        }
        "PLAIN_LIVE" => {
            let mut content = Content::new(ContentKind::Video);
            content.url = text_field("url");
            content.thumbnail_url = text_field("thumb_url");
            content.width = int_field("width");
            content.height = int_field("height");
            content
        }
        "PLAIN_LOCATION" => {
            let mut content = Content::new(ContentKind::Location);
            content.lat = field("latitude").and_then(Literal::as_f64);
            content.lon = field("longitude").and_then(Literal::as_f64);
            content.title = text_field("name");
            content.text = text_field("address");
            content
        }
        "APP_BUTTON_GROUP" => {
            let mut content = Content::new(ContentKind::Buttons);
            content.buttons = Some(payload_text);
            content
        }
        "PLAIN_TRANSCRIPT" => Content::text(ContentKind::Post, payload_text),
        "MESSAGE_RECALL" => {
            event.kind = EventType::Recall;
            event.target_message_id = text_field("message_id");
            return Some(event);
        }
        "SYSTEM_CONVERSATION" => {
            let action = text_field("action").unwrap_or_default();
            event.kind = match action.as_str() {
                "ADD" | "JOIN" => EventType::Join,
                "REMOVE" | "EXIT" => EventType::Leave,
                "UPDATE" => EventType::Topic,
                _ => EventType::System,
            };
            event.conversation_kind = Some(ConversationKind::Group);
            let mut content = Content::text(ContentKind::System, action);
            content.key = text_field("participant_id");
            content
        }
        other => {
            event.kind = if other.starts_with("SYSTEM_") || other == "MESSAGE_PIN" {
                EventType::System
            } else {
                EventType::Message
            };
            let mut content = Content::new(if event.kind == EventType::System {
                ContentKind::System
            } else {
                ContentKind::Unknown
            });
            content.title = Some(other.to_owned());
            content.text = Some(payload_text).filter(|text| !text.is_empty());
            content
        }
    };
    event.content = Some(content);
    Some(event)
}

fn read_event(ack: &Literal) -> Option<Event> {
    if string(ack, "status").as_deref() != Some("READ") {
        return None;
    }
    let mut event = Event::new(EventType::Read, Platform::Mixin);
    event.target_message_id = id(ack, "message_id");
    Some(event)
}

fn attachment_event(attachment: &Literal) -> Event {
    let mut event = Event::new(EventType::Upload, Platform::Mixin);
    let mut content = Content::new(ContentKind::File);
    content.key = id(attachment, "attachment_id");
    content.url = string(attachment, "view_url");
    event.content = Some(content);
    event.outgoing = Some(true);
    event
}

/// The documented id of the one-to-one conversation between two users: md5 of the two ids in
/// sorted order, with the UUID version (3) and variant bits set.
pub fn unique_conversation_id(user_a: &str, user_b: &str) -> String {
    use md5::{Digest, Md5};
    let (min, max) = if user_a <= user_b {
        (user_a, user_b)
    } else {
        (user_b, user_a)
    };
    let bytes: [u8; 16] = Md5::digest(format!("{min}{max}").as_bytes()).into();
    crate::request::uuid_text(bytes, 3)
}

fn post_message(
    target: &crate::request::Target,
    category: &str,
    payload: &[u8],
    quote: Option<&str>,
    fresh_id: &str,
) -> crate::request::Call {
    use base64::Engine;
    let mut message = serde_json::json!({
        "conversation_id": target.conversation_id,
        "message_id": fresh_id,
        "category": category,
        "data_base64": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload),
    });
    if let Some(peer) = &target.peer_id {
        message["recipient_id"] = peer.clone().into();
    }
    if let Some(quote) = quote {
        message["quote_message_id"] = quote.into();
    }
    crate::request::Call::json(
        endpoints::MESSAGES.path,
        &serde_json::json!([message]),
        Some(fresh_id.to_owned()),
    )
}

/// Mixin in the payload core: its message frames and its API's answers.
pub struct Mixin;

impl Codec for Mixin {
    fn platform(&self) -> Platform {
        Platform::Mixin
    }
    fn recognize_literal(&self, value: &Literal) -> Option<(String, Vec<Event>)> {
        // API responses wrap their payload in {"data": ...}; Blaze frames add id and action.
        if let Some(action) = value.get("action").and_then(Literal::as_str)
            && value.get("id").is_some()
        {
            let events = match (action, value.get("data")) {
                ("CREATE_MESSAGE", Some(data)) => message_view_event(data).into_iter().collect(),
                ("ACKNOWLEDGE_MESSAGE_RECEIPT", Some(data)) => {
                    read_event(data).into_iter().collect()
                }
                _ => Vec::new(),
            };
            return Some((format!("mixin.blaze.{action}"), events));
        }
        if let Some(error) = value.get("error").filter(|e| e.get("code").is_some()) {
            let _ = error;
            return Some(("mixin.error".into(), Vec::new()));
        }
        if is_message_view(value) {
            return Some((
                "mixin.message_view".into(),
                message_view_event(value).into_iter().collect(),
            ));
        }
        if let Some(answer) = value.get("data").and_then(profiles::answer_events) {
            return Some(answer);
        }
        if let Some(data) = value.get("data")
            && value.as_array().is_none()
        {
            if is_message_view(data) {
                return Some((
                    "mixin.message_view".into(),
                    message_view_event(data).into_iter().collect(),
                ));
            }
            if has_keys(data, &["attachment_id", "upload_url"])
                || has_keys(data, &["attachment_id", "view_url"])
            {
                return Some(("mixin.attachment".into(), vec![attachment_event(data)]));
            }
        }
        if has_keys(value, &["attachment_id", "view_url"]) {
            return Some(("mixin.attachment".into(), vec![attachment_event(value)]));
        }
        let items: Vec<&Literal> = match value.as_array() {
            Some(items) => items.iter().collect(),
            None => vec![value],
        };
        if !items.is_empty()
            && items
                .iter()
                .all(|item| has_keys(item, &["conversation_id", "message_id", "category"]))
        {
            let events = items
                .into_iter()
                .filter_map(outgoing_message_event)
                .collect();
            return Some(("mixin.post_messages.request".into(), events));
        }
        if !items.is_empty()
            && items.iter().all(|item| {
                has_keys(item, &["message_id", "status"]) && item.get("category").is_none()
            })
        {
            let events = items.into_iter().filter_map(read_event).collect();
            return Some(("mixin.acknowledgements.request".into(), events));
        }
        None
    }
    /// Mixin answers `{data}` or `{error: {status, code, description}}` (often with HTTP 202).
    fn lookups(&self) -> Option<crate::profile::Lookups> {
        Some(profiles::LOOKUPS)
    }
    fn describe(&self, subjects: &[crate::profile::Subject]) -> Result<Call, ComposeError> {
        profiles::describe(subjects)
    }
    fn outcome(&self, _path: &str, body: &[u8]) -> crate::outcome::Outcome {
        use crate::outcome::{Outcome, id_text, json, not_json};
        let Some(value) = json(body) else {
            return not_json(body);
        };
        let error = &value["error"];
        if error.is_object() {
            return Outcome::failed(
                id_text(&error["code"]),
                error["description"]
                    .as_str()
                    .unwrap_or("the platform refused the call"),
            );
        }
        let data = &value["data"];
        Outcome::ok()
            .with_ids(["attachment_id", "view_url", "message_id"].map(|key| (key, &data[key])))
    }
    /// `POST /messages` with one PLAIN_TEXT message (payload base64url, unpadded).
    fn send_text(
        &self,
        target: &Target,
        text: &str,
        quote: Option<&str>,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        Ok(post_message(
            target,
            "PLAIN_TEXT",
            text.as_bytes(),
            quote,
            fresh_id,
        ))
    }
    /// `POST /messages` with one PLAIN_POST message: Markdown, shown rendered.
    fn send_markdown(
        &self,
        target: &Target,
        markdown: &str,
        quote: Option<&str>,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        Ok(post_message(
            target,
            "PLAIN_POST",
            markdown.as_bytes(),
            quote,
            fresh_id,
        ))
    }
    /// `PLAIN_IMAGE`: the payload is `{attachment_id, mime_type, width, height, size}` as JSON.
    fn send_image(
        &self,
        target: &Target,
        image: &Attachment,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        let payload = serde_json::json!({
            "attachment_id": image.id,
            "mime_type": image.mime_type,
            "width": image.width.unwrap_or(0),
            "height": image.height.unwrap_or(0),
            "size": image.size,
        })
        .to_string();
        Ok(post_message(
            target,
            "PLAIN_IMAGE",
            payload.as_bytes(),
            None,
            fresh_id,
        ))
    }
    /// `PLAIN_DATA`: the payload is `{attachment_id, mime_type, size, name}` as JSON.
    fn send_file(
        &self,
        target: &Target,
        file: &Attachment,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        let payload = serde_json::json!({
            "attachment_id": file.id,
            "mime_type": file.mime_type,
            "size": file.size,
            "name": file.name,
        })
        .to_string();
        Ok(post_message(
            target,
            "PLAIN_DATA",
            payload.as_bytes(),
            None,
            fresh_id,
        ))
    }
    /// `POST /acknowledgements [{message_id, status: "READ"}]`, at most 100 (Mixin's limit).
    fn read_receipts(&self, message_ids: &[String]) -> Result<Call, ComposeError> {
        if message_ids.is_empty() {
            return Err(crate::request::ComposeError::Missing(
                "a message to acknowledge",
            ));
        }
        let start = message_ids.len().saturating_sub(100);
        let acks: Vec<serde_json::Value> = message_ids[start..]
            .iter()
            .map(|id| serde_json::json!({ "message_id": id, "status": "READ" }))
            .collect();
        Ok(crate::request::Call::json(
            endpoints::ACKNOWLEDGEMENTS.path,
            &serde_json::Value::Array(acks),
            None,
        ))
    }
    /// A recall is a new MESSAGE_RECALL message naming the old one.
    fn recall(
        &self,
        target: &Target,
        message_id: &str,
        _platform_ids: &BTreeMap<String, String>,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        let payload = serde_json::json!({ "message_id": message_id }).to_string();
        let mut call = post_message(target, "MESSAGE_RECALL", payload.as_bytes(), None, fresh_id);
        call.message_id = None;
        Ok(call)
    }

    fn customer_message(&self, message: &CustomerMessage) -> serde_json::Value {
        customer::message(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_id_rule_is_symmetric_and_versioned() {
        let a = "11efbb75-e7fe-44d7-a14f-698535289310";
        let b = "e8e8cd79-cd40-4796-8c54-3a13cfe50115";
        let id = unique_conversation_id(a, b);
        assert_eq!(id, unique_conversation_id(b, a));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "3", "version nibble");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "variant bits");
    }
}
