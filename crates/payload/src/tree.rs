//! The decoded tree the inspector shows: one node type for JSON, Node dumps, XML and protobuf,
//! with byte ranges, exact scalar text, alternative readings, and payloads found inside strings.

use serde::Serialize;

use crate::protobuf::raw::{
    self, Field, Message, RawContent, RawField, Reading, packed_fixed32, packed_fixed64,
    packed_varints_at,
};
use crate::protobuf::schema::{FieldKind, FieldSchema, MessageSchema, Schemas};
use crate::protobuf::wire::WireType;
use crate::text::literal::{Literal, LiteralValue};
use crate::unwrap::{self, Format, Limits};

/// Payloads inside strings are decoded this many levels deep.
pub const MAX_NESTING: usize = 4;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Member name, array index, or field name (schema) / number.
    pub label: String,
    /// Stable address of the node, used to pick an alternative reading.
    pub path: String,
    pub kind: NodeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wire_type: Option<WireType>,
    /// The schema's type for this field (`string`, `yunhu.Sender`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The value exactly (64-bit integers as decimal text; bytes as hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Other ways to read a scalar: `signed`, `zigzag`, `bool`, `float`, `double`...
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretations: Vec<Interpretation>,
    /// Byte range of the value in this layer's bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[usize; 2]>,
    /// Byte range of a protobuf tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_range: Option<[usize; 2]>,
    /// For an ambiguous length-delimited field: every reading, best first, and the one shown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<usize>,
    /// A payload found inside this string, decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nested: Option<Box<Nested>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Object,
    Array,
    Message,
    Group,
    String,
    Number,
    Bool,
    Null,
    Varint,
    Fixed32,
    Fixed64,
    Bytes,
    Packed,
    Element,
    Attribute,
    Text,
    /// One frame of a stream: its content's decode as children, or nested when inflated.
    Frame,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interpretation {
    pub name: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nested {
    /// How it was found: the encodings peeled off the string.
    pub chain: Vec<Format>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub tree: Node,
}

/// Choices the user made: which reading to show at a path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadingChoices(pub Vec<(String, usize)>);

impl ReadingChoices {
    fn get(&self, path: &str) -> Option<usize> {
        self.0
            .iter()
            .rev()
            .find(|(candidate, _)| candidate == path)
            .map(|(_, index)| *index)
    }
}

pub struct Builder<'a> {
    pub bytes: &'a [u8],
    pub schemas: &'a Schemas,
    pub choices: &'a ReadingChoices,
    pub limits: Limits,
    /// How many string-nested levels deep this builder is.
    pub nesting: usize,
    /// What expanding nested payloads may still cost, shared by every level.
    pub budget: &'a ExpansionBudget,
}

/// Bytes all nested expansions of one inspection may read and produce together: a payload
/// of many small gzip bombs costs this much at most, whatever it holds.
pub const EXPANSION_BYTES: usize = 64 * 1024 * 1024;

/// The expansion budget of one inspection, and the strings left unexpanded once it was spent.
#[derive(Debug)]
pub struct ExpansionBudget {
    remaining: std::cell::Cell<usize>,
    skipped: std::cell::Cell<usize>,
}

impl Default for ExpansionBudget {
    fn default() -> Self {
        ExpansionBudget::new(EXPANSION_BYTES)
    }
}

impl ExpansionBudget {
    pub fn new(bytes: usize) -> ExpansionBudget {
        ExpansionBudget {
            remaining: std::cell::Cell::new(bytes),
            skipped: std::cell::Cell::new(0),
        }
    }

    /// Strings that were not expanded because the budget was spent.
    pub fn skipped(&self) -> usize {
        self.skipped.get()
    }

    /// The layer size an expansion of `input` bytes may reach, having paid for the input; `None`
    /// (and one more skipped) when not even the input fits.
    pub(crate) fn admit(&self, input: usize, layer_limit: usize) -> Option<usize> {
        let remaining = self.remaining.get();
        if input > remaining {
            self.skip();
            return None;
        }
        self.remaining.set(remaining - input);
        Some(layer_limit.min(remaining - input))
    }

    pub(crate) fn spend(&self, bytes: usize) {
        self.remaining
            .set(self.remaining.get().saturating_sub(bytes));
    }

