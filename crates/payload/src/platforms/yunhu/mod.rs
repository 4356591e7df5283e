//! Yunhu (云湖): the user API and push protocol (protobuf), and the bot API and webhooks (JSON).
//! Every Yunhu time is in milliseconds.

pub mod content_type;
pub mod customer;
pub mod endpoints;
pub mod profiles;
pub mod socket;

use prost::Message;

use crate::codec::Codec;
use crate::customer::CustomerMessage;
use crate::event::{Content, ContentKind, ConversationKind, Event, EventType, Platform};
use crate::protobuf::yunhu::{
    GetUserResponse, GroupInfoResponse, ListMessageByMidSeqRequest, ListMessageBySeqRequest,
    ListMessageRequest, ListMessageResponse, Media, Msg, MsgContent, PushMessage, RecallMsgRequest,
    SendMessageRequest, Sender, StatusResponse, StreamMessage, WsWrapper,
};
use crate::request::{Attachment, Call, ComposeError, Target};
use crate::text::literal::Literal;
use std::collections::BTreeMap;

use super::fields::{has_keys, id, string};

/// `info.cmd` of a Yunhu push frame (`WsWrapper`), from the schema-less parse.
fn wrapper_cmd<'b>(message: crate::protobuf::raw::Message<'_>, bytes: &'b [u8]) -> Option<&'b str> {
    let info = message.field(1)?.message()?;
    let cmd = info.field(2)?;
    std::str::from_utf8(bytes.get(cmd.value.clone())?).ok()
}

/// The message inside a push frame's `data.value`, chosen by `info.cmd`.
pub fn push_payload_schema(cmd: &str) -> Option<&'static str> {
    match cmd {
        "push_message" | "edit_message" | "blocked_message" => Some(PushMessage::SCHEMA),
        "stream_message" => Some(StreamMessage::SCHEMA),
        _ => None,
    }
}

