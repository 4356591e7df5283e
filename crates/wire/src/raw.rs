//! Schema-less protobuf decoding, better than `protoc --decode_raw`: every field keeps its byte
//! ranges, every length-delimited value gets its most plausible reading (the others are ranked on
//! demand, see [`readings`]), and malformed input yields everything decoded before the error plus
//! the error's offset.
//!
//! All fields of one decode live in one flat arena in document order: a field is followed by the
//! fields nested in it, and knows how many there are. Decoding allocates once per input rather
//! than once per nested message, and choosing a reading never builds the losing ones.

use std::ops::{Deref, Range};

use crate::wire::{Found, Reader, WireError, WireType};

/// Nesting deeper than this is shown as bytes rather than decoded further.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// One decoded protobuf message with everything nested in it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawMessage {
    /// The top-level fields, each followed by its descendants.
    arena: Vec<RawField>,
    /// Where decoding stopped, when the input is malformed; the fields hold what came before.
    pub error: Option<Box<WireError>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawField {
    pub number: u32,
    pub wire_type: WireType,
    /// Absolute byte range of the tag.
    pub tag: Range<usize>,
    /// Absolute byte range of the value (for `len`, without the length prefix).
    pub value: Range<usize>,
    pub content: RawContent,
    /// How many arena entries after this one are nested inside it.
    descendants: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// The most plausible reading; its nested fields (for a message) follow in the arena.
    Len {
        reading: Reading,
    },
    /// A (deprecated) group; its fields follow in the arena.
    Group,
}

/// One way to read a length-delimited value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A well-formed nested message.
    Message,
    /// Valid UTF-8; `printable` is false when it holds control characters.
    Text {
        printable: bool,
    },
    /// Values are read from the bytes when shown (see [`packed_varints`]).
    PackedVarint {
        count: usize,
    },
    /// Packed `sint32` / `sint64`: varints, zigzag-decoded.
    PackedZigzag {
        count: usize,
    },
    PackedFixed32 {
        count: usize,
    },
    PackedFloat {
        count: usize,
    },
    PackedFixed64 {
        count: usize,
    },
    PackedDouble {
        count: usize,
    },
    Bytes,
}

impl Reading {
    /// Every reading's [`Reading::name`].
    pub const NAMES: [&'static str; 9] = [
        "message",
        "string",
        "packed varint",
        "packed fixed32",
        "packed fixed64",
        "packed zigzag",
        "packed float",
        "packed double",
        "bytes",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Reading::Message => "message",
            Reading::Text { .. } => "string",
            Reading::PackedVarint { .. } => "packed varint",
            Reading::PackedFixed32 { .. } => "packed fixed32",
            Reading::PackedFixed64 { .. } => "packed fixed64",
            Reading::PackedZigzag { .. } => "packed zigzag",
            Reading::PackedFloat { .. } => "packed float",
            Reading::PackedDouble { .. } => "packed double",
            Reading::Bytes => "bytes",
        }
    }
}

/// A message inside a decode: its fields and their descendants, borrowed from the arena.
#[derive(Debug, Clone, Copy, Default)]
pub struct Message<'a> {
    entries: &'a [RawField],
}

/// A field with access to what is nested in it.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    field: &'a RawField,
    nested: &'a [RawField],
}

/// The fields of one message, in order.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    rest: &'a [RawField],
}

impl<'a> Iterator for Fields<'a> {
    type Item = Field<'a>;

    fn next(&mut self) -> Option<Field<'a>> {
        let (field, after) = self.rest.split_first()?;
        let (nested, rest) = after.split_at(field.descendants as usize);
        self.rest = rest;
        Some(Field { field, nested })
    }
}