    /// Pays for one expansion: every layer of its chain was at most as large as its last one
    /// (`last_layer` bytes). A failed one that inflated may have read up to `layer_limit` before
    /// it gave up: that much is paid, or a stream of near-bombs would each cost a full layer and
    /// pay almost nothing. One cut short by the budget counts as not expanded.
    pub(crate) fn charge(
        &self,
        chain: &[Format],
        last_layer: usize,
        failed: bool,
        layer_limit: usize,
        full_limit: usize,
    ) {
        let inflating = chain
            .iter()
            .any(|format| matches!(format, Format::Gzip | Format::GzipFrames));
        self.spend(if failed && inflating {
            layer_limit.max(last_layer)
        } else {
            last_layer.max(1) * chain.len().max(1)
        });
        if failed && layer_limit < full_limit {
            self.skip();
        }
    }

    fn skip(&self) {
        self.skipped.set(self.skipped.get() + 1);
    }
}

/// A node with no children, ranges or readings yet.
pub(crate) fn leaf(label: String, path: String, kind: NodeKind, value: Option<String>) -> Node {
    Node {
        label,
        path,
        kind,
        field_number: None,
        wire_type: None,
        type_name: None,
        value,
        interpretations: Vec::new(),
        range: None,
        tag_range: None,
        readings: Vec::new(),
        reading: None,
        nested: None,
        children: Vec::new(),
    }
}

