//! A request the desk sends, as data: where it goes ([`Target`]), what goes ([`Call`],
//! [`Attachment`]) and why it cannot be made ([`ComposeError`]). The platform modules build them;
//! [`crate::compose`] is the entry point.

use crate::event::ConversationKind;

/// Where a message goes, as the desk knows it from the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    pub conversation_id: String,
    pub kind: Option<ConversationKind>,
    /// The customer's id on the platform (Douyin open_id, Mixin user_id, WeCom user id…).
    pub peer_id: Option<String>,
    /// The customer's latest message id (Douyin answers a message, within 24 h).
    pub reply_to: Option<String>,
    /// Our own identity in the conversation, where the platform wants it named and it differs
    /// per conversation (a 视频号 session: our `@finder` profile).
    pub own_id: Option<String>,
}

impl Target {
    /// A conversation of `kind`, with the customer's id where the platform needs it and the
    /// message a reply answers where it must answer one.
    pub fn new(
        conversation_id: &str,
        kind: ConversationKind,
        peer_id: Option<&str>,
        reply_to: Option<&str>,
    ) -> Target {
        Target {
            conversation_id: conversation_id.to_owned(),
            kind: Some(kind),
            peer_id: peer_id.map(str::to_owned),
            reply_to: reply_to.map(str::to_owned),
            own_id: None,
        }
    }
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

impl std::error::Error for ComposeError {}

impl std::fmt::Display for ComposeError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ComposeError::Unsupported(what) => write!(formatter, "not supported: {what}"),
            ComposeError::Missing(what) => write!(formatter, "missing: {what}"),
        }
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

/// How many messages one "load earlier" asks for.
pub const EARLIER_PAGE: u64 = 30;

/// A UUID's text from 16 bytes, with its version (4 random, 3 name-based) and the RFC 4122
/// variant set: what the desk names a new message with, and how Mixin names a conversation.
pub fn uuid_text(mut bytes: [u8; 16], version: u8) -> String {
    bytes[6] = (bytes[6] & 0x0f) | (version << 4);
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