impl<'a> Message<'a> {
    pub fn fields(self) -> Fields<'a> {
        Fields { rest: self.entries }
    }

    /// The first field with this number.
    pub fn field(self, number: u32) -> Option<Field<'a>> {
        self.fields().find(|field| field.number == number)
    }

    pub fn is_empty(self) -> bool {
        self.entries.is_empty()
    }

    /// Absolute byte range from the first tag to the end of the last value.
    pub fn range(self) -> Option<Range<usize>> {
        let first = self.entries.first()?;
        let last = self.fields().last()?;
        Some(first.tag.start..last.value.end)
    }
}

impl<'a> Deref for Field<'a> {
    type Target = RawField;

    fn deref(&self) -> &RawField {
        self.field
    }
}

impl<'a> Field<'a> {
    /// The chosen reading of a length-delimited field.
    pub fn reading(self) -> Option<Reading> {
        match self.field.content {
            RawContent::Len { reading } => Some(reading),
            _ => None,
        }
    }

    /// The nested message, when the value was read as one (or is a group).
    pub fn message(self) -> Option<Message<'a>> {
        match self.field.content {
            RawContent::Len {
                reading: Reading::Message,
            }
            | RawContent::Group => Some(Message {
                entries: self.nested,
            }),
            _ => None,
        }
    }
}

impl RawMessage {
    pub fn root(&self) -> Message<'_> {
        Message {
            entries: &self.arena,
        }
    }

    /// The top-level fields, in order.
    pub fn fields(&self) -> Fields<'_> {
        self.root().fields()
    }

    /// The first top-level field with this number.
    pub fn field(&self, number: u32) -> Option<Field<'_>> {
        self.root().field(number)
    }

    /// Whether no field was decoded at all.
    pub fn is_empty(&self) -> bool {
        self.arena.is_empty()
    }
}

/// Decodes `bytes` as a protobuf message with no schema. Never panics; a malformed input gives
/// the fields before the fault and the fault itself.
pub fn decode(bytes: &[u8]) -> RawMessage {
    decode_at(bytes, 0, DEFAULT_MAX_DEPTH)
}

/// As [`decode`], with offsets starting at `base` and nesting limited to `max_depth`.
pub fn decode_at(bytes: &[u8], base: usize, max_depth: usize) -> RawMessage {
    decode_with(bytes, base, max_depth, true)
}

/// As [`decode_at`] from offset 0, reading the message's structure only: every
/// length-delimited value is left as [`Reading::Bytes`], neither text nor a nested message.
/// Whether the bytes are a well-formed message, and where they fail, is the same; what a
/// reader that decodes the message by its schema anyway needs (a 1 MB list's values are not
/// looked into twice).
pub fn decode_shallow(bytes: &[u8], max_depth: usize) -> RawMessage {
    decode_with(bytes, 0, max_depth, false)
}

fn decode_with(bytes: &[u8], base: usize, max_depth: usize, read_values: bool) -> RawMessage {
    let mut decoder = Decoder {
        // A field takes two bytes at least and usually many more: a guess that saves most regrowth.
        arena: Vec::with_capacity(bytes.len() / 16 + 4),
        read_values,
    };
    let result = decoder.read_fields(&mut Reader::new(bytes, base), max_depth, None);
    RawMessage {
        arena: decoder.arena,
        error: result.err().map(Box::new),
    }
}

/// Decodes strictly: the whole input must be a well-formed message, or `None`.
pub fn decode_strict(bytes: &[u8], base: usize, depth_left: usize) -> Option<RawMessage> {
    let mut decoder = Decoder {
        arena: Vec::new(),
        read_values: true,
    };
    decoder
        .read_fields(&mut Reader::new(bytes, base), depth_left, None)
        .ok()?;
    Some(RawMessage {
        arena: decoder.arena,
        error: None,
    })
}

struct Decoder {
    arena: Vec<RawField>,
    /// Length-delimited values are read as their best reading ([`Decoder::choose`]), else
    /// left as bytes.
    read_values: bool,
}

