//! The one entry point: bytes in, everything the inspector and the desk need out.

use std::sync::Arc;

use serde::Serialize;

use crate::event::{Event, Platform};
use crate::framing::Frame;
use crate::platforms;
use crate::protobuf::raw::RawMessage;
use crate::protobuf::recognize::{self, SchemaMatch};
use crate::protobuf::schema::Schemas;
use crate::tree::{
    Builder, ExpansionBudget, Interpretation, Nested, Node, NodeKind, ReadingChoices, leaf,
};
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
    /// Ours and the user's imported schemas ([`Schemas::with_imported`]); ours alone if unset.
    pub schemas: Option<Arc<Schemas>>,
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
    let budget = ExpansionBudget::default();
    let mut inspection = inspect_within(input, options, &budget, None);
    inspection.unexpanded = budget.skipped();
    inspection
}

/// One inspection, of the whole input or (`frame`: its index) of one frame of a stream, whose
/// paths then start at `/#index` and which is never a stream itself.
fn inspect_within(
    input: &[u8],
    options: &Options,
    budget: &ExpansionBudget,
    frame: Option<usize>,
) -> Inspection {
    let schemas: &Schemas = match &options.schemas {
        Some(schemas) => schemas,
        None => Schemas::builtin(),
    };
    // Events alone, of a message named in advance (how the desk reads its log): the platform's
    // reader decodes it, so the schema-less pass that finds out what it is need only check its
    // structure, not read its values (most of the time for a 1 MB history page).
    let named = options.skip_tree
        && options
            .schema
            .as_deref()
            .is_some_and(|name| schemas.message(name).is_some());
    let limits = if named {
        Limits {
            max_depth: 1,
            shallow: true,
            ..options.limits
        }
    } else {
        options.limits
    };
    let unwrapped = unwrap::unwrap_detecting(input, options.format, limits, frame.is_none());
    if let Some(Body::Frames(frames)) = &unwrapped.body {
        return inspect_frames(&unwrapped, frames, options, budget);
    }
    let (platform, schema, events) = recognize(&unwrapped, options, schemas);
    let root = frame.map_or_else(String::new, frame_path);
    let tree = if options.skip_tree {
        leaf(String::new(), root, NodeKind::Bytes, None)
    } else {
        build_tree(&unwrapped, options, schemas, schema.as_ref(), budget, root)
    };
    Inspection {
        platform,
        schema,
        chain: unwrapped.chain,
        events,
        tree,
        error: unwrapped.error,
        bytes: unwrapped.bytes,
        unexpanded: 0,
    }
}

fn frame_path(index: usize) -> String {
    format!("/#{index}")
}

/// A stream: each frame decoded on its own (schema, events, tree), under one node per frame.
fn inspect_frames(
    unwrapped: &unwrap::Unwrapped,
    frames: &[Frame],
    options: &Options,
    budget: &ExpansionBudget,
) -> Inspection {
    // Each frame's format is detected; its size limit is what the budget admits.
    let mut frame_options = Options {
        format: None,
        ..options.clone()
    };
    let mut root = leaf(String::new(), String::new(), NodeKind::Array, None);
    root.range = Some([0, unwrapped.bytes.len()]);
    let (mut platform, mut schema, mut events) = (None, None, Vec::new());
    for (index, frame) in frames.iter().enumerate() {
        let content = &unwrapped.bytes[frame.content.clone()];
        let mut node = leaf(
            format!("#{}", index + 1),
            frame_path(index + 1),
            NodeKind::Frame,
            None,
        );
        node.range = Some([frame.range.start, frame.range.end]);
        node.tag_range =
            (!frame.header.is_empty()).then_some([frame.header.start, frame.header.end]);
        // Frames are expansions of the stream: what they read and inflate comes out of the
        // inspection's one budget, as nested payloads' does.
        let Some(layer_limit) = budget.admit(content.len(), options.limits.max_size) else {
            // Left undecoded (counted in `unexpanded`): its bytes are still there to see.
            root.children.push(node);
            continue;
        };
        frame_options.limits.max_size = layer_limit;
        let inner = inspect_within(content, &frame_options, budget, Some(index + 1));
        budget.charge(
            &inner.chain,
            inner.bytes.len(),
            inner.error.is_some(),
            layer_limit,
            options.limits.max_size,
        );
        platform = platform.or(inner.platform);
        events.extend(inner.events);
        node.type_name = inner.schema.as_ref().map(|matched| matched.name.clone());
        if let Some(flags) = frame.flags {
            node.interpretations.push(Interpretation {
                name: "flags",
                value: frame_flags(flags),
            });
        }
        if let Some(error) = &inner.error {
            node.interpretations.push(Interpretation {
                name: "error",
                value: error.to_string(),
            });
        }
        schema = schema.or(inner.schema);
        let mut tree = inner.tree;
        let inflated = inner.chain.iter().any(|format| format.is_encoding());
        if inflated {
            node.nested = Some(Box::new(Nested {
                chain: inner.chain,
                schema: node.type_name.clone(),
                tree,
            }));
        } else if !options.skip_tree {
            shift_ranges(&mut tree, frame.content.start);
            node.value = tree.value.take();
            node.nested = tree.nested.take();
            node.children = tree.children;
        }
        root.children.push(node);
    }
    Inspection {
        platform,
        schema,
        chain: unwrapped.chain.clone(),
        events,
        tree: root,
        error: None,
        bytes: unwrapped.bytes.clone(),
        unexpanded: 0,
    }
}

/// A gRPC / Connect flag byte in words.
fn frame_flags(flags: u8) -> String {
    let mut words = Vec::new();
    if flags & 1 != 0 {
        words.push("compressed");
    }
    if flags & 2 != 0 {
        words.push("end of stream");
    }
    if words.is_empty() {
        words.push("uncompressed");
    }
    format!("0x{flags:02x} ({})", words.join(", "))
}

/// Moves a frame's tree from its content's offsets to the stream's. A nested payload keeps its
/// own bytes' offsets.
fn shift_ranges(node: &mut Node, by: usize) {
    for range in [&mut node.range, &mut node.tag_range].into_iter().flatten() {
        range[0] += by;
        range[1] += by;
    }
    for child in &mut node.children {
        shift_ranges(child, by);
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
        Some(Body::Xml(_) | Body::Text(_) | Body::Frames(_)) | None => (None, None, Vec::new()),
    }
}

/// The decoded tree the inspector shows.
fn build_tree(
    unwrapped: &unwrap::Unwrapped,
    options: &Options,
    schemas: &Schemas,
    schema: Option<&SchemaMatch>,
    budget: &ExpansionBudget,
    root: String,
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
            builder.literal(String::new(), root, literal)
        }
        Some(Body::Xml(text)) => builder.xml(String::new(), root, text),
        Some(Body::Protobuf(message)) => builder.message(
            String::new(),
            root,
            message.root(),
            schema.map(|m| m.name.as_str()),
        ),
        Some(Body::Text(text)) => {
            let mut node = leaf(String::new(), root, NodeKind::Text, Some(text.clone()));
            node.range = whole;
            node.nested = builder.nested(text);
            node
        }
        // Nothing decoded: the bytes as they are. (A stream is inspected frame by frame.)
        Some(Body::Frames(_)) | None => {
            let mut node = leaf(String::new(), root, NodeKind::Bytes, None);
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
