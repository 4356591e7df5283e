//! An inspection handed from one thread to another — the inspector's worker decodes a large
//! input, the page shows it — as one byte buffer the page reads back a slice at a time, so a
//! tree of hundreds of thousands of nodes arrives without freezing the page.
//!
//! The buffer: the head (platform, schema, chain, events, error) as JSON, the innermost bytes,
//! then the tree's nodes in pre-order (a node, its nested payload's tree, its children).
//! A buffer that does not read is an error at its byte offset, never a panic.

use serde::{Deserialize, Serialize};

use crate::event::{Event, Platform};
use crate::inspect::{Inspection, Options};
use crate::protobuf::imported::Imported;
use crate::protobuf::raw::Reading;
use crate::protobuf::recognize::SchemaMatch;
use crate::protobuf::schema::Schemas;
use crate::protobuf::wire::WireType;
use crate::tree::{Interpretation, Nested, Node, NodeKind, ReadingChoices};
use crate::unwrap::{Format, UnwrapError};

/// What the page asks the worker to decode its bytes with: the user's overrides and schemas.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub format: Option<Format>,
    pub platform: Option<Platform>,
    pub schema: Option<String>,
    pub choices: Vec<(String, usize)>,
    pub imported: Option<Imported>,
}

impl Request {
    pub fn options(&self) -> Options {
        Options {
            format: self.format,
            platform: self.platform,
            schema: self.schema.clone(),
            choices: ReadingChoices(self.choices.clone()),
            schemas: self
                .imported
                .as_ref()
                .map(|imported| std::sync::Arc::new(Schemas::with_imported(imported))),
            ..Options::default()
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Head {
    platform: Option<Platform>,
    schema: Option<SchemaMatch>,
    chain: Vec<Format>,
    events: Vec<Event>,
    error: Option<UnwrapError>,
    unexpanded: usize,
}

/// Why a buffer does not read as an inspection, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffError {
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for HandoffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "inspection buffer at byte {}: {}",
            self.offset, self.message
        )
    }
}

impl std::error::Error for HandoffError {}

/// Every name a reading or an interpretation has: the buffer carries them as text and they
/// come back as the same `'static` names.
const NAMES: &[&str] = &[
    "signed", "unsigned", "zigzag", "bool", "float", "double", "utf8", "flags", "error",
];

fn static_name(name: &str) -> Option<&'static str> {
    NAMES
        .iter()
        .copied()
        .chain(Reading::NAMES.iter().copied())
        .find(|known| *known == name)
}

const KINDS: [NodeKind; 17] = [
    NodeKind::Object,
    NodeKind::Array,
    NodeKind::Message,
    NodeKind::Group,
    NodeKind::String,
    NodeKind::Number,
    NodeKind::Bool,
    NodeKind::Null,
    NodeKind::Varint,
    NodeKind::Fixed32,
    NodeKind::Fixed64,
    NodeKind::Bytes,
    NodeKind::Packed,
    NodeKind::Element,
    NodeKind::Attribute,
    NodeKind::Text,
    NodeKind::Frame,
];

/// A kind's place in [`KINDS`]: a match, so a new kind does not compile until it is listed.
fn kind_index(kind: NodeKind) -> u8 {
    match kind {
        NodeKind::Object => 0,
        NodeKind::Array => 1,
        NodeKind::Message => 2,
        NodeKind::Group => 3,
        NodeKind::String => 4,
        NodeKind::Number => 5,
        NodeKind::Bool => 6,
        NodeKind::Null => 7,
        NodeKind::Varint => 8,
        NodeKind::Fixed32 => 9,
        NodeKind::Fixed64 => 10,
        NodeKind::Bytes => 11,
        NodeKind::Packed => 12,
        NodeKind::Element => 13,
        NodeKind::Attribute => 14,
        NodeKind::Text => 15,
        NodeKind::Frame => 16,
    }
}

// Which optional parts a node has (its first byte after label and path).
const HAS_FIELD_NUMBER: u8 = 1;
const HAS_WIRE_TYPE: u8 = 1 << 1;
const HAS_TYPE_NAME: u8 = 1 << 2;
const HAS_VALUE: u8 = 1 << 3;
const HAS_RANGE: u8 = 1 << 4;
const HAS_TAG_RANGE: u8 = 1 << 5;
const HAS_READING: u8 = 1 << 6;
const HAS_NESTED: u8 = 1 << 7;