impl Builder<'_> {
    pub fn literal(&self, label: String, path: String, literal: &Literal) -> Node {
        let range = Some([literal.span.start, literal.span.end]);
        let mut node = match &literal.value {
            LiteralValue::Null => leaf(label, path, NodeKind::Null, Some("null".into())),
            LiteralValue::Bool(value) => leaf(label, path, NodeKind::Bool, Some(value.to_string())),
            LiteralValue::Number(text) => {
                leaf(label, path, NodeKind::Number, Some(text.to_string()))
            }
            LiteralValue::String(text) => {
                let mut node = leaf(label, path, NodeKind::String, Some(text.to_string()));
                node.nested = self.nested(text);
                node
            }
            LiteralValue::Array(items) => {
                let mut node = leaf(label, path.clone(), NodeKind::Array, None);
                node.children = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        self.literal(format!("[{index}]"), format!("{path}/{index}"), item)
                    })
                    .collect();
                node
            }
            LiteralValue::Object(members) => {
                let mut node = leaf(label, path.clone(), NodeKind::Object, None);
                node.children = members
                    .iter()
                    .map(|member| {
                        self.literal(
                            member.key.to_string(),
                            format!("{path}/{}", member.key.replace('/', "~1")),
                            &member.value,
                        )
                    })
                    .collect();
                node
            }
        };
        node.range = range;
        node
    }

    pub fn xml(&self, label: String, path: String, text: &str) -> Node {
        let mut node = leaf(label, path.clone(), NodeKind::Element, None);
        if let Ok(document) = roxmltree::Document::parse(text) {
            node = self.xml_element(document.root_element(), path);
        }
        node
    }

    fn xml_element(&self, element: roxmltree::Node<'_, '_>, path: String) -> Node {
        let name = element.tag_name().name().to_owned();
        let mut node = leaf(name, path.clone(), NodeKind::Element, None);
        let range = element.range();
        node.range = Some([range.start, range.end]);
        for attribute in element.attributes() {
            let mut child = leaf(
                format!("@{}", attribute.name()),
                format!("{path}/@{}", attribute.name()),
                NodeKind::Attribute,
                Some(attribute.value().to_owned()),
            );
            let range = attribute.range_value();
            child.range = Some([range.start, range.end]);
            child.nested = self.nested(attribute.value());
            node.children.push(child);
        }
        for (index, child) in element.children().enumerate() {
            if child.is_element() {
                node.children
                    .push(self.xml_element(child, format!("{path}/{index}")));
            } else if let Some(text) = child.text().filter(|t| !t.trim().is_empty()) {
                let mut text_node = leaf(
                    "#text".into(),
                    format!("{path}/{index}"),
                    NodeKind::Text,
                    Some(text.to_owned()),
                );
                let range = child.range();
                text_node.range = Some([range.start, range.end]);
                text_node.nested = self.nested(text.trim());
                node.children.push(text_node);
            }
        }
        node
    }

    /// A protobuf message, named by `schema` where it knows a field.
    pub fn message(
        &self,
        label: String,
        path: String,
        message: Message<'_>,
        schema: Option<&str>,
    ) -> Node {
        self.message_inner(label, path, message, schema, None)
    }

    /// `any_value`: when this message is a `google.protobuf.Any`, the schema of its value.
    fn message_inner(
        &self,
        label: String,
        path: String,
        message: Message<'_>,
        schema: Option<&str>,
        any_value: Option<&'static str>,
    ) -> Node {
        let schema = schema.and_then(|name| self.schemas.message(name));
        let mut node = leaf(label, path.clone(), NodeKind::Message, None);
        node.type_name = schema.map(|s| s.name.clone());
        // A message may name the schema of a payload it carries (a Yunhu push frame does).
        let children_any = schema
            .and_then(|schema| crate::platforms::carried_schema(&schema.name, message, self.bytes));
        node.children = message
            .fields()
            .enumerate()
            .map(|(position, field)| {
                let path = format!("{path}/{}@{position}", field.number);
                self.field(path, field, schema, any_value, children_any)
            })
            .collect();
        if let Some(range) = message.range() {
            node.range = Some([range.start, range.end]);
        }
        node
    }

    fn field(
        &self,
        path: String,
        field: Field<'_>,
        schema: Option<&MessageSchema>,
        any_value: Option<&'static str>,
        children_any: Option<&'static str>,
    ) -> Node {
        let field_schema = schema.and_then(|s| s.field(field.number));
        let label = match field_schema {
            Some(f) => f.name.clone(),
            None => field.number.to_string(),
        };
        let mut node = match &field.content {
            RawContent::Varint { value } => {
                let mut node = leaf(
                    label,
                    path.clone(),
                    NodeKind::Varint,
                    Some(value.to_string()),
                );
                node.interpretations =
                    varint_interpretations(*value, field_schema.map(|f| &f.kind));
                node
            }
            RawContent::Fixed32 { bits } => {
                let mut node = leaf(
                    label,
                    path.clone(),
                    NodeKind::Fixed32,
                    Some(bits.to_string()),
                );
                node.interpretations = vec![
                    Interpretation {
                        name: "signed",
                        value: (*bits as i32).to_string(),
                    },
                    Interpretation {
                        name: "float",
                        value: float_text(f32::from_bits(*bits)),
                    },
                ];
                node
            }
            RawContent::Fixed64 { bits } => {
                let mut node = leaf(
                    label,
                    path.clone(),
                    NodeKind::Fixed64,
                    Some(bits.to_string()),
                );
                node.interpretations = vec![
                    Interpretation {
                        name: "signed",
                        value: (*bits as i64).to_string(),
                    },
                    Interpretation {
                        name: "double",
                        value: float_text(f64::from_bits(*bits)),
                    },
                ];
                node
            }
            RawContent::Group => {
                let message = field.message().unwrap_or_default();
                let mut node = self.message(label, path.clone(), message, None);
                node.kind = NodeKind::Group;
                node
            }
            RawContent::Len { reading: chosen } => {
                let value_bytes = &self.bytes[field.value.clone()];
                // A schema can name what the bytes are: prefer that reading.
                let wanted = match field_schema.map(|f| &f.kind) {
                    Some(FieldKind::Message(name)) => Some(("message", Some(name.as_str()))),
                    Some(FieldKind::String) => Some(("string", None)),
                    Some(FieldKind::Bytes) if any_value.is_some() && field.number == 2 => {
                        Some(("message", any_value))
                    }
                    Some(FieldKind::Bytes) => Some(("bytes", None)),
                    Some(kind)
                        if field_schema.is_some_and(|f| f.repeated)
                            && kind.wire_type() != WireType::Len =>
                    {
                        // A repeated scalar is packed: read as the schema's own kind says.
                        Some((
                            match kind {
                                FieldKind::Varint { zigzag: true } => "packed zigzag",
                                FieldKind::Fixed32 => "packed fixed32",
                                FieldKind::Float => "packed float",
                                FieldKind::Fixed64 => "packed fixed64",
                                FieldKind::Double => "packed double",
                                _ => "packed varint",
                            },
                            None,
                        ))
                    }
                    _ => None,
                };
                // The alternatives are ranked here, for the UI; the decode only built the best.
                let mut readings = raw::readings(value_bytes, self.limits.max_depth);
                if readings.first() != Some(chosen) {
                    // Only the depth limit can make them differ: the decode's choice is shown.
                    readings.retain(|reading| reading != chosen);
                    readings.insert(0, *chosen);
                }
                let schema_index =
                    wanted.and_then(|(name, _)| readings.iter().position(|r| r.name() == name));
                let index = self
                    .choices
                    .get(&path)
                    .filter(|&i| i < readings.len())
                    .or(schema_index)
                    .unwrap_or(0);
                let nested_schema = wanted.and_then(|(_, schema)| schema);
                let mut node = self.reading(
                    label,
                    path.clone(),
                    field,
                    readings[index],
                    value_bytes,
                    (nested_schema, children_any),
                );
                node.readings = readings.iter().map(Reading::name).collect();
                node.reading = Some(index);
                node
            }
        };
        read_as_declared(&mut node, field_schema);
        node.field_number = Some(field.number);
        node.wire_type = Some(field.wire_type);
        node.range = Some([field.value.start, field.value.end]);
        node.tag_range = Some([field.tag.start, field.tag.end]);
        // A message reading already carries its own type (for an Any value, the one it holds).
        if let (Some(field_schema), None) = (field_schema, &node.type_name) {
            node.type_name = Some(field_schema.type_name.clone());
        }
        node
    }

    fn reading(
        &self,
        label: String,
        path: String,
        field: Field<'_>,
        reading: Reading,
        bytes: &[u8],
        (schema, any_value): (Option<&str>, Option<&'static str>),
    ) -> Node {
        match reading {
            // The decode built the message when it was the best reading; an alternative chosen
            // in the UI is decoded now.
            Reading::Message => match field.message() {
                Some(message) => self.message_inner(label, path, message, schema, any_value),
                None => match raw::decode_strict(bytes, field.value.start, self.limits.max_depth) {
                    Some(message) => {
                        self.message_inner(label, path, message.root(), schema, any_value)
                    }
                    None => leaf(label, path, NodeKind::Bytes, Some(hex(bytes))),
                },
            },
            Reading::Text { printable } => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                if printable {
                    let mut node = leaf(label, path, NodeKind::String, Some(text.clone()));
                    node.nested = self.nested(&text);
                    node
                } else {
                    // Control characters are shown as hex, with the text alongside.
                    let mut node = leaf(label, path, NodeKind::Bytes, Some(hex(bytes)));
                    node.interpretations = vec![Interpretation {
                        name: "utf8",
                        value: text,
                    }];
                    node
                }
            }
            Reading::PackedVarint { .. }
            | Reading::PackedZigzag { .. }
            | Reading::PackedFixed32 { .. }
            | Reading::PackedFloat { .. }
            | Reading::PackedFixed64 { .. }
            | Reading::PackedDouble { .. } => {
                let zigzag = |value: u64| ((value >> 1) as i64) ^ -((value & 1) as i64);
                let values: Vec<(String, std::ops::Range<usize>)> = match reading {
                    Reading::PackedVarint { .. } => packed_varints_at(bytes)
                        .into_iter()
                        .map(|(value, at)| (value.to_string(), at))
                        .collect(),
                    Reading::PackedZigzag { .. } => packed_varints_at(bytes)
                        .into_iter()
                        .map(|(value, at)| (zigzag(value).to_string(), at))
                        .collect(),
                    Reading::PackedFixed32 { .. } => {
                        fixed_at(packed_fixed32(bytes), 4, |bits| bits.to_string())
                    }
                    Reading::PackedFloat { .. } => fixed_at(packed_fixed32(bytes), 4, |bits| {
                        float_text(f32::from_bits(bits))
                    }),
                    Reading::PackedFixed64 { .. } => {
                        fixed_at(packed_fixed64(bytes), 8, |bits| bits.to_string())
                    }
                    _ => fixed_at(packed_fixed64(bytes), 8, |bits| {
                        float_text(f64::from_bits(bits))
                    }),
                };
                self.packed(label, path, values, &field)
            }
            Reading::Bytes => {
                let mut node = leaf(label, path, NodeKind::Bytes, Some(hex(bytes)));
                node.nested = self.nested_bytes(bytes);
                node
            }
        }
    }

    /// A packed field's values, each with its own bytes (`at`: relative to the field's value).
    fn packed(
        &self,
        label: String,
        path: String,
        values: Vec<(String, std::ops::Range<usize>)>,
        field: &RawField,
    ) -> Node {
        let shown: Vec<&str> = values.iter().map(|(value, _)| value.as_str()).collect();
        let mut node = leaf(
            label,
            path.clone(),
            NodeKind::Packed,
            Some(format!("[{}]", shown.join(", "))),
        );
        let base = field.value.start;
        node.children = values
            .into_iter()
            .enumerate()
            .map(|(index, (value, at))| {
                let mut child = leaf(
                    format!("[{index}]"),
                    format!("{path}/{index}"),
                    NodeKind::Number,
                    Some(value),
                );
                child.range = Some([base + at.start, base + at.end]);
                child
            })
            .collect();
        node
    }

    /// A payload hidden in a string: JSON, XML, hex or base64 protobuf, base64(url) JSON or text.
    pub fn nested(&self, text: &str) -> Option<Box<Nested>> {
        if self.nesting >= MAX_NESTING || text.len() < 4 {
            return None;
        }
        let trimmed = text.trim();
        let unwrapped = self.unwrap_within_budget(trimmed.as_bytes(), None)?;
        let worth_it = match unwrapped.chain.first() {
            Some(Format::Json | Format::Xml) => true,
            Some(Format::Hex) => trimmed.len() >= 8,
            Some(Format::Base64 | Format::Base64Url) => true,
            _ => false,
        };
        if !worth_it || unwrapped.error.is_some() {
            return None;
        }
        let body = unwrapped.body?;
        // Hex and base64 strings are only worth expanding when they hide structure or text.
        if let unwrap::Body::Protobuf(message) = &body
            && (message.is_empty() || unwrapped.chain.len() < 2)
        {
            return None;
        }
        self.nested_from(unwrapped.chain, &unwrapped.bytes, &body)
    }

    /// Bytes that are themselves a gzip stream or a JSON document.
    fn nested_bytes(&self, bytes: &[u8]) -> Option<Box<Nested>> {
        if self.nesting >= MAX_NESTING || !bytes.starts_with(&[0x1f, 0x8b]) {
            return None;
        }
        let unwrapped = self.unwrap_within_budget(bytes, Some(Format::Gzip))?;
        let body = unwrapped.body?;
        self.nested_from(unwrapped.chain, &unwrapped.bytes, &body)
    }

    /// Unwraps a nested payload, paying the budget for what it reads and inflates: each layer
    /// may grow only as far as the budget has left.
    fn unwrap_within_budget(
        &self,
        input: &[u8],
        format: Option<Format>,
    ) -> Option<unwrap::Unwrapped> {
        let layer_limit = self.budget.admit(input.len(), self.limits.max_size)?;
        let limits = Limits {
            max_size: layer_limit,
            ..self.limits
        };
        // A stream hidden in a string is not cut into frames here (the inspector does, given it).
        let unwrapped = unwrap::unwrap_detecting(input, format, limits, false);
        self.budget.charge(
            &unwrapped.chain,
            unwrapped.bytes.len(),
            unwrapped.error.is_some(),
            layer_limit,
            self.limits.max_size,
        );
        Some(unwrapped)
    }

    fn nested_from(
        &self,
        chain: Vec<Format>,
        bytes: &[u8],
        body: &unwrap::Body,
    ) -> Option<Box<Nested>> {
        let inner = Builder {
            bytes,
            schemas: self.schemas,
            choices: self.choices,
            limits: self.limits,
            nesting: self.nesting + 1,
            budget: self.budget,
        };
        let (tree, schema) = match body {
            unwrap::Body::Literal(literal) | unwrap::Body::TextProto(literal) => {
                (inner.literal(String::new(), String::new(), literal), None)
            }
            unwrap::Body::Xml(text) => (inner.xml(String::new(), String::new(), text), None),
            unwrap::Body::Protobuf(message) => {
                let schema = crate::protobuf::recognize::recognize(message, bytes, self.schemas)
                    .map(|m| m.name);
                (
                    inner.message(
                        String::new(),
                        String::new(),
                        message.root(),
                        schema.as_deref(),
                    ),
                    schema,
                )
            }
            // A stream hidden in a string is left to the inspector, on its own.
            unwrap::Body::Frames(_) => return None,
            unwrap::Body::Text(text) => {
                if chain.len() < 2 || !crate::protobuf::raw::is_printable(text) {
                    return None;
                }
                let mut node = leaf(
                    String::new(),
                    String::new(),
                    NodeKind::Text,
                    Some(text.clone()),
                );
                node.range = Some([0, bytes.len()]);
                (node, None)
            }
        };
        Some(Box::new(Nested {
            chain,
            schema,
            tree,
        }))
    }
}

