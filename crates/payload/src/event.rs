//! The normalized event model every platform module produces. The JSON names are a contract with
//! the app and `switchboard inspect --json`: absent values serialize as `null`, ids as strings.

use serde::{Deserialize, Serialize};

pub use switchboard_protocol::Platform;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Message,
    Recall,
    Edit,
    Read,
    Join,
    Leave,
    Topic,
    Logout,
    Enter,
    Upload,
    Command,
    System,
    /// The platform describes a person or a group (a profile answer, a join with a picture):
    /// [`Event::profile`].
    Profile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    Direct,
    Group,
    Bot,
    Channel,
    /// The private messages of a public profile's inbox (a 视频号 / WeChat Channels account's
    /// 私信): strangers write to the profile, and the profile answers in that session.
    ChannelsInbox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Text,
    Markdown,
    Html,
    Image,
    Video,
    Audio,
    File,
    Location,
    Contact,
    Card,
    Sticker,
    Post,
    Buttons,
    Form,
    System,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: EventType,
    pub platform: Platform,
    pub conversation_id: Option<String>,
    pub conversation_kind: Option<ConversationKind>,
    pub message_id: Option<String>,
    /// The message a recall, edit or read refers to.
    pub target_message_id: Option<String>,
    pub sender_id: Option<String>,
    /// Whom it was sent to, where the payload names them per message (a 视频号 session names
    /// both sides: our profile and the customer's).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub recipient_id: Option<String>,
    pub sender_name: Option<String>,
    /// The sender's picture, where the payload carries it (Douyin's `user_infos`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sender_avatar: Option<String>,
    /// What a profile event says.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub profile: Option<crate::profile::Profile>,
    /// Unix milliseconds.
    pub at_ms: Option<i64>,
    pub content: Option<Content>,
    /// True when we (the account the console acts for) sent it; null when the payload cannot tell.
    pub outgoing: Option<bool>,
    /// The message this one quotes or replies to.
    pub quote_message_id: Option<String>,
}

impl Event {
    /// A platform's description of a person or a group.
    pub fn profile(platform: Platform, profile: crate::profile::Profile) -> Event {
        let mut event = Event::new(EventType::Profile, platform);
        if profile.group {
            event.conversation_id = Some(profile.id.clone());
            event.conversation_kind = Some(ConversationKind::Group);
        } else {
            event.sender_id = Some(profile.id.clone());
            event.sender_name = profile.name.clone();
            event.sender_avatar = profile.avatar_url.clone();
        }
        event.profile = Some(profile);
        event
    }

    pub fn new(kind: EventType, platform: Platform) -> Event {
        Event {
            kind,
            platform,
            conversation_id: None,
            conversation_kind: None,
            message_id: None,
            target_message_id: None,
            sender_id: None,
            recipient_id: None,
            sender_name: None,
            sender_avatar: None,
            profile: None,
            at_ms: None,
            content: None,
            outgoing: None,
            quote_message_id: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Content {
    pub kind: Option<ContentKind>,
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    /// Platform key or id of uploaded media (Yunhu key, Douyin media id, Mixin attachment id...).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub width: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub height: Option<i64>,
    /// Bytes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mime_type: Option<String>,
    /// Milliseconds.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub duration_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lon: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub thumbnail_url: Option<String>,
    /// Buttons, as the platform sent them (JSON text).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub buttons: Option<String>,
}

impl Content {
    pub fn new(kind: ContentKind) -> Content {
        Content {
            kind: Some(kind),
            ..Content::default()
        }
    }

    pub fn text(kind: ContentKind, text: impl Into<String>) -> Content {
        Content {
            kind: Some(kind),
            text: Some(text.into()),
            ..Content::default()
        }
    }
}

/// Unix milliseconds from a timestamp in seconds, milliseconds or microseconds, told apart by
/// magnitude (seconds stay below 10^11 until the year 5138).
pub fn epoch_to_ms(value: i64) -> i64 {
    match value.unsigned_abs() {
        0..100_000_000_000 => value * 1000,
        100_000_000_000..100_000_000_000_000 => value,
        _ => value / 1000,
    }
}

/// Unix milliseconds from an RFC 3339 timestamp (`2022-08-19T03:06:17.363215481Z`).
pub fn rfc3339_to_ms(text: &str) -> Option<i64> {
    let parsed =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some((parsed.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_any_unit_become_milliseconds() {
        assert_eq!(epoch_to_ms(1_697_612_364), 1_697_612_364_000);
        assert_eq!(epoch_to_ms(1_696_326_147_346), 1_696_326_147_346);
        assert_eq!(epoch_to_ms(1_696_326_147_346_123), 1_696_326_147_346);
        assert_eq!(
            rfc3339_to_ms("2022-08-19T03:06:17.363215481Z"),
            Some(1_660_878_377_363)
        );
        assert_eq!(
            rfc3339_to_ms("2022-08-19T11:06:17+08:00"),
            Some(1_660_878_377_000)
        );
        assert_eq!(rfc3339_to_ms("yesterday"), None);
    }

    #[test]
    fn absent_fields_serialize_as_null() {
        let event = Event::new(EventType::Logout, Platform::Wecom);
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "logout");
        assert_eq!(json["platform"], "wecom");
        assert!(json["conversation_id"].is_null());
        assert!(json["at_ms"].is_null());
        assert!(json.as_object().unwrap().contains_key("target_message_id"));
    }
}
