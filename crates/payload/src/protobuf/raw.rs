//! Schema-less protobuf decoding, better than `protoc --decode_raw`: every field keeps its byte
//! ranges, every length-delimited value keeps all its plausible readings (ranked, best first), and
//! malformed input yields everything decoded before the error plus the error's offset.

use std::ops::Range;

use serde::Serialize;

use super::wire::{Found, Reader, WireError, WireType};

/// Nesting deeper than this is shown as bytes rather than decoded further.
pub const DEFAULT_MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawMessage {
    pub fields: Vec<RawField>,
    /// Where decoding stopped, when the input is malformed; `fields` holds what came before.
    /// Boxed: almost every message has none, and every nested reading holds a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Box<WireError>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawField {
    pub number: u32,
    pub wire_type: WireType,
    /// Absolute byte range of the tag.
    pub tag: Range<usize>,
    /// Absolute byte range of the value (for `len`, without the length prefix).
    pub value: Range<usize>,
    pub content: RawContent,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RawContent {
    Varint {
        value: u64,
    },
    Fixed64 {
        bits: u64,
    },
    Fixed32 {
        bits: u32,
    },
    /// Readings ranked by plausibility; the first is the chosen one.
    Len {
        readings: Vec<Reading>,
    },
    Group {
        message: RawMessage,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Reading {
    Message {
        message: RawMessage,
    },
    /// The bytes are a well-formed message, but another reading ranks higher: decoded only
    /// when asked for (it would cost as much as the rest of the parse).
    UnbuiltMessage,
    /// Valid UTF-8; `printable` is false when it holds control characters.
    Text {
        printable: bool,
    },
    /// Values are read from the bytes when shown (see [`packed_varints`]): ranking every
    /// length-delimited field must not allocate them.
    PackedVarint {
        count: usize,
    },
    PackedFixed32 {
        count: usize,
    },
    PackedFixed64 {
        count: usize,
    },
    Bytes,
}

impl Reading {
    pub fn name(&self) -> &'static str {
        match self {
            Reading::Message { .. } | Reading::UnbuiltMessage => "message",
            Reading::Text { .. } => "string",
            Reading::PackedVarint { .. } => "packed varint",
            Reading::PackedFixed32 { .. } => "packed fixed32",
            Reading::PackedFixed64 { .. } => "packed fixed64",
            Reading::Bytes => "bytes",
        }
    }
}

/// Decodes `bytes` as a protobuf message with no schema. Never panics; a malformed input gives
/// the fields before the fault and the fault itself.
pub fn decode(bytes: &[u8]) -> RawMessage {
    decode_at(bytes, 0, DEFAULT_MAX_DEPTH)
}

/// As [`decode`], with offsets starting at `base` and nesting limited to `max_depth`.
pub fn decode_at(bytes: &[u8], base: usize, max_depth: usize) -> RawMessage {
    let mut reader = Reader::new(bytes, base);
    let mut fields = Vec::new();
    match read_fields(&mut reader, max_depth, None, &mut fields, false) {
        Ok(_) => RawMessage {
            fields,
            error: None,
        },
        Err(error) => RawMessage {
            fields,
            error: Some(Box::new(error)),
        },
    }
}

/// Decodes strictly: the whole input must be a well-formed message, or `None`.
pub fn decode_strict(bytes: &[u8], base: usize, depth_left: usize) -> Option<RawMessage> {
    let mut reader = Reader::new(bytes, base);
    let mut fields = Vec::new();
    read_fields(&mut reader, depth_left, None, &mut fields, true).ok()?;
    Some(RawMessage {
        fields,
        error: None,
    })
}

/// Reads fields until the end of input, or until the end-group tag of `group` when inside one.
fn read_fields(
    reader: &mut Reader<'_>,
    depth_left: usize,
    group: Option<u32>,
    fields: &mut Vec<RawField>,
    strict: bool,
) -> Result<(), WireError> {
    while !reader.is_at_end() {
        let tag_start = reader.offset();
        let (number, wire_type) = reader.read_tag()?;
        let tag = tag_start..reader.offset();
        let value_start = reader.offset();
        let content = match wire_type {
            WireType::Varint => RawContent::Varint {
                value: reader.read_varint()?,
            },
            WireType::Fixed64 => RawContent::Fixed64 {
                bits: u64::from_le_bytes(reader.read_fixed::<8>()?),
            },
            WireType::Fixed32 => RawContent::Fixed32 {
                bits: u32::from_le_bytes(reader.read_fixed::<4>()?),
            },
            WireType::Len => {
                let relative = reader.read_len()?;
                let value_bytes = reader.slice(relative.clone());
                let absolute = reader.offset() - value_bytes.len();
                let readings = if strict && depth_left == 0 {
                    vec![Reading::Bytes]
                } else {
                    rank_readings(value_bytes, absolute, depth_left)
                };
                fields.push(RawField {
                    number,
                    wire_type,
                    tag,
                    value: absolute..reader.offset(),
                    content: RawContent::Len { readings },
                });
                continue;
            }
            WireType::StartGroup => {
                if depth_left == 0 {
                    return Err(WireError {
                        offset: tag_start,
                        expected: "nesting within the depth limit",
                        found: Found::GroupTooDeep,
                    });
                }
                let mut inner = Vec::new();
                read_fields(reader, depth_left - 1, Some(number), &mut inner, strict)?;
                RawContent::Group {
                    message: RawMessage {
                        fields: inner,
                        error: None,
                    },
                }
            }
            WireType::EndGroup => {
                if group == Some(number) {
                    return Ok(());
                }
                return Err(WireError {
                    offset: tag_start,
                    expected: match group {
                        Some(_) => "the end-group tag of the open group",
                        None => "a field tag (no group is open)",
                    },
                    found: Found::EndGroup(number),
                });
            }
        };
        fields.push(RawField {
            number,
            wire_type,
            tag,
            value: value_start..reader.offset(),
            content,
        });
    }
    match group {
        Some(number) => Err(WireError {
            offset: reader.offset(),
            expected: "the end-group tag of the open group",
            found: Found::EndInsideGroup(number),
        }),
        None => Ok(()),
    }
}

/// All plausible readings of a length-delimited value, best first. The ranking is what keeps
/// short printable strings from being shown as messages (protoc's known failure): printable text
/// only loses to a message when the bytes start like a message's first tag would.
pub fn rank_readings(bytes: &[u8], base: usize, depth_left: usize) -> Vec<Reading> {
    let text = std::str::from_utf8(bytes).ok();
    let printable = text.map(is_printable);
    let mut ranked = Ranked::default();
    if depth_left > 0 && !bytes.is_empty() {
        match printable {
            // Printable text that also parses as a message: only a leading \t, \n or \r (field 1's
            // tag for fixed64, len or fixed32) makes the message reading the likelier one.
            // Otherwise the text wins, and the message is only checked, built if the user asks.
            Some(true) if !matches!(bytes[0], b'\t' | b'\n' | b'\r') => {
                if is_message(bytes) {
                    ranked.insert(60, Reading::UnbuiltMessage);
                }
            }
            _ => {
                let score = if printable == Some(true) { 85 } else { 90 };
                if let Some(message) = decode_strict(bytes, base, depth_left - 1) {
                    ranked.insert(score, Reading::Message { message });
                }
            }
        }
    }
    if let Some(printable) = printable {
        let score = if bytes.is_empty() {
            100
        } else if printable {
            80
        } else {
            40
        };
        ranked.insert(score, Reading::Text { printable });
    }
    if !bytes.is_empty() {
        if let Some((count, largest)) = scan_varints(bytes) {
            // Packed small integers (all under 2^14) are common; long varints in random bytes are not.
            let score = if largest < 1 << 14 { 50 } else { 20 };
            ranked.insert(score, Reading::PackedVarint { count });
        }
        if bytes.len().is_multiple_of(4) {
            ranked.insert(
                15,
                Reading::PackedFixed32 {
                    count: bytes.len() / 4,
                },
            );
        }
        if bytes.len().is_multiple_of(8) {
            ranked.insert(
                14,
                Reading::PackedFixed64 {
                    count: bytes.len() / 8,
                },
            );
        }
    }
    ranked.insert(30, Reading::Bytes);
    ranked.readings
}

/// Readings kept in descending score order as they are inserted (at most six kinds).
struct Ranked {
    scores: [u32; 6],
    readings: Vec<Reading>,
}

impl Default for Ranked {
    fn default() -> Self {
        Ranked {
            scores: [0; 6],
            readings: Vec::with_capacity(4),
        }
    }
}

impl Ranked {
    fn insert(&mut self, score: u32, reading: Reading) {
        let len = self.readings.len();
        let position = self.scores[..len]
            .iter()
            .position(|&other| other < score)
            .unwrap_or(len);
        self.scores.copy_within(position..len, position + 1);
        self.scores[position] = score;
        self.readings.insert(position, reading);
    }
}

/// Whether `bytes` is exactly one well-formed message at its own level (nested values are not
/// looked into): the allocation-free check behind ranking.
pub fn is_message(bytes: &[u8]) -> bool {
    let mut reader = Reader::new(bytes, 0);
    let mut open_groups: u32 = 0;
    let mut group_stack = [0u32; 16];
    while !reader.is_at_end() {
        let Ok((number, wire_type)) = reader.read_tag() else {
            return false;
        };
        let ok = match wire_type {
            WireType::Varint => reader.read_varint().is_ok(),
            WireType::Fixed64 => reader.read_fixed::<8>().is_ok(),
            WireType::Fixed32 => reader.read_fixed::<4>().is_ok(),
            WireType::Len => reader.read_len().is_ok(),
            WireType::StartGroup => {
                if open_groups as usize >= group_stack.len() {
                    return false;
                }
                group_stack[open_groups as usize] = number;
                open_groups += 1;
                true
            }
            WireType::EndGroup => {
                if open_groups == 0 || group_stack[open_groups as usize - 1] != number {
                    return false;
                }
                open_groups -= 1;
                true
            }
        };
        if !ok {
            return false;
        }
    }
    open_groups == 0
}

/// Text a person would type: no control characters except tab, newline and carriage return.
pub fn is_printable(text: &str) -> bool {
    let bytes = text.as_bytes();
    // ASCII is checked byte by byte; only the rest needs decoding into chars.
    let ascii_end = bytes.iter().position(|&b| b >= 0x80).unwrap_or(bytes.len());
    let ascii_ok = bytes[..ascii_end]
        .iter()
        .all(|&b| (b >= 0x20 && b != 0x7f) || matches!(b, b'\t' | b'\n' | b'\r'));
    ascii_ok
        && text[ascii_end..]
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
}

/// Count and largest value when `bytes` is a whole run of varints.
fn scan_varints(bytes: &[u8]) -> Option<(usize, u64)> {
    let mut reader = Reader::new(bytes, 0);
    let (mut count, mut largest) = (0, 0);
    while !reader.is_at_end() {
        largest = largest.max(reader.read_varint().ok()?);
        count += 1;
    }
    Some((count, largest))
}

/// The values of a packed varint field.
pub fn packed_varints(bytes: &[u8]) -> Vec<u64> {
    let mut reader = Reader::new(bytes, 0);
    let mut values = Vec::new();
    while let Ok(value) = reader.read_varint() {
        values.push(value);
    }
    values
}

/// The values of a packed fixed32 field.
pub fn packed_fixed32(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|chunk| u32::from_le_bytes(chunk.try_into().unwrap()))
        .collect()
}

/// The values of a packed fixed64 field.
pub fn packed_fixed64(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap()))
        .collect()
}