/// The inspection as one buffer.
pub fn encode(inspection: &Inspection) -> Vec<u8> {
    let head = Head {
        platform: inspection.platform,
        schema: inspection.schema.clone(),
        chain: inspection.chain.clone(),
        events: inspection.events.clone(),
        error: inspection.error.clone(),
        unexpanded: inspection.unexpanded,
    };
    let mut out = Vec::with_capacity(inspection.bytes.len() + 64 * 1024);
    put_bytes(&mut out, &serde_json::to_vec(&head).unwrap_or_default());
    put_bytes(&mut out, &inspection.bytes);
    put_node(&mut out, &inspection.tree);
    out
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_range(out: &mut Vec<u8>, range: [usize; 2]) {
    put_varint(out, range[0] as u64);
    put_varint(out, range[1] as u64);
}

fn put_node(out: &mut Vec<u8>, node: &Node) {
    put_bytes(out, node.label.as_bytes());
    put_bytes(out, node.path.as_bytes());
    let flags = [
        (node.field_number.is_some(), HAS_FIELD_NUMBER),
        (node.wire_type.is_some(), HAS_WIRE_TYPE),
        (node.type_name.is_some(), HAS_TYPE_NAME),
        (node.value.is_some(), HAS_VALUE),
        (node.range.is_some(), HAS_RANGE),
        (node.tag_range.is_some(), HAS_TAG_RANGE),
        (node.reading.is_some(), HAS_READING),
        (node.nested.is_some(), HAS_NESTED),
    ]
    .iter()
    .filter(|(present, _)| *present)
    .fold(0, |flags, (_, bit)| flags | bit);
    out.push(flags);
    out.push(kind_index(node.kind));
    if let Some(number) = node.field_number {
        put_varint(out, number.into());
    }
    if let Some(wire_type) = node.wire_type {
        out.push(wire_type.bits());
    }
    if let Some(type_name) = &node.type_name {
        put_bytes(out, type_name.as_bytes());
    }
    if let Some(value) = &node.value {
        put_bytes(out, value.as_bytes());
    }
    put_varint(out, node.interpretations.len() as u64);
    for interpretation in &node.interpretations {
        put_bytes(out, interpretation.name.as_bytes());
        put_bytes(out, interpretation.value.as_bytes());
    }
    if let Some(range) = node.range {
        put_range(out, range);
    }
    if let Some(range) = node.tag_range {
        put_range(out, range);
    }
    put_varint(out, node.readings.len() as u64);
    for reading in &node.readings {
        put_bytes(out, reading.as_bytes());
    }
    if let Some(reading) = node.reading {
        put_varint(out, reading as u64);
    }
    if let Some(nested) = &node.nested {
        put_varint(out, nested.chain.len() as u64);
        for format in &nested.chain {
            out.push(Format::ALL.iter().position(|f| f == format).unwrap_or(0) as u8);
        }
        match &nested.schema {
            Some(schema) => {
                out.push(1);
                put_bytes(out, schema.as_bytes());
            }
            None => out.push(0),
        }
    }
    put_varint(out, node.children.len() as u64);
    if let Some(nested) = &node.nested {
        put_node(out, &nested.tree);
    }
    for child in &node.children {
        put_node(out, child);
    }
}

/// A node read, waiting for its nested tree and children.
struct Open {
    node: Node,
    nested: Option<(Vec<Format>, Option<String>)>,
    children_left: usize,
}

/// Reads a buffer back, [`Decoder::step`] by step.
pub struct Decoder {
    buffer: Vec<u8>,
    at: usize,
    head: Option<(Head, Vec<u8>)>,
    open: Vec<Open>,
}

impl Decoder {
    pub fn new(buffer: Vec<u8>) -> Result<Decoder, HandoffError> {
        let mut decoder = Decoder {
            buffer,
            at: 0,
            head: None,
            open: Vec::new(),
        };
        let head_at = decoder.at;
        let head = decoder.bytes()?.to_vec();
        let head: Head = serde_json::from_slice(&head).map_err(|error| HandoffError {
            offset: head_at,
            message: format!("head: {error}"),
        })?;
        let bytes = decoder.bytes()?.to_vec();
        decoder.head = Some((head, bytes));
        Ok(decoder)
    }

    /// Reads up to `nodes` more nodes: the inspection once the tree is whole.
    pub fn step(&mut self, nodes: usize) -> Result<Option<Inspection>, HandoffError> {
        for _ in 0..nodes {
            // Close what is complete, from the innermost out.
            while self
                .open
                .last()
                .is_some_and(|top| top.nested.is_none() && top.children_left == 0)
            {
                let done = self.open.pop().map(|open| open.node);
                if let Some(root) = done.and_then(|node| self.attach(node)) {
                    return Ok(Some(self.finish(root)?));
                }
            }
            let (node, nested, children) = self.node()?;
            if nested.is_none() && children == 0 {
                if let Some(root) = self.attach(node) {
                    return Ok(Some(self.finish(root)?));
                }
            } else {
                self.open.push(Open {
                    node,
                    nested,
                    children_left: children,
                });
            }
        }
        Ok(None)
    }

    /// Everything left, at once (tests and small buffers).
    pub fn finish_all(mut self) -> Result<Inspection, HandoffError> {
        loop {
            if let Some(inspection) = self.step(usize::MAX)? {
                return Ok(inspection);
            }
        }
    }

    /// Puts a complete node where it belongs: the root when nothing is open.
    fn attach(&mut self, node: Node) -> Option<Node> {
        let Some(parent) = self.open.last_mut() else {
            return Some(node);
        };
        // A node's nested tree comes before its children.
        if let Some((chain, schema)) = parent.nested.take() {
            parent.node.nested = Some(Box::new(Nested {
                chain,
                schema,
                tree: node,
            }));
        } else {
            parent.node.children.push(node);
            parent.children_left -= 1;
        }
        None
    }

    fn finish(&mut self, tree: Node) -> Result<Inspection, HandoffError> {
        if self.at != self.buffer.len() {
            return Err(self.error("bytes after the tree"));
        }
        let (head, bytes) = self.head.take().ok_or_else(|| self.error("read twice"))?;
        Ok(Inspection {
            platform: head.platform,
            schema: head.schema,
            chain: head.chain,
            events: head.events,
            tree,
            error: head.error,
            bytes,
            unexpanded: head.unexpanded,
        })
    }

    fn error(&self, message: &str) -> HandoffError {
        HandoffError {
            offset: self.at,
            message: message.to_owned(),
        }
    }

    fn byte(&mut self) -> Result<u8, HandoffError> {
        let byte = *self
            .buffer
            .get(self.at)
            .ok_or_else(|| self.error("ends early"))?;
        self.at += 1;
        Ok(byte)
    }

    fn varint(&mut self) -> Result<u64, HandoffError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(self.error("a number too long"))
    }

    /// A count or length, at most what is left of the buffer (each item takes a byte or more).
    fn count(&mut self) -> Result<usize, HandoffError> {
        let value = self.varint()?;
        usize::try_from(value)
            .ok()
            .filter(|count| *count <= self.buffer.len() - self.at)
            .ok_or_else(|| self.error("a count beyond the buffer"))
    }

    fn bytes(&mut self) -> Result<&[u8], HandoffError> {
        let length = self.count()?;
        let start = self.at;
        self.at += length;
        Ok(&self.buffer[start..self.at])
    }

    fn text(&mut self) -> Result<String, HandoffError> {
        let at = self.at;
        let bytes = self.bytes()?;
        String::from_utf8(bytes.to_vec()).map_err(|_| HandoffError {
            offset: at,
            message: "text that is not UTF-8".into(),
        })
    }

    fn name(&mut self) -> Result<&'static str, HandoffError> {
        let at = self.at;
        let text = self.text()?;
        static_name(&text).ok_or_else(|| HandoffError {
            offset: at,
            message: format!("unknown name {text:?}"),
        })
    }

    fn range(&mut self) -> Result<[usize; 2], HandoffError> {
        let start = self.varint()? as usize;
        Ok([start, self.varint()? as usize])
    }

    #[allow(clippy::type_complexity)]
    fn node(
        &mut self,
    ) -> Result<(Node, Option<(Vec<Format>, Option<String>)>, usize), HandoffError> {
        let label = self.text()?;
        let path = self.text()?;
        let flags = self.byte()?;
        let kind_at = self.at;
        let kind = *KINDS
            .get(usize::from(self.byte()?))
            .ok_or_else(|| HandoffError {
                offset: kind_at,
                message: "unknown node kind".into(),
            })?;
        let mut node = crate::tree::leaf(label, path, kind, None);
        if flags & HAS_FIELD_NUMBER != 0 {
            node.field_number = Some(self.varint()? as u32);
        }
        if flags & HAS_WIRE_TYPE != 0 {
            let bits = self.byte()?;
            node.wire_type = Some(
                WireType::from_bits(bits.into()).ok_or_else(|| self.error("unknown wire type"))?,
            );
        }
        if flags & HAS_TYPE_NAME != 0 {
            node.type_name = Some(self.text()?);
        }
        if flags & HAS_VALUE != 0 {
            node.value = Some(self.text()?);
        }
        for _ in 0..self.count()? {
            let name = self.name()?;
            node.interpretations.push(Interpretation {
                name,
                value: self.text()?,
            });
        }
        if flags & HAS_RANGE != 0 {
            node.range = Some(self.range()?);
        }
        if flags & HAS_TAG_RANGE != 0 {
            node.tag_range = Some(self.range()?);
        }
        for _ in 0..self.count()? {
            node.readings.push(self.name()?);
        }
        if flags & HAS_READING != 0 {
            node.reading = Some(self.varint()? as usize);
        }
        let nested = if flags & HAS_NESTED != 0 {
            let mut chain = Vec::new();
            for _ in 0..self.count()? {
                let at = self.at;
                chain.push(*Format::ALL.get(usize::from(self.byte()?)).ok_or_else(|| {
                    HandoffError {
                        offset: at,
                        message: "unknown format".into(),
                    }
                })?);
            }
            let schema = match self.byte()? {
                0 => None,
                _ => Some(self.text()?),
            };
            Some((chain, schema))
        } else {
            None
        };
        let children = self.count()?;
        Ok((node, nested, children))
    }
}

#[cfg(test)]
mod tests {
    use super::{KINDS, kind_index};

    #[test]
    fn every_kind_is_at_its_index() {
        for (index, kind) in KINDS.iter().enumerate() {
            assert_eq!(usize::from(kind_index(*kind)), index);
        }
    }
}