/// Fixed-width values as text, each with its byte range within the packed bytes.
fn fixed_at<T>(
    values: Vec<T>,
    width: usize,
    text: impl Fn(T) -> String,
) -> Vec<(String, std::ops::Range<usize>)> {
    values
        .into_iter()
        .enumerate()
        .map(|(index, value)| (text(value), index * width..(index + 1) * width))
        .collect()
}

/// A schema's type decides how a scalar reads: the value shown is the declared reading (a
/// `sint64` zigzag-decoded, a negative `int64` signed, a `float` as a float), and the wire's
/// unsigned value stays beside it as the `unsigned` interpretation.
fn read_as_declared(node: &mut Node, schema: Option<&FieldSchema>) {
    let Some(schema) = schema else {
        return;
    };
    let declared = match (&schema.kind, schema.type_name.as_str()) {
        (FieldKind::Varint { zigzag: true }, _) => "zigzag",
        (FieldKind::Varint { .. }, "int32" | "int64")
        | (FieldKind::Fixed32, "sfixed32")
        | (FieldKind::Fixed64, "sfixed64") => "signed",
        (FieldKind::Float, _) => "float",
        (FieldKind::Double, _) => "double",
        _ => return,
    };
    // Absent when the wire type is not the declared one, or when it reads the same (a
    // non-negative `int64`).
    let Some(at) = node
        .interpretations
        .iter()
        .position(|interpretation| interpretation.name == declared)
    else {
        return;
    };
    let reading = node.interpretations.remove(at);
    // A positive `sfixed64` reads as it is: nothing to add beside it.
    if node.value.as_deref() == Some(reading.value.as_str()) {
        return;
    }
    if let Some(unsigned) = node.value.replace(reading.value) {
        node.interpretations.insert(
            0,
            Interpretation {
                name: "unsigned",
                value: unsigned,
            },
        );
    }
}

fn varint_interpretations(value: u64, kind: Option<&FieldKind>) -> Vec<Interpretation> {
    let mut out = Vec::new();
    let signed = value as i64;
    if signed < 0 {
        out.push(Interpretation {
            name: "signed",
            value: signed.to_string(),
        });
    }
    let zigzag = ((value >> 1) as i64) ^ -((value & 1) as i64);
    if matches!(kind, None | Some(FieldKind::Varint { zigzag: true })) {
        out.push(Interpretation {
            name: "zigzag",
            value: zigzag.to_string(),
        });
    }
    if value <= 1 {
        out.push(Interpretation {
            name: "bool",
            value: (value == 1).to_string(),
        });
    }
    out
}

/// A float as people write it: the shortest text that reads back exactly, in exponent form
/// where plain digits would run to dozens of zeros (`3.8131230087298516e-226`).
fn float_text<F: std::fmt::Display + std::fmt::LowerExp + Copy + Into<f64>>(value: F) -> String {
    let magnitude = value.into().abs();
    if magnitude != 0.0 && magnitude.is_finite() && !(1e-7..1e21).contains(&magnitude) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}