impl Decoder {
    /// Reads fields until the end of input, or until the end-group tag of `group` when inside one.
    fn read_fields(
        &mut self,
        reader: &mut Reader<'_>,
        depth_left: usize,
        group: Option<u32>,
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
                    let value_bytes = reader.slice(relative);
                    let start = reader.offset() - value_bytes.len();
                    let index = self.open(number, wire_type, tag, start..reader.offset());
                    let reading = if self.read_values {
                        self.choose(value_bytes, start, depth_left)
                    } else {
                        Reading::Bytes
                    };
                    self.close(index, RawContent::Len { reading }, reader.offset());
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
                    let index = self.open(number, wire_type, tag, value_start..value_start);
                    self.read_fields(reader, depth_left - 1, Some(number))?;
                    self.close(index, RawContent::Group, reader.offset());
                    continue;
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
            self.arena.push(RawField {
                number,
                wire_type,
                tag,
                value: value_start..reader.offset(),
                content,
                descendants: 0,
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

    /// Pushes a field whose nested fields are about to follow it.
    fn open(
        &mut self,
        number: u32,
        wire_type: WireType,
        tag: Range<usize>,
        value: Range<usize>,
    ) -> usize {
        self.arena.push(RawField {
            number,
            wire_type,
            tag,
            value,
            content: RawContent::Len {
                reading: Reading::Bytes,
            },
            descendants: 0,
        });
        self.arena.len() - 1
    }

    fn close(&mut self, index: usize, content: RawContent, value_end: usize) {
        let descendants = (self.arena.len() - index - 1) as u32;
        let field = &mut self.arena[index];
        field.content = content;
        field.value.end = value_end;
        field.descendants = descendants;
    }

    /// The best reading of a length-delimited value — always [`readings`]' first — decoding
    /// the nested message into the arena when that is the one.
    fn choose(&mut self, bytes: &[u8], base: usize, depth_left: usize) -> Reading {
        let Some(&first) = bytes.first() else {
            return Reading::Text { printable: true };
        };
        // A value starting with a control byte is no printable text: a message is checked first,
        // sparing the UTF-8 scan of every nested message at every level.
        let control = first < 0x20 || first == 0x7f;
        if control && self.nested_message(bytes, base, depth_left) {
            return Reading::Message;
        }
        let text = std::str::from_utf8(bytes).ok();
        if text.is_some_and(is_printable) {
            return Reading::Text { printable: true };
        }
        if !control && self.nested_message(bytes, base, depth_left) {
            return Reading::Message;
        }
        match scan_varints(bytes) {
            Some((count, largest)) if largest < SMALL_VARINT => Reading::PackedVarint { count },
            _ if text.is_some() => Reading::Text { printable: false },
            _ => Reading::Bytes,
        }
    }

    /// Decodes `bytes` as a nested message into the arena; on failure the arena is as before.
    fn nested_message(&mut self, bytes: &[u8], base: usize, depth_left: usize) -> bool {
        // Decoded straight away rather than checked first: a failure costs the fields before it,
        // a success (the common case) would otherwise pay for two passes.
        if depth_left == 0 {
            return false;
        }
        let mark = self.arena.len();
        let decoded = self
            .read_fields(&mut Reader::new(bytes, base), depth_left - 1, None)
            .is_ok();
        if !decoded {
            self.arena.truncate(mark);
        }
        decoded
    }
}

/// Packed small integers (all under 2^14) are common; long varints in random bytes are not.
const SMALL_VARINT: u64 = 1 << 14;

/// All plausible readings of a length-delimited value, best first (a message reading is only
/// checked for well-formedness, not built). The ranking is what keeps short printable strings
/// from being shown as messages (protoc's known failure): printable text only loses to a message
/// when the bytes start like a message's first tag would.
pub fn readings(bytes: &[u8], depth_left: usize) -> Vec<Reading> {
    let text = std::str::from_utf8(bytes).ok();
    let printable = text.map(is_printable);
    let mut ranked = Ranked::default();
    if depth_left > 0 && !bytes.is_empty() && is_message(bytes) {
        let score = match printable {
            // Printable text that also parses as a message: only a leading \t, \n or \r (field
            // 1's tag for fixed64, len or fixed32) makes the message reading the likelier one.
            Some(true) if !matches!(bytes[0], b'\t' | b'\n' | b'\r') => 60,
            Some(true) => 85,
            _ => 90,
        };
        ranked.insert(score, Reading::Message);
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
        // Each packed reading is offered whenever the bytes are a whole number of its values;
        // the signed and floating ones rank just below their unsigned twins (the user picks).
        if let Some((count, largest)) = scan_varints(bytes) {
            let score = if largest < SMALL_VARINT { 50 } else { 20 };
            ranked.insert(score, Reading::PackedVarint { count });
            ranked.insert(score - 1, Reading::PackedZigzag { count });
        }
        if bytes.len().is_multiple_of(4) {
            let count = bytes.len() / 4;
            ranked.insert(15, Reading::PackedFixed32 { count });
            ranked.insert(13, Reading::PackedFloat { count });
        }
        if bytes.len().is_multiple_of(8) {
            let count = bytes.len() / 8;
            ranked.insert(14, Reading::PackedFixed64 { count });
            ranked.insert(12, Reading::PackedDouble { count });
        }
    }
    ranked.insert(30, Reading::Bytes);
    ranked.readings
}

/// Readings kept in descending score order as they are inserted (at most nine kinds).
struct Ranked {
    scores: [u32; 9],
    readings: Vec<Reading>,
}

impl Default for Ranked {
    fn default() -> Self {
        Ranked {
            scores: [0; 9],
            readings: Vec::with_capacity(9),
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
    // The control characters are U+0000..=U+001F and U+007F..=U+009F; in UTF-8 the last run is
    // 0xC2 followed by 0x80..=0x9F, and 0xC2 is never a continuation byte. So a byte scan, in
    // chunks the compiler vectorizes, replaces decoding chars.
    let bytes = text.as_bytes();
    let suspicious = |byte: u8| byte < 0x20 || byte == 0x7f || byte == 0xc2;
    let mut offset = 0;
    for chunk in bytes.chunks(32) {
        if chunk
            .iter()
            .fold(false, |any, &byte| any | suspicious(byte))
        {
            for (index, &byte) in chunk.iter().enumerate() {
                let control = match byte {
                    b'\t' | b'\n' | b'\r' => false,
                    0xc2 => matches!(bytes.get(offset + index + 1), Some(0x80..=0x9f)),
                    _ => suspicious(byte),
                };
                if control {
                    return false;
                }
            }
        }
        offset += chunk.len();
    }
    true
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

/// The values of a packed varint field with each one's byte range (relative to `bytes`).
pub fn packed_varints_at(bytes: &[u8]) -> Vec<(u64, std::ops::Range<usize>)> {
    let mut reader = Reader::new(bytes, 0);
    let mut values = Vec::new();
    loop {
        let start = reader.offset();
        match reader.read_varint() {
            Ok(value) => values.push((value, start..reader.offset())),
            Err(_) => return values,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shallow_decode_reads_the_structure_and_fails_where_the_full_one_does() {
        // field 1: a nested message {1: "hi"}; field 2: text; field 3: varint 5.
        let bytes = [
            0x0a, 0x04, 0x0a, 0x02, b'h', b'i', 0x12, 0x02, b'o', b'k', 0x18, 0x05,
        ];
        let shallow = decode_shallow(&bytes, 1);
        let readings: Vec<RawContent> = shallow.root().fields().map(|f| f.field.content).collect();
        assert_eq!(
            readings,
            [
                RawContent::Len {
                    reading: Reading::Bytes
                },
                RawContent::Len {
                    reading: Reading::Bytes
                },
                RawContent::Varint { value: 5 },
            ],
            "values left as bytes, nothing nested"
        );
        assert_eq!(shallow.arena.len(), 3, "nothing nested decoded");
        assert!(shallow.error.is_none());
        // Cut inside field 2: both fail at the same byte.
        let cut = &bytes[..8];
        assert_eq!(
            decode_shallow(cut, 1).error.map(|error| error.offset),
            decode_at(cut, 0, 1).error.map(|error| error.offset)
        );
        assert!(decode_shallow(cut, 1).error.is_some());
    }

    #[test]
    fn decodes_scalars_with_ranges() {
        // field 1 varint 150, field 2 fixed32, field 3 fixed64
        let bytes = [
            0x08, 0x96, 0x01, 0x15, 1, 0, 0, 0, 0x19, 2, 0, 0, 0, 0, 0, 0, 0,
        ];
        let message = decode(&bytes);
        assert_eq!(message.error, None);
        let fields: Vec<Field> = message.fields().collect();
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0].tag, 0..1);
        assert_eq!(fields[0].value, 1..3);
        assert_eq!(fields[0].content, RawContent::Varint { value: 150 });
        assert_eq!(fields[1].content, RawContent::Fixed32 { bits: 1 });
        assert_eq!(fields[2].content, RawContent::Fixed64 { bits: 2 });
        assert_eq!(fields[2].value, 9..17);
    }

    #[test]
    fn short_printable_strings_are_not_messages() {
        // "Hi" is also a valid message {9: 105}: protoc --decode_raw shows the message.
        let bytes = [0x0a, 0x02, b'H', b'i'];
        let message = decode(&bytes);
        let field = message.field(1).unwrap();
        assert_eq!(field.reading(), Some(Reading::Text { printable: true }));
        let readings = readings(&bytes[2..], DEFAULT_MAX_DEPTH);
        assert_eq!(readings[0], Reading::Text { printable: true });
        assert!(
            readings.contains(&Reading::Message),
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
        let nested = message.field(2).unwrap().message().unwrap();
        let nested: Vec<Field> = nested.fields().collect();
        assert_eq!(nested[0].value, 4..7, "offsets are absolute");
        assert_eq!(nested[1].content, RawContent::Varint { value: 7 });
    }

    #[test]
    fn packed_small_varints_are_preferred_to_bytes() {
        let bytes = [0x22, 0x03, 0x01, 0x02, 0x03];
        let message = decode(&bytes);
        assert_eq!(
            message.field(4).unwrap().reading(),
            Some(Reading::PackedVarint { count: 3 })
        );
        assert_eq!(packed_varints(&bytes[2..]), [1, 2, 3]);
    }

    #[test]
    fn truncated_input_keeps_earlier_fields_and_names_the_offset() {
        let bytes = [0x08, 0x01, 0x12, 0x05, b'a', b'b'];
        let message = decode(&bytes);
        assert_eq!(message.fields().count(), 1);
        let error = message.error.unwrap();
        assert_eq!(error.offset, 3);
        assert_eq!(error.expected, "a length that fits in the input");
    }

    #[test]
    fn groups_nest_and_unbalanced_end_groups_are_errors() {
        // field 1 start group, field 2 varint 5, field 1 end group
        let message = decode(&[0x0b, 0x10, 0x05, 0x0c]);
        assert_eq!(message.error, None);
        let group = message.field(1).unwrap();
        assert_eq!(group.content, RawContent::Group);
        assert_eq!(group.message().unwrap().fields().count(), 1);
        assert_eq!(
            group.value,
            1..4,
            "the value runs to the end-group tag's end"
        );
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
        let mut current = message.root();
        while let Some(inner) = current.field(1).and_then(Field::message) {
            current = inner;
            depth += 1;
        }
        assert!(depth <= DEFAULT_MAX_DEPTH, "depth {depth}");
    }
}
