//! The one entry point: bytes in, everything the inspector and the desk need out.

use serde::Serialize;

use crate::event::{Event, Platform};
use crate::platforms;
use crate::protobuf::raw::RawMessage;
use crate::protobuf::recognize::{self, SchemaMatch};
use crate::protobuf::schema::Schemas;
use crate::tree::{Builder, ExpansionBudget, Node, NodeKind, ReadingChoices, leaf};
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
    /// Events only (what the desk needs): skip building the inspector's tree.
    pub skip_tree: bool,
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
    /// Strings left unexpanded because nested payloads had spent the inspection's budget
    /// ([`crate::tree::EXPANSION_BYTES`]).
    #[serde(skip_serializing)]
    pub unexpanded: usize,
}

impl Inspection {
    /// What the tree leaves out, in words, when the expansion budget ran out.
    pub fn expansion_note(&self) -> Option<String> {
        (self.unexpanded > 0).then(|| {
            format!(
                "{} nested payload(s) not expanded: expanding the others used the {} MiB budget",
                self.unexpanded,
                crate::tree::EXPANSION_BYTES / (1024 * 1024)
            )
        })
    }
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
    let (platform, schema, events) = recognize(&unwrapped, options, schemas);
    let budget = ExpansionBudget::default();
    let tree = if options.skip_tree {
        leaf(String::new(), String::new(), NodeKind::Bytes, None)
    } else {
        build_tree(&unwrapped, options, schemas, schema.as_ref(), &budget)
    };
    Inspection {
        platform,
        schema,
        chain: unwrapped.chain,
        events,
        tree,
        error: unwrapped.error,
        bytes: unwrapped.bytes,
        unexpanded: budget.skipped(),
    }
}

/// Which platform and schema the payload is, and its events.
fn recognize(
    unwrapped: &unwrap::Unwrapped,
    options: &Options,
    schemas: &Schemas,
) -> (Option<Platform>, Option<SchemaMatch>, Vec<Event>) {
    let forced = || {
        options.schema.as_ref().and_then(|forced| {
            schemas.message(forced).map(|_| SchemaMatch {
                name: forced.clone(),
                confidence: 1.0,
            })
        })
    };
    match &unwrapped.body {
        Some(Body::Literal(literal)) => {
            match platforms::recognize_literal(literal, options.platform) {
                Some(recognized) => (
                    Some(recognized.platform),
                    Some(SchemaMatch {
                        name: recognized.schema,
                        confidence: 1.0,
                    }),
                    recognized.events,
                ),
                None => (None, None, Vec::new()),
            }
        }
        Some(Body::TextProto(literal)) => {
            let schema = forced().or_else(|| {
                crate::protobuf::textproto::recognize(literal, schemas).filter(|m| {
                    options
                        .platform
                        .is_none_or(|p| platforms::platform_of_schema(&m.name) == Some(p))
                })
            });
            let events = schema.as_ref().map_or_else(Vec::new, |matched| {
                let bytes = crate::protobuf::textproto::encode(literal, &matched.name, schemas);
                proto_events(&matched.name, &bytes)
            });
            (
                schema
                    .as_ref()
                    .and_then(|m| platforms::platform_of_schema(&m.name)),
                schema,
                events,
            )
        }
        Some(Body::Protobuf(message)) => {
            let schema =
                forced().or_else(|| choose_schema(message, &unwrapped.bytes, options, schemas));
            let events = match (&schema, &unwrapped.error) {
                (Some(matched), None) => proto_events(&matched.name, &unwrapped.bytes),
                _ => Vec::new(),
            };
            (
                schema
                    .as_ref()
                    .and_then(|m| platforms::platform_of_schema(&m.name)),
                schema,
                events,
            )
        }
        Some(Body::Xml(_) | Body::Text(_)) | None => (None, None, Vec::new()),
    }
}

/// The decoded tree the inspector shows.
fn build_tree(
    unwrapped: &unwrap::Unwrapped,
    options: &Options,
    schemas: &Schemas,
    schema: Option<&SchemaMatch>,
    budget: &ExpansionBudget,
) -> Node {
    let builder = Builder {
        bytes: &unwrapped.bytes,
        schemas,
        choices: &options.choices,
        limits: options.limits,
        nesting: 0,
        budget,
    };
    let whole = Some([0, unwrapped.bytes.len()]);
    match &unwrapped.body {
        Some(Body::Literal(literal) | Body::TextProto(literal)) => {
            builder.literal(String::new(), String::new(), literal)
        }
        Some(Body::Xml(text)) => builder.xml(String::new(), String::new(), text),
        Some(Body::Protobuf(message)) => builder.message(
            String::new(),
            String::new(),
            message.root(),
            schema.map(|m| m.name.as_str()),
        ),
        Some(Body::Text(text)) => {
            let mut node = leaf(
                String::new(),
                String::new(),
                NodeKind::Text,
                Some(text.clone()),
            );
            node.range = whole;
            node.nested = builder.nested(text);
            node
        }
        // Nothing decoded: the bytes as they are.
        None => {
            let mut node = leaf(String::new(), String::new(), NodeKind::Bytes, None);
            node.range = whole;
            node
        }
    }
}

fn choose_schema(
    message: &RawMessage,
    bytes: &[u8],
    options: &Options,
    schemas: &Schemas,
) -> Option<SchemaMatch> {
    let mut ranked = recognize::rank(message, bytes, schemas);
    if let Some(platform) = options.platform {
        ranked.retain(|matched| platforms::platform_of_schema(&matched.name) == Some(platform));
    }
    ranked.into_iter().next()
}

fn proto_events(schema: &str, bytes: &[u8]) -> Vec<Event> {
    platforms::platform_of_schema(schema)
        .map(|platform| platforms::of(platform).proto_events(schema, bytes))
        .unwrap_or_default()
}