/// Events from a protobuf blob already recognized as `schema`.
pub fn proto_events(schema: &str, bytes: &[u8]) -> Vec<Event> {
    match schema {
        WsWrapper::SCHEMA => WsWrapper::decode(bytes)
            .map(|frame| frame_events(&frame))
            .unwrap_or_default(),
        PushMessage::SCHEMA => PushMessage::decode(bytes)
            .map(|push| push_events(&push, false))
            .unwrap_or_default(),
        StreamMessage::SCHEMA => StreamMessage::decode(bytes)
            .map(|s| vec![stream_event(&s)])
            .unwrap_or_default(),
        GetUserResponse::SCHEMA | GroupInfoResponse::SCHEMA => {
            profiles::answer_events(schema, bytes)
        }
        ListMessageResponse::SCHEMA => list_events(bytes),
        SendMessageRequest::SCHEMA => SendMessageRequest::decode(bytes)
            .map(|send| vec![send_event(&send)])
            .unwrap_or_default(),
        RecallMsgRequest::SCHEMA => RecallMsgRequest::decode(bytes)
            .map(|recall| recall_events(&recall))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn frame_events(frame: &WsWrapper) -> Vec<Event> {
    let cmd = frame
        .info
        .as_ref()
        .map(|info| info.cmd.as_str())
        .unwrap_or_default();
    let Some(data) = &frame.data else {
        return Vec::new();
    };
    match push_payload_schema(cmd) {
        Some(PushMessage::SCHEMA) => PushMessage::decode(data.value.as_slice())
            .map(|push| push_events(&push, cmd == "edit_message"))
            .unwrap_or_default(),
        Some(schema) => proto_events(schema, &data.value),
        None => Vec::new(),
    }
}

fn conversation_kind(chat_type: u64) -> Option<ConversationKind> {
    match chat_type {
        1 => Some(ConversationKind::Direct),
        2 => Some(ConversationKind::Group),
        3 => Some(ConversationKind::Bot),
        _ => None,
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn push_events(push: &PushMessage, edited: bool) -> Vec<Event> {
    let mut event = Event::new(
        if edited {
            EventType::Edit
        } else {
            EventType::Message
        },
        Platform::Yunhu,
    );
    event.conversation_id = non_empty(&push.chat_id);
    event.conversation_kind = conversation_kind(push.chat_type);
    if edited {
        event.target_message_id = non_empty(&push.msg_id);
        event.at_ms = (push.edit_time != 0).then_some(push.edit_time as i64);
    } else {
        event.message_id = non_empty(&push.msg_id);
        event.at_ms = (push.timestamp != 0).then_some(push.timestamp as i64);
    }
    apply_sender(&mut event, push.sender.as_ref());
    event.quote_message_id = non_empty(&push.quote_msg_id);
    event.content = push
        .content
        .as_ref()
        .map(|content| message_content(push.content_type, content));
    let mut events = vec![event];
    if push.delete_timestamp != 0 {
        events.push(recall_of(&events[0], push.delete_timestamp));
    }
    events
}

/// A [`ListMessageResponse`] with its messages left as bytes, for [`list_events`]: the same
/// fields, numbers and wire types, so what decodes as one decodes as the other.
#[derive(Clone, PartialEq, prost::Message)]
struct ListPage {
    #[prost(message, optional, tag = "1")]
    status: Option<crate::protobuf::yunhu::Status>,
    /// Slices of the one copy of the page (see [`list_events`]).
    #[prost(bytes = "bytes", repeated, tag = "2")]
    msg: Vec<prost::bytes::Bytes>,
    #[prost(uint64, tag = "3")]
    total: u64,
}

/// A list response's events, one message at a time: each is decoded, read and dropped, rather
/// than the whole page held as structs first (a 1 MB page lists ~7 000), and the events go
/// straight into one vector. A message that does not decode fails the page, as it fails
/// [`ListMessageResponse`].
fn list_events(bytes: &[u8]) -> Vec<Event> {
    // Copied once, so each message is a slice of the copy rather than a copy of its own.
    let Ok(page) = ListPage::decode(prost::bytes::Bytes::copy_from_slice(bytes)) else {
        return Vec::new();
    };
    let mut events = Vec::with_capacity(page.msg.len());
    for msg in &page.msg {
        match Msg::decode(msg.as_ref()) {
            Ok(msg) => push_listed(&mut events, msg),
            Err(_) => return Vec::new(),
        }
    }
    events
}

/// The events of one listed message (its recall after it, if it was recalled), its texts
/// moved out of it.
fn push_listed(events: &mut Vec<Event>, msg: Msg) {
    let mut event = Event::new(EventType::Message, Platform::Yunhu);
    event.message_id = owned_non_empty(msg.msg_id);
    event.at_ms = (msg.send_time != 0).then_some(msg.send_time as i64);
    if let Some(sender) = msg.sender {
        event.sender_id = owned_non_empty(sender.chat_id);
        event.sender_name = owned_non_empty(sender.name);
        event.sender_avatar = owned_non_empty(sender.avatar_url);
    }
    event.outgoing = match msg.direction.as_str() {
        "right" => Some(true),
        "left" => Some(false),
        _ => None,
    };
    event.quote_message_id = owned_non_empty(msg.quote_msg_id);
    event.content = msg
        .content
        .as_ref()
        .map(|content| message_content(msg.content_type, content));
    let recall = (msg.msg_delete_time != 0).then(|| recall_of(&event, msg.msg_delete_time));
    events.push(event);
    events.extend(recall);
}

fn owned_non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

fn recall_of(message: &Event, at: u64) -> Event {
    let mut recall = Event::new(EventType::Recall, Platform::Yunhu);
    recall.conversation_id = message.conversation_id.clone();
    recall.conversation_kind = message.conversation_kind;
    recall.target_message_id = message.message_id.clone();
    recall.at_ms = Some(at as i64);
    recall
}

fn apply_sender(event: &mut Event, sender: Option<&Sender>) {
    if let Some(sender) = sender {
        event.sender_id = non_empty(&sender.chat_id);
        event.sender_name = non_empty(&sender.name);
        event.sender_avatar = non_empty(&sender.avatar_url);
    }
}

fn stream_event(stream: &StreamMessage) -> Event {
    let mut event = Event::new(EventType::Edit, Platform::Yunhu);
    event.conversation_id = non_empty(&stream.chat_id);
    event.target_message_id = non_empty(&stream.msg_id);
    event.content = Some(Content::text(ContentKind::Text, stream.content.clone()));
    event
}

fn send_event(send: &SendMessageRequest) -> Event {
    let mut event = Event::new(EventType::Message, Platform::Yunhu);
    event.message_id = non_empty(&send.msg_id);
    event.conversation_id = non_empty(&send.chat_id);
    event.conversation_kind = conversation_kind(send.chat_type);
    event.quote_message_id = non_empty(&send.quote_msg_id);
    event.outgoing = Some(true);
    let mut content = send
        .content
        .as_ref()
        .map(|content| message_content(send.content_type, content))
        .unwrap_or_else(|| Content::new(ContentKind::Unknown));
    if let Some(media) = &send.media {
        content.key = content.key.or_else(|| non_empty(&media.file_key));
        content.width = content
            .width
            .or((media.image_width != 0).then_some(media.image_width as i64));
        content.height = content
            .height
            .or((media.image_height != 0).then_some(media.image_height as i64));
        content.size = content
            .size
            .or((media.file_size != 0).then_some(media.file_size as i64));
        content.mime_type = non_empty(&media.file_type);
    }
    event.content = Some(content);
    event
}

fn recall_events(recall: &RecallMsgRequest) -> Vec<Event> {
    recall
        .msg_id
        .iter()
        .map(|msg_id| {
            let mut event = Event::new(EventType::Recall, Platform::Yunhu);
            event.conversation_id = non_empty(&recall.chat_id);
            event.conversation_kind = conversation_kind(recall.chat_type);
            event.target_message_id = non_empty(msg_id);
            event.outgoing = Some(true);
            event
        })
        .collect()
}

fn message_content(number: u64, content: &MsgContent) -> Content {
    let kind = content_type::kind(number);
    let mut out = Content::new(kind);
    out.text = non_empty(&content.text)
        .or_else(|| non_empty(&content.post_content))
        .or_else(|| non_empty(&content.call_status_text))
        .or_else(|| non_empty(&content.tip));
    out.buttons = non_empty(&content.buttons);
    out.title = non_empty(&content.post_title);
    let positive = |value: u64| (value != 0).then_some(value as i64);
    match kind {
        // The image key is in field 9 on send and the URL in 3 when listed; accept both.
        ContentKind::Image | ContentKind::Sticker => {
            out.url = non_empty(&content.image_url).or_else(|| non_empty(&content.image));
            out.key = non_empty(&content.image);
        }
        ContentKind::File => {
            out.url = non_empty(&content.file_url);
            out.name = non_empty(&content.file_name);
        }
        ContentKind::Video => {
            out.url = non_empty(&content.video_url);
            out.duration_ms = positive(content.video_time).map(|seconds| seconds * 1000);
        }
        ContentKind::Audio => {
            out.url = non_empty(&content.audio_url);
            out.duration_ms = positive(content.audio_time).map(|seconds| seconds * 1000);
        }
        ContentKind::Form => out.buttons = non_empty(&content.form),
        _ => {}
    }
    out.size = positive(content.file_size);
    out.width = positive(content.width);
    out.height = positive(content.height);
    out
}

fn recv_kind(recv_type: &str) -> Option<ConversationKind> {
    match recv_type {
        "user" => Some(ConversationKind::Direct),
        "group" => Some(ConversationKind::Group),
        "bot" => Some(ConversationKind::Bot),
        _ => None,
    }
}

fn webhook_event(envelope: &Literal, event: &Literal, event_type: &str) -> Event {
    let kind = match event_type {
        "message.receive.normal" => EventType::Message,
        "message.receive.instruction" | "button.report.inline" => EventType::Command,
        "group.join" | "bot.followed" => EventType::Join,
        "group.leave" | "bot.unfollowed" => EventType::Leave,
        _ => EventType::System,
    };
    let mut out = Event::new(kind, Platform::Yunhu);
    let sender = event.get("sender");
    out.sender_id = sender
        .and_then(|s| id(s, "senderId"))
        .or_else(|| id(event, "userId"));
    out.sender_name = sender
        .and_then(|s| string(s, "senderNickname"))
        .or_else(|| string(event, "nickname"));
    // Joins and follows carry the user's picture; messages only the nickname.
    out.sender_avatar = string(event, "avatarUrl");
    let chat = event.get("chat");
    let chat_type = chat
        .and_then(|c| string(c, "chatType"))
        .or_else(|| string(event, "chatType"))
        .unwrap_or_default();
    out.conversation_kind = recv_kind(&chat_type);
    out.conversation_id = if chat_type == "group" {
        chat.and_then(|c| id(c, "chatId"))
            .or_else(|| id(event, "chatId"))
    } else {
        // A bot's private chat is keyed by the user talking to it.
        out.sender_id
            .clone()
            .or_else(|| chat.and_then(|c| id(c, "chatId")))
    };
    out.at_ms = event
        .at(&["message", "sendTime"])
        .or_else(|| event.get("time"))
        .or_else(|| envelope.at(&["header", "eventTime"]))
        .and_then(Literal::as_i64);
    out.outgoing = Some(false);
    if let Some(message) = event.get("message") {
        out.message_id = id(message, "msgId");
        out.quote_message_id = id(message, "parentId");
        let content_type = string(message, "contentType").unwrap_or_else(|| "text".into());
        out.content = message
            .get("content")
            .map(|content| json_content(&content_type, content));
    } else if kind == EventType::System {
        out.content = Some(Content::text(ContentKind::System, event_type));
    }
    out
}

fn json_content(content_type: &str, content: &Literal) -> Content {
    let kind = match content_type {
        "text" => ContentKind::Text,
        "image" => ContentKind::Image,
        "markdown" => ContentKind::Markdown,
        "html" => ContentKind::Html,
        "file" => ContentKind::File,
        "video" => ContentKind::Video,
        "audio" => ContentKind::Audio,
        "form" => ContentKind::Form,
        "post" => ContentKind::Post,
        "sticker" | "expression" => ContentKind::Sticker,
        _ => ContentKind::Unknown,
    };
    let mut out = Content::new(kind);
    out.text = string(content, "text");
    out.url = string(content, "imageUrl")
        .or_else(|| string(content, "fileUrl"))
        .or_else(|| string(content, "videoUrl"));
    out.key = string(content, "imageKey")
        .or_else(|| string(content, "fileKey"))
        .or_else(|| string(content, "videoKey"));
    out.name = string(content, "fileName");
    out.size = content.get("fileSize").and_then(Literal::as_i64);
    out.buttons = content
        .get("buttons")
        .map(|buttons| match buttons.as_str() {
            Some(text) => text.to_owned(),
            None => String::from("[buttons]"),
        });
    out
}

/// The conversation a bot API call names: `recvType` "user" is the bot's private chat with that
/// user (where the user's bot webhooks put it), not a user-to-user chat.
fn bot_recv_kind(recv_type: &str) -> Option<ConversationKind> {
    match recv_type {
        "user" => Some(ConversationKind::Bot),
        other => recv_kind(other),
    }
}

fn bot_send_event(value: &Literal) -> Event {
    let mut event = Event::new(EventType::Message, Platform::Yunhu);
    event.conversation_id = id(value, "recvId");
    event.conversation_kind = value
        .get("recvType")
        .and_then(Literal::as_str)
        .and_then(bot_recv_kind);
    event.quote_message_id = id(value, "parentId");
    event.outgoing = Some(true);
    let content_type = string(value, "contentType").unwrap_or_else(|| "text".into());
    event.content = value
        .get("content")
        .map(|content| json_content(&content_type, content));
    event
}

fn edit_record_event(record: &Literal) -> Event {
    let mut event = Event::new(EventType::Edit, Platform::Yunhu);
    event.target_message_id = id(record, "msgId");
    event.message_id = id(record, "id");
    event.at_ms = record.get("msgTime").and_then(Literal::as_i64);
    let number = record
        .get("contentType")
        .and_then(Literal::as_i64)
        .and_then(|number| u64::try_from(number).ok())
        .unwrap_or(content_type::TEXT);
    // contentOld is the previous content, as a JSON string.
    let old = string(record, "contentOld").and_then(|text| super::fields::nested_json(&text));
    let mut content = Content::new(match content_type::kind(number) {
        kind @ (ContentKind::Markdown | ContentKind::Html) => kind,
        _ => ContentKind::Text,
    });
    content.text = old.as_ref().and_then(|old| string(old, "text"));
    event.content = Some(content);
    event
}

#[derive(Clone, Copy)]
enum Written {
    Text,
    Markdown,
}

fn send_written(
    target: &crate::request::Target,
    text: &str,
    quote: Option<&str>,
    fresh_id: &str,
    written: Written,
) -> Result<crate::request::Call, crate::request::ComposeError> {
    use crate::request::Call;
    let (number, bot_content_type) = match written {
        Written::Text => (content_type::TEXT, "text"),
        Written::Markdown => (content_type::MARKDOWN, "markdown"),
    };
    if target.kind == Some(ConversationKind::Bot) {
        let recv_id = target
            .peer_id
            .clone()
            .unwrap_or_else(|| target.conversation_id.clone());
        let mut body = serde_json::json!({
            "recvId": recv_id, "recvType": "user", "contentType": bot_content_type, "content": { "text": text }
        });
        if let Some(quote) = quote {
            body["parentId"] = quote.into();
        }
        return Ok(Call::json(endpoints::BOT_SEND.path, &body, None));
    }
    let request = SendMessageRequest {
        msg_id: fresh_id.replace('-', ""),
        chat_id: target.conversation_id.clone(),
        chat_type: chat_type_of(target.kind),
        content: Some(MsgContent {
            text: text.to_owned(),
            ..MsgContent::default()
        }),
        content_type: number,
        quote_msg_id: quote.unwrap_or_default().to_owned(),
        ..SendMessageRequest::default()
    };
    Ok(Call::protobuf(
        endpoints::SEND_MESSAGE.path,
        request.encode_to_vec(),
        Some(request.msg_id),
    ))
}

fn chat_type_of(kind: Option<ConversationKind>) -> u64 {
    match kind {
        Some(ConversationKind::Group) => 2,
        Some(ConversationKind::Bot) => 3,
        _ => 1,
    }
}

/// `recall-msg-batch`: several of our messages in one chat at once.
pub fn recall_batch(
    target: &crate::request::Target,
    message_ids: &[String],
) -> Result<crate::request::Call, crate::request::ComposeError> {
    if message_ids.is_empty() {
        return Err(crate::request::ComposeError::Missing("a message to recall"));
    }
    let request = RecallMsgRequest {
        msg_id: message_ids.to_vec(),
        chat_id: target.conversation_id.clone(),
        chat_type: chat_type_of(target.kind),
    };
    Ok(crate::request::Call::protobuf(
        endpoints::RECALL_MSG_BATCH.path,
        request.encode_to_vec(),
        None,
    ))
}

/// `list-message-by-seq`: a chat's messages from sequence number `from_seq` on.
pub fn messages_from_seq(target: &crate::request::Target, from_seq: u64) -> crate::request::Call {
    let request = ListMessageBySeqRequest {
        msg_start: from_seq,
        chat_type: chat_type_of(target.kind),
        chat_id: target.conversation_id.clone(),
    };
    crate::request::Call::protobuf(
        endpoints::LIST_MESSAGE_BY_SEQ.path,
        request.encode_to_vec(),
        None,
    )
}

/// `list-message-by-mid-seq`: up to `count` messages ending with `message_id` itself (or, with
/// no id, at sequence number `seq`).
pub fn messages_up_to(
    target: &crate::request::Target,
    message_id: Option<&str>,
    seq: u64,
    count: u64,
) -> crate::request::Call {
    let request = ListMessageByMidSeqRequest {
        msg_seq: seq,
        chat_type: chat_type_of(target.kind),
        chat_id: target.conversation_id.clone(),
        msg_count: count,
        msg_id: message_id.unwrap_or_default().to_owned(),
        ..ListMessageByMidSeqRequest::default()
    };
    crate::request::Call::protobuf(
        endpoints::LIST_MESSAGE_BY_MID_SEQ.path,
        request.encode_to_vec(),
        None,
    )
}

/// Yunhu in the payload core: the bot webhook's JSON, the user API's protobuf (requests and
/// answers named by their path), history pages that name no chat.
pub struct Yunhu;

impl Codec for Yunhu {
    fn platform(&self) -> Platform {
        Platform::Yunhu
    }
    fn recognize_literal(&self, value: &Literal) -> Option<(String, Vec<Event>)> {
        if let Some(event_type) = value.at(&["header", "eventType"]).and_then(Literal::as_str) {
            let events = value
                .get("event")
                .map(|event| webhook_event(value, event, event_type));
            return Some((
                format!("yunhu.webhook.{event_type}"),
                events.into_iter().collect(),
            ));
        }
        if has_keys(value, &["recvId", "recvType", "contentType", "content"]) {
            return Some(("yunhu.bot.send.request".into(), vec![bot_send_event(value)]));
        }
        if let Some(list) = value.at(&["data", "list"]).and_then(Literal::as_array)
            && list.iter().all(|item| item.get("contentOld").is_some())
        {
            return Some((
                "yunhu.list-message-edit-record.response".into(),
                list.iter().map(edit_record_event).collect(),
            ));
        }
        if has_keys(value, &["msgId", "size", "page"]) {
            return Some(("yunhu.list-message-edit-record.request".into(), Vec::new()));
        }
        if has_keys(value, &["msgId", "downloadPath"]) {
            return Some(("yunhu.file-download-record.request".into(), Vec::new()));
        }
        if has_keys(value, &["msgId", "chatType", "receive"]) {
            return Some(("yunhu.msg-forward.request".into(), Vec::new()));
        }
        if has_keys(value, &["chatId", "msgId", "chatType"]) {
            // Both /v1/msg/delete (hides locally) and bot/recall take this shape; only a recall
            // removes the message for everyone, so it is reported without claiming either.
            return Some(("yunhu.msg.delete_or_recall.request".into(), Vec::new()));
        }
        if let Some(info) = value.at(&["data", "messageInfo"]) {
            let mut event = Event::new(EventType::Message, Platform::Yunhu);
            event.message_id = id(info, "msgId");
            event.conversation_id = id(info, "recvId");
            event.conversation_kind = info
                .get("recvType")
                .and_then(Literal::as_str)
                .and_then(bot_recv_kind);
            event.outgoing = Some(true);
            return Some(("yunhu.bot.send.response".into(), vec![event]));
        }
        if value.at(&["data", "token"]).is_some() && value.get("code").is_some() {
            return Some(("yunhu.qiniu-token.response".into(), Vec::new()));
        }
        if has_keys(value, &["key", "hash", "fsize"]) {
            let mut event = Event::new(EventType::Upload, Platform::Yunhu);
            let mut content = Content::new(ContentKind::File);
            content.key = id(value, "key");
            content.size = value.get("fsize").and_then(Literal::as_i64);
            event.content = Some(content);
            event.outgoing = Some(true);
            return Some(("yunhu.qiniu.upload.response".into(), vec![event]));
        }
        if let Some(data) = value.get("data")
            && let Some((kind, key)) = [
                ("imageKey", ContentKind::Image),
                ("videoKey", ContentKind::Video),
                ("fileKey", ContentKind::File),
            ]
            .into_iter()
            .find_map(|(key, kind)| id(data, key).map(|value| (kind, value)))
        {
            let mut event = Event::new(EventType::Upload, Platform::Yunhu);
            let mut content = Content::new(kind);
            content.key = Some(key);
            event.content = Some(content);
            event.outgoing = Some(true);
            return Some(("yunhu.bot.upload.response".into(), vec![event]));
        }
        if has_keys(value, &["code", "msg"])
            && value.get("code").and_then(Literal::as_i64).is_some()
        {
            return Some(("yunhu.json.response".into(), Vec::new()));
        }
        None
    }
    fn proto_events(&self, schema: &str, bytes: &[u8]) -> Vec<Event> {
        proto_events(schema, bytes)
    }
    /// The protobuf messages of a user-API call's request and answer, by path.
    fn endpoint_schemas(&self, path: &str) -> Option<(&'static str, &'static str)> {
        crate::endpoint::find(endpoints::USER_API, path)?.schemas
    }
    /// Events of a JSON request whose meaning is in its path: `bot/recall` and `/v1/msg/delete`
    /// share a body shape, and only the recall removes the message for everyone.
    fn path_events(&self, path: &str, body: &[u8]) -> Option<Vec<Event>> {
        let path = path.split('?').next().unwrap_or(path);
        if endpoints::EDIT_MESSAGE.ends(path) {
            // The send shape, naming the message it replaces.
            let request = SendMessageRequest::decode(body).ok()?;
            let mut event = send_event(&request);
            event.kind = EventType::Edit;
            event.target_message_id = event.message_id.take();
            return Some(vec![event]);
        }
        if endpoints::BOT_EDIT.ends(path) {
            let value: serde_json::Value = serde_json::from_slice(body).ok()?;
            let mut event = Event::new(EventType::Edit, Platform::Yunhu);
            event.target_message_id = crate::outcome::id_text(&value["msgId"]);
            event.conversation_id = crate::outcome::id_text(&value["recvId"]);
            event.content = value["content"]["text"]
                .as_str()
                .map(|text| Content::text(ContentKind::Text, text));
            event.outgoing = Some(true);
            return Some(vec![event]);
        }
        if !endpoints::BOT_RECALL.ends(path) {
            return None;
        }
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let mut event = Event::new(EventType::Recall, Platform::Yunhu);
        event.target_message_id = crate::outcome::id_text(&value["msgId"]);
        event.conversation_id = crate::outcome::id_text(&value["chatId"]);
        event.outgoing = Some(true);
        Some(vec![event])
    }
    /// User-API answers start with `Status {code = 2 (1 = OK), msg = 3}`; the JSON APIs (bot API,
    /// qiniu-token, the JSON `/v1/msg/*` calls) answer `{code: 1, msg, data}`.
    fn lookups(&self) -> Option<crate::profile::Lookups> {
        Some(profiles::LOOKUPS)
    }
    fn describe(&self, subjects: &[crate::profile::Subject]) -> Result<Call, ComposeError> {
        profiles::describe(subjects)
    }
    fn outcome(&self, path: &str, body: &[u8]) -> crate::outcome::Outcome {
        use crate::outcome::{Outcome, json};
        if self.endpoint_schemas(path).is_some() && body.first().is_none_or(|byte| *byte != b'{') {
            return match StatusResponse::decode(body) {
                Ok(StatusResponse {
                    status: Some(status),
                }) if status.code == 1 => Outcome::ok(),
                Ok(StatusResponse {
                    status: Some(status),
                }) => Outcome::failed(
                    Some(status.code.to_string()),
                    if status.msg.is_empty() {
                        "the platform refused the call".to_owned()
                    } else {
                        status.msg
                    },
                ),
                _ => Outcome::failed(None, "the answer has no Status"),
            };
        }
        let Some(value) = json(body) else {
            return crate::outcome::not_json(body);
        };
        let data = &value["data"];
        Outcome::of_code(&value, "1", "msg").with_ids([
            ("msgId", &data["messageInfo"]["msgId"]),
            ("imageKey", &data["imageKey"]),
            ("fileKey", &data["fileKey"]),
            ("videoKey", &data["videoKey"]),
            ("token", &data["token"]),
        ])
    }
    fn listing(&self, path: &str) -> Option<crate::codec::Listing> {
        // `list-message*` answers list one chat's messages without naming it.
        let (_, schema) = self
            .endpoint_schemas(path)
            .filter(|(_, schema)| *schema == endpoints::LIST_MESSAGE_RESPONSE)?;
        // `list-message-by-seq` pages forward from a seq: the server's gap fill after a
        // reconnect. The others page back: history.
        let catch_up = endpoints::LIST_MESSAGE_BY_SEQ.ends(path.split('?').next().unwrap_or(path));
        Some(crate::codec::Listing {
            schema: Some(schema),
            page_of_conversation: (!catch_up).then_some(crate::request::EARLIER_PAGE as usize),
            cursor: None,
            catch_up,
            // As the app shows them: the newest first.
            newest_first: true,
        })
    }
    /// A text message: the user API (protobuf `send-message`) for user and group chats; the bot API
    /// (`bot/send`) for a conversation that came through the bot.
    fn send_text(
        &self,
        target: &Target,
        text: &str,
        quote: Option<&str>,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        send_written(target, text, quote, fresh_id, Written::Text)
    }
    /// Markdown: content type 3 on the user API, `markdown` on the bot's.
    fn send_markdown(
        &self,
        target: &Target,
        markdown: &str,
        quote: Option<&str>,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        send_written(target, markdown, quote, fresh_id, Written::Markdown)
    }
    /// An image: user API `send-message` with content_type 2 and the key in field 9 (`image`, as
    /// the seed and a real client send it); through the bot, `bot/send` with `imageKey`.
    fn send_image(
        &self,
        target: &Target,
        image: &Attachment,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::Call;
        if target.kind == Some(ConversationKind::Bot) {
            let recv_id = target
                .peer_id
                .clone()
                .unwrap_or_else(|| target.conversation_id.clone());
            let body = serde_json::json!({
                "recvId": recv_id, "recvType": "user", "contentType": "image", "content": { "imageKey": image.id }
            });
            return Ok(Call::json(endpoints::BOT_SEND.path, &body, None));
        }
        let request = SendMessageRequest {
            msg_id: fresh_id.replace('-', ""),
            chat_id: target.conversation_id.clone(),
            chat_type: chat_type_of(target.kind),
            content: Some(MsgContent {
                image: image.id.clone(),
                width: image.width.map_or(0, u64::from),
                height: image.height.map_or(0, u64::from),
                file_size: image.size,
                ..MsgContent::default()
            }),
            content_type: content_type::IMAGE,
            ..SendMessageRequest::default()
        };
        Ok(Call::protobuf(
            endpoints::SEND_MESSAGE.path,
            request.encode_to_vec(),
            Some(request.msg_id),
        ))
    }
    /// A file: user API `send-message` with content_type 4, the Qiniu key as `file_url` and the
    /// upload described in `media`; through the bot, `bot/send` with `fileKey`.
    fn send_file(
        &self,
        target: &Target,
        file: &Attachment,
        fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::Call;
        if target.kind == Some(ConversationKind::Bot) {
            let recv_id = target
                .peer_id
                .clone()
                .unwrap_or_else(|| target.conversation_id.clone());
            let body = serde_json::json!({
                "recvId": recv_id, "recvType": "user", "contentType": "file", "content": { "fileKey": file.id }
            });
            return Ok(Call::json(endpoints::BOT_SEND.path, &body, None));
        }
        let suffix = file
            .name
            .rsplit_once('.')
            .map(|(_, suffix)| suffix.to_owned())
            .unwrap_or_default();
        let request = SendMessageRequest {
            msg_id: fresh_id.replace('-', ""),
            chat_id: target.conversation_id.clone(),
            chat_type: chat_type_of(target.kind),
            content: Some(MsgContent {
                file_name: file.name.clone(),
                file_url: file.id.clone(),
                file_size: file.size,
                ..MsgContent::default()
            }),
            content_type: content_type::FILE,
            media: Some(Media {
                file_key: file.id.clone(),
                file_type: file.mime_type.clone(),
                file_size: file.size,
                file_suffix: suffix,
                ..Media::default()
            }),
            ..SendMessageRequest::default()
        };
        Ok(Call::protobuf(
            endpoints::SEND_MESSAGE.path,
            request.encode_to_vec(),
            Some(request.msg_id),
        ))
    }
    /// `list-message`: up to [`EARLIER_PAGE`](crate::request::EARLIER_PAGE) messages before
    /// `before` in a user or group chat.
    /// The user API lists user and group chats; the bot API has no history.
    fn serves_earlier_pages(&self, kind: Option<ConversationKind>) -> bool {
        kind != Some(ConversationKind::Bot)
    }
    fn earlier_messages(
        &self,
        target: &Target,
        before: Option<&str>,
    ) -> Result<Call, ComposeError> {
        if !self.serves_earlier_pages(target.kind) {
            return Err(crate::request::ComposeError::Unsupported(
                "history through the bot API",
            ));
        }
        let request = ListMessageRequest {
            msg_count: crate::request::EARLIER_PAGE,
            msg_id: before.unwrap_or_default().to_owned(),
            chat_type: chat_type_of(target.kind),
            chat_id: target.conversation_id.clone(),
        };
        Ok(crate::request::Call::protobuf(
            endpoints::LIST_MESSAGE.path,
            request.encode_to_vec(),
            None,
        ))
    }
    /// `edit-message` (the send shape, with the message's own id) for user-API messages; `bot/edit`
    /// for the bot's.
    fn edit(
        &self,
        target: &Target,
        message_id: &str,
        platform_ids: &BTreeMap<String, String>,
        text: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::Call;
        if let Some(bot_msg_id) = platform_ids.get("msgId") {
            let recv_id = target
                .peer_id
                .clone()
                .unwrap_or_else(|| target.conversation_id.clone());
            let body = serde_json::json!({
                "msgId": bot_msg_id, "recvId": recv_id, "recvType": "user", "contentType": "text", "content": { "text": text }
            });
            return Ok(Call::json(endpoints::BOT_EDIT.path, &body, None));
        }
        let request = SendMessageRequest {
            msg_id: message_id.to_owned(),
            chat_id: target.conversation_id.clone(),
            chat_type: chat_type_of(target.kind),
            content: Some(MsgContent {
                text: text.to_owned(),
                ..MsgContent::default()
            }),
            content_type: content_type::TEXT,
            ..SendMessageRequest::default()
        };
        Ok(Call::protobuf(
            endpoints::EDIT_MESSAGE.path,
            request.encode_to_vec(),
            None,
        ))
    }
    /// `recall-msg` (protobuf) for our user-API messages; `bot/recall` for the bot's.
    fn recall(
        &self,
        target: &Target,
        message_id: &str,
        platform_ids: &BTreeMap<String, String>,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::Call;
        if let Some(bot_msg_id) = platform_ids.get("msgId") {
            let chat_id = target
                .peer_id
                .clone()
                .unwrap_or_else(|| target.conversation_id.clone());
            let body =
                serde_json::json!({ "msgId": bot_msg_id, "chatId": chat_id, "chatType": "user" });
            return Ok(Call::json(endpoints::BOT_RECALL.path, &body, None));
        }
        let request = RecallMsgRequest {
            msg_id: vec![message_id.to_owned()],
            chat_id: target.conversation_id.clone(),
            chat_type: chat_type_of(target.kind),
        };
        Ok(Call::protobuf(
            endpoints::RECALL_MSG.path,
            request.encode_to_vec(),
            None,
        ))
    }

    fn carried_schema(
        &self,
        schema: &str,
        message: crate::protobuf::raw::Message<'_>,
        bytes: &[u8],
    ) -> Option<&'static str> {
        (schema == WsWrapper::SCHEMA)
            .then(|| wrapper_cmd(message, bytes))
            .flatten()
            .and_then(push_payload_schema)
    }

    fn customer_message(&self, message: &CustomerMessage) -> serde_json::Value {
        customer::message(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_read_a_message_at_a_time_and_fails_whole_as_it_decodes() {
        let msg = |id: &str| Msg {
            msg_id: id.into(),
            ..Default::default()
        };
        let list = ListMessageResponse {
            msg: vec![
                msg("a"),
                Msg {
                    msg_delete_time: 9,
                    ..msg("b")
                },
            ],
            total: 2,
            ..Default::default()
        };
        let events = list_events(&list.encode_to_vec());
        let read: Vec<(EventType, Option<&str>, Option<&str>)> = events
            .iter()
            .map(|event| {
                (
                    event.kind,
                    event.message_id.as_deref(),
                    event.target_message_id.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (EventType::Message, Some("a"), None),
                (EventType::Message, Some("b"), None),
                (EventType::Recall, None, Some("b")),
            ]
        );
        // A message that does not decode fails the page, as it fails the whole response.
        let mut bytes = list.encode_to_vec();
        bytes.extend_from_slice(&[0x12, 0x02, 0x08, 0x80]);
        assert!(ListMessageResponse::decode(bytes.as_slice()).is_err());
        assert!(list_events(&bytes).is_empty());
    }
}
