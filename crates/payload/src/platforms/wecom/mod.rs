//! WeCom (企业微信) through the wkteam enterprise API: callbacks `{seq, token, message|event}`.

pub mod customer;
pub mod endpoints;
pub mod profiles;

use crate::codec::Codec;
use crate::customer::CustomerMessage;
use crate::event::{
    Content, ContentKind, ConversationKind, Event, EventType, Platform, epoch_to_ms,
};
use crate::request::{Attachment, Call, ComposeError, Target};
use crate::text::literal::Literal;
use std::collections::BTreeMap;

use super::fields::{has_keys, id, nested_json, string};

fn message_event(message: &Literal) -> Event {
    let mut event = Event::new(EventType::Message, Platform::Wecom);
    event.message_id = id(message, "id");
    event.sender_id = id(message, "from_id");
    // Seconds, as a string.
    event.at_ms = message
        .get("timestamp")
        .and_then(Literal::as_i64)
        .map(|seconds| seconds * 1000);
    match id(message, "room_id") {
        Some(room) => {
            event.conversation_id = Some(room);
            event.conversation_kind = Some(ConversationKind::Group);
        }
        None => {
            // Which side is the account's own is not in the payload: key the pair, in sorted
            // order, so both directions land in one conversation.
            let mut pair = [
                event.sender_id.clone().unwrap_or_default(),
                id(message, "to_id").unwrap_or_default(),
            ];
            pair.sort();
            event.conversation_id = Some(pair.join(":"));
            event.conversation_kind = Some(ConversationKind::Direct);
        }
    }
    let text = string(message, "text").unwrap_or_default();
    let kind = string(message, "type").unwrap_or_default();
    event.content = Some(message_content(&kind, &text));
    event
}

fn message_content(kind: &str, text: &str) -> Content {
    let json = nested_json(text);
    let field = |key: &str| json.as_ref().and_then(|j| j.get(key));
    let str_field = |key: &str| json.as_ref().and_then(|j| string(j, key));
    let int_field = |key: &str| field(key).and_then(Literal::as_i64);
    match kind {
        "Text" => Content::text(ContentKind::Text, text),
        "Image" => {
            let mut content = Content::new(ContentKind::Image);
            content.key = str_field("file_id");
            content.size = int_field("size");
            content.width = int_field("width");
            content.height = int_field("height");
            content.name = str_field("file_name");
            content
        }
        "Video" => {
            let mut content = Content::new(ContentKind::Video);
            content.key = str_field("video_file_id");
            content.size = int_field("video_size");
            content.duration_ms = int_field("video_play_time").map(|seconds| seconds * 1000);
            content.width = int_field("width");
            content.height = int_field("height");
            content.thumbnail_url = str_field("preface_image_url");
            content
        }
        "Location" => {
            let mut content = Content::new(ContentKind::Location);
            content.lat = field("latitude").and_then(Literal::as_f64);
            content.lon = field("longitude").and_then(Literal::as_f64);
            content.title = str_field("title");
            content.text = str_field("address");
            content
        }
        "Contact" => {
            let mut content = Content::new(ContentKind::Contact);
            content.key = Some(text.to_owned());
            content
        }
        "MiniProgram" => {
            let mut content = Content::new(ContentKind::Card);
            let parameter = field("parameter");
            let param = |key: &str| parameter.and_then(|p| string(p, key));
            content.title = param("title");
            content.name = param("display_name");
            content.thumbnail_url = param("icon_url");
            content.url = param("page_path");
            content
        }
        "Url" => {
            let mut content = Content::new(ContentKind::Card);
            content.title = str_field("title");
            content.description = str_field("desc");
            content.url = str_field("url");
            content.thumbnail_url = str_field("thumb_url");
            content
        }
        _ => {
            let mut content = Content::text(ContentKind::Unknown, text);
            content.title = Some(kind.to_owned());
            content
        }
    }
}

