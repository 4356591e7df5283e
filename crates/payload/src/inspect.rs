//! The one entry point: bytes in, everything the inspector and the desk need out.

use serde::Serialize;

use crate::event::{Event, Platform};
use crate::platforms::{self, douyin, yunhu};
use crate::protobuf::raw::RawMessage;
use crate::protobuf::recognize::{self, SchemaMatch};
use crate::protobuf::schema::Schemas;
use crate::tree::{Builder, Node, NodeKind, ReadingChoices, leaf};
use crate::unwrap::{self, Body, Format, Limits, UnwrapError};

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Force the outermost format instead of detecting it.
    pub format: Option<Format>,
    /// Only consider this platform's shapes.
    pub platform: Option<Platform>,
    /// Decode a protobuf payload as this message (full name, e.g. `yunhu.PushMessage`).
    pub schema: Option<String>,
    pub choices: ReadingChoices,
    pub limits: Limits,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub platform: Option<Platform>,
    /// The recognized message or shape, with a confidence (1.0 for a forced or JSON shape).
    pub schema: Option<SchemaMatch>,
    pub chain: Vec<Format>,
    pub events: Vec<Event>,
    pub tree: Node,
    /// What could not be decoded, and where; the tree holds everything before it.
    #[serde(skip_serializing)]
    pub error: Option<UnwrapError>,
    /// The bytes the tree's ranges refer to (the innermost layer).
    #[serde(skip_serializing)]
    pub bytes: Vec<u8>,
}

impl Inspection {
    /// `{"platform", "schema", "chain", "events", "tree"}`: what `switchboard inspect --json`
    /// prints and the inspector's "Copy JSON" copies.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

pub fn inspect(input: &[u8], options: &Options) -> Inspection {
    let schemas = Schemas::builtin();
    let unwrapped = unwrap::unwrap(input, options.format, options.limits);
    let builder = Builder {
        bytes: &unwrapped.bytes,
        schemas,
        choices: &options.choices,
        limits: options.limits,
        nesting: 0,
    };
    let mut platform = None;
    let mut schema = None;
    let mut events = Vec::new();
    let tree = match &unwrapped.body {
        Some(Body::Literal(literal)) => {
            if let Some(recognized) = platforms::recognize_literal(literal, options.platform) {
                platform = Some(recognized.platform);
                schema = Some(SchemaMatch {
                    name: recognized.schema,
                    confidence: 1.0,
                });
                events = recognized.events;
            }
            builder.literal(String::new(), String::new(), literal)
        }
        Some(Body::TextProto(literal)) => {
            schema = match &options.schema {
                Some(forced) => schemas.message(forced).map(|_| SchemaMatch {
                    name: forced.clone(),
                    confidence: 1.0,
                }),
                None => crate::protobuf::textproto::recognize(literal, schemas).filter(|m| {
                    options
                        .platform
                        .is_none_or(|p| platform_of_schema(&m.name) == Some(p))
                }),
            };
            if let Some(matched) = &schema {
                platform = platform_of_schema(&matched.name);
                let bytes = crate::protobuf::textproto::encode(literal, &matched.name, schemas);
                events = proto_events(&matched.name, &bytes);
            }
            builder.literal(String::new(), String::new(), literal)
        }
        Some(Body::Xml(text)) => builder.xml(String::new(), String::new(), text),
        Some(Body::Protobuf(message)) => {
            schema = choose_schema(message, options, schemas);
            if let Some(matched) = &schema {
                platform = platform_of_schema(&matched.name);
                if unwrapped.error.is_none() {
                    events = proto_events(&matched.name, &unwrapped.bytes);
                }
            }
            builder.message(
                String::new(),
                String::new(),
                message,
                schema.as_ref().map(|m| m.name.as_str()),
            )
        }
        Some(Body::Text(text)) => {
            let mut node = leaf(
                String::new(),
                String::new(),
                NodeKind::Text,
                Some(text.clone()),
            );
            node.range = Some([0, unwrapped.bytes.len()]);
            node.nested = builder.nested(text);
            node
        }
        // Nothing decoded: the bytes as they are.
        None => {
            let mut node = leaf(String::new(), String::new(), NodeKind::Bytes, None);
            node.range = Some([0, unwrapped.bytes.len()]);
            node
        }
    };
    Inspection {
        platform,
        schema,
        chain: unwrapped.chain,
        events,
        tree,
        error: unwrapped.error,
        bytes: unwrapped.bytes,
    }
}

fn choose_schema(
    message: &RawMessage,
    options: &Options,
    schemas: &Schemas,
) -> Option<SchemaMatch> {
    if let Some(forced) = &options.schema {
        return schemas.message(forced).map(|_| SchemaMatch {
            name: forced.clone(),
            confidence: 1.0,
        });
    }
    let mut ranked = recognize::rank(message, schemas);
    if let Some(platform) = options.platform {
        ranked.retain(|matched| platform_of_schema(&matched.name) == Some(platform));
    }
    ranked.into_iter().next()
}

pub fn platform_of_schema(name: &str) -> Option<Platform> {
    match name.split('.').next()? {
        "yunhu" => Some(Platform::Yunhu),
        "douyin_im" | "douyin" => Some(Platform::Douyin),
        "wecom" => Some(Platform::Wecom),
        "mixin" => Some(Platform::Mixin),
        "wechat" => Some(Platform::Wechat),
        _ => None,
    }
}

fn proto_events(schema: &str, bytes: &[u8]) -> Vec<Event> {
    match platform_of_schema(schema) {
        Some(Platform::Yunhu) => yunhu::proto_events(schema, bytes),
        Some(Platform::Douyin) => douyin::proto_events(schema, bytes),
        _ => Vec::new(),
    }
}
