//! Protobuf wire primitives: varints, tags and wire types, each read with the byte offset of
//! any failure.

use std::fmt;

use serde::Serialize;

/// What a malformed input was missing, and where: the byte offset is absolute in the layer
/// being decoded, so the UI can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireError {
    pub offset: usize,
    pub expected: &'static str,
    #[serde(serialize_with = "serialize_display")]
    pub found: Found,
}

/// What stood where something else was expected. Structured rather than formatted: failed
/// trial parses (is this string a message?) happen for every length-delimited field and must
/// not allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    EndOfInput,
    TenthByteAboveOne,
    LongerVarint,
    WireType(u8),
    FieldNumber(u64),
    Length { length: u64, left: usize },
    BytesLeft(usize),
    GroupTooDeep,
    EndGroup(u32),
    EndInsideGroup(u32),
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::EndOfInput => write!(f, "end of input"),
            Found::TenthByteAboveOne => write!(f, "a 10th byte above 1"),
            Found::LongerVarint => write!(f, "a longer one"),
            Found::WireType(bits) => write!(f, "wire type {bits}"),
            Found::FieldNumber(number) => write!(f, "field number {number}"),
            Found::Length { length, left } => write!(f, "length {length} with {left} bytes left"),
            Found::BytesLeft(left) => write!(f, "{left} bytes before the end"),
            Found::GroupTooDeep => write!(f, "a group nested too deep"),
            Found::EndGroup(number) => write!(f, "end-group tag for field {number}"),
            Found::EndInsideGroup(number) => write!(f, "end of input inside group {number}"),
        }
    }
}

fn serialize_display<S: serde::Serializer>(
    found: &Found,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(found)
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte {}: expected {}, found {}",
            self.offset, self.expected, self.found
        )
    }
}

impl std::error::Error for WireError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireType {
    Varint,
    Fixed64,
    Len,
    StartGroup,
    EndGroup,
    Fixed32,
}

impl WireType {
    pub fn from_bits(bits: u64) -> Option<Self> {
        Some(match bits {
            0 => Self::Varint,
            1 => Self::Fixed64,
            2 => Self::Len,
            3 => Self::StartGroup,
            4 => Self::EndGroup,
            5 => Self::Fixed32,
            _ => return None,
        })
    }

    pub fn bits(self) -> u8 {
        match self {
            Self::Varint => 0,
            Self::Fixed64 => 1,
            Self::Len => 2,
            Self::StartGroup => 3,
            Self::EndGroup => 4,
            Self::Fixed32 => 5,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Varint => "varint",
            Self::Fixed64 => "fixed64",
            Self::Len => "len",
            Self::StartGroup => "start_group",
            Self::EndGroup => "end_group",
            Self::Fixed32 => "fixed32",
        }
    }
}

/// The largest field number protobuf allows (2^29 - 1).
pub const MAX_FIELD_NUMBER: u64 = (1 << 29) - 1;

/// A cursor over one layer's bytes; `base` makes reported offsets absolute.
pub struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], base: usize) -> Self {
        Reader {
            bytes,
            position: 0,
            base,
        }
    }

    pub fn is_at_end(&self) -> bool {
        self.position >= self.bytes.len()
    }

    /// Absolute offset of the next byte.
    pub fn offset(&self) -> usize {
        self.base + self.position
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    fn error(&self, expected: &'static str, found: Found) -> WireError {
        WireError {
            offset: self.offset(),
            expected,
            found,
        }
    }

    pub fn read_varint(&mut self) -> Result<u64, WireError> {
        // Most varints (tags, small numbers, lengths) are one byte.
        if let Some(&byte) = self.bytes.get(self.position)
            && byte < 0x80
        {
            self.position += 1;
            return Ok(u64::from(byte));
        }
        let start = self.offset();
        let mut value: u64 = 0;
        for index in 0..10 {
            let Some(&byte) = self.bytes.get(self.position) else {
                return Err(WireError {
                    offset: self.offset(),
                    expected: "another varint byte",
                    found: Found::EndOfInput,
                });
            };
            self.position += 1;
            if index == 9 && byte > 1 {
                return Err(WireError {
                    offset: start,
                    expected: "a varint of at most 64 bits",
                    found: Found::TenthByteAboveOne,
                });
            }
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(WireError {
            offset: start,
            expected: "a varint of at most 10 bytes",
            found: Found::LongerVarint,
        })
    }

    /// Reads a field tag, checking the field number and wire type are legal.
    pub fn read_tag(&mut self) -> Result<(u32, WireType), WireError> {
        let start = self.offset();
        let key = self.read_varint()?;
        let number = key >> 3;
        let wire_type = WireType::from_bits(key & 7).ok_or(WireError {
            offset: start,
            expected: "a wire type 0-5",
            found: Found::WireType((key & 7) as u8),
        })?;
        if number == 0 || number > MAX_FIELD_NUMBER {
            return Err(WireError {
                offset: start,
                expected: "a field number between 1 and 536870911",
                found: Found::FieldNumber(number),
            });
        }
        Ok((number as u32, wire_type))
    }

    pub fn read_fixed<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        if self.remaining() < N {
            return Err(self.error(
                if N == 4 {
                    "4 bytes of fixed32"
                } else {
                    "8 bytes of fixed64"
                },
                Found::BytesLeft(self.remaining()),
            ));
        }
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[self.position..self.position + N]);
        self.position += N;
        Ok(out)
    }

    /// Reads a length prefix and returns the relative range of the bytes it announces.
    pub fn read_len(&mut self) -> Result<std::ops::Range<usize>, WireError> {
        let prefix_offset = self.offset();
        let length = self.read_varint()?;
        if length > self.remaining() as u64 {
            return Err(WireError {
                offset: prefix_offset,
                expected: "a length that fits in the input",
                found: Found::Length {
                    length,
                    left: self.remaining(),
                },
            });
        }
        let start = self.position;
        self.position += length as usize;
        Ok(start..self.position)
    }

    pub fn slice(&self, range: std::ops::Range<usize>) -> &'a [u8] {
        &self.bytes[range]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_decode_and_truncation_reports_its_offset() {
        let mut reader = Reader::new(&[0x96, 0x01, 0xff], 100);
        assert_eq!(reader.read_varint().unwrap(), 150);
        let error = reader.read_varint().unwrap_err();
        assert_eq!(error.offset, 103);
        assert_eq!(error.expected, "another varint byte");
    }

    #[test]
    fn max_u64_varint_is_exact() {
        let bytes = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(Reader::new(&bytes, 0).read_varint().unwrap(), u64::MAX);
        let overflow = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(Reader::new(&overflow, 0).read_varint().is_err());
    }

    #[test]
    fn tags_reject_field_zero_and_wire_types_6_and_7() {
        assert!(Reader::new(&[0x02], 0).read_tag().is_err());
        assert!(Reader::new(&[0x0e], 0).read_tag().is_err());
        assert_eq!(
            Reader::new(&[0x0a], 0).read_tag().unwrap(),
            (1, WireType::Len)
        );
    }

    #[test]
    fn overlong_length_names_the_prefix_offset() {
        let mut reader = Reader::new(&[0x0a, 0x05, b'a'], 0);
        reader.read_tag().unwrap();
        let error = reader.read_len().unwrap_err();
        assert_eq!(error.offset, 1);
        assert_eq!(error.found.to_string(), "length 5 with 1 bytes left");
    }
}