fn event_events(event: &Literal, kind: &str) -> Vec<Event> {
    let payload = event.get("payload");
    let field = |key: &str| payload.and_then(|p| id(p, key));
    let base = |kind: EventType| {
        let mut out = Event::new(kind, Platform::Wecom);
        out.conversation_id = field("room_id");
        out.conversation_kind = out
            .conversation_id
            .as_ref()
            .map(|_| ConversationKind::Group);
        out.at_ms = payload
            .and_then(|p| p.get("timestamp"))
            .and_then(Literal::as_i64)
            .map(epoch_to_ms);
        out
    };
    let members = |key: &str| -> Vec<String> {
        payload
            .and_then(|p| p.get(key))
            .and_then(Literal::as_array)
            .map(|items| items.iter().filter_map(Literal::as_id).collect())
            .unwrap_or_default()
    };
    match kind {
        "ROOM_TOPIC" => {
            let mut out = base(EventType::Topic);
            out.sender_id = field("changer_id");
            out.content = field("new_topic").map(|topic| Content::text(ContentKind::System, topic));
            vec![out]
        }
        "ROOM_JOIN" | "ROOM_LEAVE" => {
            let (kind, actor, list) = if kind == "ROOM_JOIN" {
                (EventType::Join, "inviter_id", "invitee_id_list")
            } else {
                (EventType::Leave, "remover_id", "removee_id_list")
            };
            members(list)
                .into_iter()
                .map(|member| {
                    let mut out = base(kind);
                    out.sender_id = field(actor);
                    let mut content = Content::new(ContentKind::System);
                    content.key = Some(member);
                    out.content = Some(content);
                    out
                })
                .collect()
        }
        "LOGOUT" => {
            let mut out = base(EventType::Logout);
            out.content = field("data").map(|text| Content::text(ContentKind::System, text));
            vec![out]
        }
        other => {
            let mut out = base(EventType::System);
            out.content = Some(Content::text(ContentKind::System, other));
            vec![out]
        }
    }
}

/// Our own requests: a send (`toId`/`roomId` + `content`) or a cancel (`messageId`).
fn request_events(value: &Literal) -> Option<(String, Vec<Event>)> {
    if let Some(message_id) = id(value, "messageId") {
        let mut event = Event::new(EventType::Recall, Platform::Wecom);
        event.target_message_id = Some(message_id);
        event.outgoing = Some(true);
        return Some(("wecom.cancelMsg.request".into(), vec![event]));
    }
    let content = match (string(value, "content"), string(value, "fileId")) {
        (Some(text), _) => Content::text(ContentKind::Text, text),
        // A file send names the file; an image send does not.
        (None, Some(file_id)) => match string(value, "fileName") {
            Some(name) => {
                let mut file = Content::new(ContentKind::File);
                file.key = Some(file_id);
                file.name = Some(name);
                file
            }
            None => {
                let mut image = Content::new(ContentKind::Image);
                image.key = Some(file_id);
                image
            }
        },
        (None, None) => return None,
    };
    let mut event = Event::new(EventType::Message, Platform::Wecom);
    event.outgoing = Some(true);
    match id(value, "roomId") {
        Some(room) => {
            event.conversation_id = Some(room);
            event.conversation_kind = Some(ConversationKind::Group);
        }
        None => {
            event.conversation_id = id(value, "toId").or_else(|| id(value, "wxId"));
            event.conversation_kind = Some(ConversationKind::Direct);
        }
    }
    let schema = match content.kind {
        Some(ContentKind::Image) => "wecom.sendImage.request",
        Some(ContentKind::File) => "wecom.sendFile.request",
        _ => "wecom.sendText.request",
    };
    event.content = Some(content);
    Some((schema.into(), vec![event]))
}

/// `roomId` for a group, else the customer's `toId`.
fn recipient(
    target: &crate::request::Target,
) -> Result<serde_json::Value, crate::request::ComposeError> {
    if target.kind == Some(ConversationKind::Group) {
        return Ok(serde_json::json!({ "roomId": target.conversation_id }));
    }
    let to = target
        .peer_id
        .clone()
        .ok_or(crate::request::ComposeError::Missing(
            "the customer's user id",
        ))?;
    Ok(serde_json::json!({ "toId": to }))
}

/// wkteam WeCom in the payload core: its callbacks and its API's answers.
pub struct Wecom;