impl RawMessage {
    /// The first field with this number.
    pub fn field(&self, number: u32) -> Option<&RawField> {
        self.fields.iter().find(|field| field.number == number)
    }
}

impl RawField {
    /// The chosen reading of a length-delimited field.
    pub fn chosen(&self) -> Option<&Reading> {
        match &self.content {
            RawContent::Len { readings } => readings.first(),
            _ => None,
        }
    }

    /// The nested message reading, whether or not it was chosen.
    pub fn as_message(&self) -> Option<&RawMessage> {
        match &self.content {
            RawContent::Len { readings } => readings.iter().find_map(|reading| match reading {
                Reading::Message { message } => Some(message),
                _ => None,
            }),
            RawContent::Group { message } => Some(message),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_scalars_with_ranges() {
        // field 1 varint 150, field 2 fixed32, field 3 fixed64
        let bytes = [
            0x08, 0x96, 0x01, 0x15, 1, 0, 0, 0, 0x19, 2, 0, 0, 0, 0, 0, 0, 0,
        ];
        let message = decode(&bytes);
        assert_eq!(message.error, None);
        assert_eq!(message.fields.len(), 3);
        assert_eq!(message.fields[0].tag, 0..1);
        assert_eq!(message.fields[0].value, 1..3);
        assert_eq!(message.fields[0].content, RawContent::Varint { value: 150 });
        assert_eq!(message.fields[1].content, RawContent::Fixed32 { bits: 1 });
        assert_eq!(message.fields[2].content, RawContent::Fixed64 { bits: 2 });
        assert_eq!(message.fields[2].value, 9..17);
    }

    #[test]
    fn short_printable_strings_are_not_messages() {
        // "Hi" is also a valid message {9: 105}: protoc --decode_raw shows the message.
        let bytes = [0x0a, 0x02, b'H', b'i'];
        let message = decode(&bytes);
        let readings = match &message.fields[0].content {
            RawContent::Len { readings } => readings,
            other => panic!("{other:?}"),
        };
        assert_eq!(readings[0], Reading::Text { printable: true });
        assert!(
            readings.iter().any(|reading| reading.name() == "message"),
            "the message reading is kept as an alternative"
        );
    }

    #[test]
    fn nested_messages_win_over_bytes() {
        // field 2 = { field 1 = "abc", field 2 = 7 }
        let inner = [0x0a, 0x03, b'a', b'b', b'c', 0x10, 0x07];
        let mut bytes = vec![0x12, inner.len() as u8];
        bytes.extend_from_slice(&inner);
        let message = decode(&bytes);
        let nested = match message.fields[0].chosen().unwrap() {
            Reading::Message { message } => message,
            other => panic!("{other:?}"),
        };
        assert_eq!(nested.fields[0].value, 4..7, "offsets are absolute");
        assert_eq!(nested.fields[1].content, RawContent::Varint { value: 7 });
    }

    #[test]
    fn packed_small_varints_are_preferred_to_bytes() {
        let bytes = [0x22, 0x03, 0x01, 0x02, 0x03];
        let message = decode(&bytes);
        assert_eq!(
            message.fields[0].chosen().unwrap(),
            &Reading::PackedVarint { count: 3 }
        );
        assert_eq!(packed_varints(&bytes[2..]), [1, 2, 3]);
    }

    #[test]
    fn truncated_input_keeps_earlier_fields_and_names_the_offset() {
        let bytes = [0x08, 0x01, 0x12, 0x05, b'a', b'b'];
        let message = decode(&bytes);
        assert_eq!(message.fields.len(), 1);
        let error = message.error.unwrap();
        assert_eq!(error.offset, 3);
        assert_eq!(error.expected, "a length that fits in the input");
    }

    #[test]
    fn groups_nest_and_unbalanced_end_groups_are_errors() {
        // field 1 start group, field 2 varint 5, field 1 end group
        let message = decode(&[0x0b, 0x10, 0x05, 0x0c]);
        assert_eq!(message.error, None);
        match &message.fields[0].content {
            RawContent::Group { message } => assert_eq!(message.fields.len(), 1),
            other => panic!("{other:?}"),
        }
        let unbalanced = decode(&[0x0c]);
        assert_eq!(unbalanced.error.unwrap().offset, 0);
    }

    #[test]
    fn depth_limit_stops_recursion_without_failing() {
        // 100 levels of field 1 = { ... }
        let mut bytes: Vec<u8> = vec![0x08, 0x01];
        for _ in 0..100 {
            let mut outer = vec![0x0a];
            let mut length = bytes.len();
            while length >= 0x80 {
                outer.push((length as u8) | 0x80);
                length >>= 7;
            }
            outer.push(length as u8);
            outer.extend_from_slice(&bytes);
            bytes = outer;
        }
        let message = decode(&bytes);
        assert_eq!(message.error, None);
        let mut depth = 0;
        let mut current = &message;
        while let Some(field) = current.fields.first() {
            match field.chosen() {
                Some(Reading::Message { message }) => {
                    current = message;
                    depth += 1;
                }
                _ => break,
            }
        }
        assert!(depth <= DEFAULT_MAX_DEPTH, "depth {depth}");
    }
}
