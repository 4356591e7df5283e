//! One module per platform: recognizes its payloads by shape and turns them into events.

pub mod douyin;
pub mod mixin;
pub mod wechat;
pub mod wecom;
pub mod yunhu;

use crate::event::{Event, Platform};
use crate::text::literal::Literal;

/// A JSON or Node-dump payload recognized as one of a platform's shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognized {
    pub platform: Platform,
    /// Our name for the shape, e.g. `douyin.webhook.im_receive_msg`.
    pub schema: String,
    pub events: Vec<Event>,
}

/// A platform's recognizer: the shape's name and its events, when the value is one of its shapes.
type Recognizer = fn(&Literal) -> Option<(String, Vec<Event>)>;

/// Tries every platform (or only `hint`) in turn; the first whose shape fits wins.
pub fn recognize_literal(value: &Literal, hint: Option<Platform>) -> Option<Recognized> {
    let recognizers: [(Platform, Recognizer); 5] = [
        (Platform::Douyin, douyin::recognize_literal),
        (Platform::Wecom, wecom::recognize_literal),
        (Platform::Mixin, mixin::recognize_literal),
        (Platform::Wechat, wechat::recognize_literal),
        (Platform::Yunhu, yunhu::recognize_literal),
    ];
    recognizers
        .into_iter()
        .filter(|(platform, _)| hint.is_none_or(|hint| hint == *platform))
        .find_map(|(platform, recognize)| {
            recognize(value).map(|(schema, events)| Recognized {
                platform,
                schema,
                events,
            })
        })
}

/// Parses JSON text nested in a string field (Douyin `content`, WeCom `text`...).
pub(crate) fn nested_json(text: &str) -> Option<Literal> {
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    crate::text::literal::parse(text, crate::text::literal::Dialect::Json).ok()
}

/// Member `key` as an id string (string or exact number), `None` when absent or empty.
pub(crate) fn id(value: &Literal, key: &str) -> Option<String> {
    value.get(key).and_then(Literal::as_id)
}

pub(crate) fn string(value: &Literal, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Literal::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

pub(crate) fn has_keys(value: &Literal, keys: &[&str]) -> bool {
    keys.iter().all(|key| value.get(key).is_some())
}