impl Codec for Wecom {
    fn platform(&self) -> Platform {
        Platform::Wecom
    }
    fn recognize_literal(&self, value: &Literal) -> Option<(String, Vec<Event>)> {
        let is_request = value.get("sessionId").is_some()
            || has_keys(value, &["toId", "content"])
            || has_keys(value, &["roomId", "content"])
            || has_keys(value, &["toId", "fileId"])
            || has_keys(value, &["roomId", "fileId"])
            || has_keys(value, &["wxId", "messageId"]);
        if is_request {
            return request_events(value);
        }
        if value.get("code").and_then(Literal::as_i64).is_some()
            && let Some(events) = value
                .get("data")
                .and_then(Literal::as_array)
                .filter(|items| !items.is_empty())
                .and_then(profiles::detail_events)
        {
            return Some(("wecom.detail.response".into(), events));
        }
        if !has_keys(value, &["seq", "token"]) {
            return None;
        }
        if let Some(message) = value.get("message").filter(|m| m.is_object()) {
            let kind = string(message, "type").unwrap_or_default();
            return Some((
                format!("wecom.callback.message.{kind}"),
                vec![message_event(message)],
            ));
        }
        if let Some(event) = value.get("event").filter(|e| e.is_object()) {
            let kind = string(event, "event_type").unwrap_or_default();
            return Some((
                format!("wecom.callback.event.{kind}"),
                event_events(event, &kind),
            ));
        }
        None
    }
    fn lookups(&self) -> Option<crate::profile::Lookups> {
        Some(profiles::LOOKUPS)
    }
    fn describe(&self, subjects: &[crate::profile::Subject]) -> Result<Call, ComposeError> {
        profiles::describe(subjects)
    }
    /// wkteam answers `{code, msg, data}`: 200 = OK; 1001 (session) and 500 (failed) are errors.
    fn outcome(&self, _path: &str, body: &[u8]) -> crate::outcome::Outcome {
        use crate::outcome::{Outcome, json, not_json};
        let Some(value) = json(body) else {
            return not_json(body);
        };
        let data = &value["data"];
        Outcome::of_code(&value, "200", "msg")
            .with_ids(["messageId", "fileId", "timestamp"].map(|key| (key, &data[key])))
    }
    /// The configured send-text path (modelled on E云: `toId` or `roomId`, `content`); the server
    /// adds `sessionId`.
    fn send_text(
        &self,
        target: &Target,
        text: &str,
        _quote: Option<&str>,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        let mut body = recipient(target)?;
        body["content"] = text.into();
        Ok(crate::request::Call::json(
            endpoints::SEND_TEXT.path,
            &body,
            None,
        ))
    }
    /// The configured send-image path with the uploaded file's id.
    fn send_image(
        &self,
        target: &Target,
        image: &Attachment,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        let mut body = recipient(target)?;
        body["fileId"] = image.id.clone().into();
        Ok(crate::request::Call::json(
            endpoints::SEND_IMAGE.path,
            &body,
            None,
        ))
    }
    /// The configured send-file path with the uploaded file's id and name.
    fn send_file(
        &self,
        target: &Target,
        file: &Attachment,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        let mut body = recipient(target)?;
        body["fileId"] = file.id.clone().into();
        body["fileName"] = file.name.clone().into();
        Ok(crate::request::Call::json(
            endpoints::SEND_FILE.path,
            &body,
            None,
        ))
    }
    /// `message/cancelMsg` with the messageId the send answered.
    fn recall(
        &self,
        target: &Target,
        _message_id: &str,
        platform_ids: &BTreeMap<String, String>,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::{Call, ComposeError};
        let message_id = platform_ids.get("messageId").ok_or(ComposeError::Missing(
            "the messageId wkteam gave the message",
        ))?;
        let wx_id = target
            .peer_id
            .clone()
            .unwrap_or_else(|| target.conversation_id.clone());
        Ok(Call::json(
            endpoints::CANCEL_MSG.path,
            &serde_json::json!({ "wxId": wx_id, "messageId": message_id }),
            None,
        ))
    }

    fn customer_message(&self, message: &CustomerMessage) -> serde_json::Value {
        customer::message(message)
    }
}
