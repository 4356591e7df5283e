//! One module per platform: each recognizes its payloads by shape, reads its answers and writes
//! its requests, behind [`Codec`]. [`of`] is the only place that maps a [`Platform`] to its module.

pub mod douyin;
pub mod fields;
pub mod mixin;
pub mod wechat;
pub mod wecom;
pub mod yunhu;

use crate::codec::Codec;
use crate::event::{Event, Platform};
use crate::text::literal::Literal;

/// The payload core's rules for `platform`.
pub fn of(platform: Platform) -> &'static dyn Codec {
    match platform {
        Platform::Yunhu => &yunhu::Yunhu,
        Platform::Douyin => &douyin::Douyin,
        Platform::Wecom => &wecom::Wecom,
        Platform::Mixin => &mixin::Mixin,
        Platform::Wechat => &wechat::Wechat,
    }
}

/// The schema of the payload a protobuf message of `schema` carries inside it, asked of the
/// platform that owns the schema ([`Codec::carried_schema`]).
pub fn carried_schema(
    schema: &str,
    message: crate::protobuf::raw::Message<'_>,
    bytes: &[u8],
) -> Option<&'static str> {
    platform_of_schema(schema)
        .and_then(|platform| of(platform).carried_schema(schema, message, bytes))
}

/// The order shapes are tried in: the first platform whose shape fits wins, and the more
/// specific shapes come first.
const RECOGNITION_ORDER: [Platform; 5] = [
    Platform::Douyin,
    Platform::Wecom,
    Platform::Mixin,
    Platform::Wechat,
    Platform::Yunhu,
];

/// A JSON or Node-dump payload recognized as one of a platform's shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognized {
    pub platform: Platform,
    /// Our name for the shape, e.g. `douyin.webhook.im_receive_msg`.
    pub schema: String,
    pub events: Vec<Event>,
}

/// Tries every platform (or only `hint`) in turn; the first whose shape fits wins.
pub fn recognize_literal(value: &Literal, hint: Option<Platform>) -> Option<Recognized> {
    RECOGNITION_ORDER
        .into_iter()
        .filter(|platform| hint.is_none_or(|hint| hint == *platform))
        .find_map(|platform| {
            of(platform)
                .recognize_literal(value)
                .map(|(schema, events)| Recognized {
                    platform,
                    schema,
                    events,
                })
        })
}

/// The platform whose protobuf schema `schema` (`package.Message`) is.
pub fn platform_of_schema(schema: &str) -> Option<Platform> {
    Platform::ALL
        .into_iter()
        .find(|platform| of(*platform).owns_schema(schema))
}
