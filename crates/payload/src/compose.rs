//! Requests the desk sends, encoded in each platform's own wire format (the platform modules
//! hold the rules; this is the one entry point). Pure: the caller supplies fresh ids.

use std::collections::BTreeMap;

use crate::event::{ConversationKind, Platform};

/// Where a message goes, as the desk knows it from the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    pub conversation_id: String,
    pub kind: Option<ConversationKind>,
    /// The customer's id on the platform (Douyin open_id, Mixin user_id, WeCom user id…).
    pub peer_id: Option<String>,
    /// The customer's latest message id (Douyin answers a message, within 24 h).
    pub reply_to: Option<String>,
}

/// One upstream call: what goes to `/api/proxy/{platform}{path}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: &'static str,
    pub path: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// The id the message will have, when the client chooses it (Yunhu, Mixin).
    pub message_id: Option<String>,
}

impl Call {
    /// A protobuf POST (Yunhu's user API).
    pub fn protobuf(path: impl Into<String>, body: Vec<u8>, message_id: Option<String>) -> Call {
        Call {
            method: "POST",
            path: path.into(),
            content_type: "application/x-protobuf",
            body,
            message_id,
        }
    }

    pub fn json(
        path: impl Into<String>,
        value: &serde_json::Value,
        message_id: Option<String>,
    ) -> Call {
        Call {
            method: "POST",
            path: path.into(),
            content_type: "application/json",
            body: serde_json::to_vec(value).expect("JSON values serialize"),
            message_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeError {
    /// The platform has no such action.
    Unsupported(&'static str),
    /// The conversation lacks something the platform needs.
    Missing(&'static str),
}

impl std::fmt::Display for ComposeError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ComposeError::Unsupported(what) => write!(formatter, "not supported: {what}"),
            ComposeError::Missing(what) => write!(formatter, "missing: {what}"),
        }
    }
}

/// A text message; `fresh_id` is a new UUID (used where the client names the message).
pub fn send_text(
    platform: Platform,
    target: &Target,
    text: &str,
    quote: Option<&str>,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    match platform {
        Platform::Yunhu => crate::platforms::yunhu::send_text(target, text, quote, fresh_id),
        Platform::Douyin => crate::platforms::douyin::send_text(target, text),
        Platform::Wecom => crate::platforms::wecom::send_text(target, text),
        Platform::Mixin => crate::platforms::mixin::send_text(target, text, quote, fresh_id),
        Platform::Wechat => crate::platforms::wechat::send_text(target, text),
    }
}

/// A Markdown message (rendered by the customer's app): Yunhu content type 3 (bot API
/// `markdown`), Mixin `PLAIN_POST`.
pub fn send_markdown(
    platform: Platform,
    target: &Target,
    markdown: &str,
    quote: Option<&str>,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    match platform {
        Platform::Yunhu => {
            crate::platforms::yunhu::send_markdown(target, markdown, quote, fresh_id)
        }
        Platform::Mixin => crate::platforms::mixin::send_post(target, markdown, quote, fresh_id),
        _ => Err(ComposeError::Unsupported("Markdown messages")),
    }
}

/// An uploaded image or file, as `/api/upload` answered for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attachment {
    /// The platform's key or id (Yunhu Qiniu key / bot imageKey / fileKey, Douyin image_id,
    /// Mixin attachment_id, the wkteam file id).
    pub id: String,
    /// Where it can be fetched (E云 sends by URL only: the file our server hosts).
    pub url: Option<String>,
    pub mime_type: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub size: u64,
    pub name: String,
}

/// An image message carrying an uploaded image.
pub fn send_image(
    platform: Platform,
    target: &Target,
    image: &Attachment,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    match platform {
        Platform::Yunhu => crate::platforms::yunhu::send_image(target, image, fresh_id),
        Platform::Douyin => crate::platforms::douyin::send_image(target, image),
        Platform::Wecom => crate::platforms::wecom::send_image(target, image),
        Platform::Mixin => crate::platforms::mixin::send_image(target, image, fresh_id),
        Platform::Wechat => crate::platforms::wechat::send_image(target, image),
    }
}

/// A file message carrying an uploaded file (Douyin's API sends no files).
pub fn send_file(
    platform: Platform,
    target: &Target,
    file: &Attachment,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    match platform {
        Platform::Yunhu => crate::platforms::yunhu::send_file(target, file, fresh_id),
        Platform::Douyin => Err(ComposeError::Unsupported("sending files on Douyin")),
        Platform::Wecom => crate::platforms::wecom::send_file(target, file),
        Platform::Mixin => crate::platforms::mixin::send_file(target, file, fresh_id),
        Platform::Wechat => crate::platforms::wechat::send_file(target, file),
    }
}

/// How many messages one "load earlier" asks for.
pub const EARLIER_PAGE: u64 = 30;

/// The page of a conversation's history before `before` (a message id; `None` = the newest):
/// Yunhu's user API (`list-message`). The bot API keeps no history; other platforms offer none.
pub fn earlier_messages(
    platform: Platform,
    target: &Target,
    before: Option<&str>,
) -> Result<Call, ComposeError> {
    match platform {
        Platform::Yunhu => crate::platforms::yunhu::earlier_messages(target, before),
        _ => Err(ComposeError::Unsupported("loading earlier messages")),
    }
}

/// The next page of the account's messages after `cursor` (E云 `syncFinder` and its `keyBuff`;
/// `None` starts from the beginning).
pub fn sync(platform: Platform, cursor: Option<&str>) -> Result<Call, ComposeError> {
    match platform {
        Platform::Wechat => Ok(crate::platforms::wechat::sync_finder(cursor)),
        _ => Err(ComposeError::Unsupported("pulling messages")),
    }
}

/// Replaces the text of one of our messages (Yunhu only).
pub fn edit(
    platform: Platform,
    target: &Target,
    message_id: &str,
    platform_ids: &BTreeMap<String, String>,
    text: &str,
) -> Result<Call, ComposeError> {
    match platform {
        Platform::Yunhu => crate::platforms::yunhu::edit(target, message_id, platform_ids, text),
        _ => Err(ComposeError::Unsupported("editing a sent message")),
    }
}

/// Read receipts for the customer's messages (Mixin only; at most 100 per call).
pub fn read_receipts(platform: Platform, message_ids: &[String]) -> Result<Call, ComposeError> {
    match platform {
        Platform::Mixin => crate::platforms::mixin::acknowledge(message_ids),
        _ => Err(ComposeError::Unsupported("read receipts")),
    }
}

/// Recalls one of our messages: its id, and the ids the platform's answer gave it.
pub fn recall(
    platform: Platform,
    target: &Target,
    message_id: &str,
    platform_ids: &BTreeMap<String, String>,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    match platform {
        Platform::Yunhu => crate::platforms::yunhu::recall(target, message_id, platform_ids),
        Platform::Douyin => crate::platforms::douyin::recall(target, platform_ids),
        Platform::Wecom => crate::platforms::wecom::recall(target, platform_ids),
        Platform::Mixin => crate::platforms::mixin::recall(target, message_id, fresh_id),
        Platform::Wechat => crate::platforms::wechat::recall(target, platform_ids),
    }
}
