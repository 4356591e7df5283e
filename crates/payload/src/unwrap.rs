//! Finds the chain of encodings around a payload (`base64 → gzip → JSON`) and peels them off.

use std::io::Read;

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::framing::{self, Frame, Framing};
use crate::protobuf::raw::{self, RawMessage};
use crate::text::literal::{self, Dialect, Literal};

/// Every format the inspector knows, as a step of a chain or as the final form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Json,
    Jsonc,
    NodeDump,
    // The same spelling as `Format::id`, the CLI's --format and the URL.
    #[serde(rename = "textproto")]
    TextProto,
    Xml,
    Hex,
    Base64,
    #[serde(rename = "base64url")]
    Base64Url,
    Gzip,
    /// Several messages, each after its varint length.
    Delimited,
    /// Several messages, each after gRPC / Connect's 5-byte header.
    Grpc,
    /// Several gzip members back to back (Mixin's Blaze frames).
    GzipFrames,
    Protobuf,
    Text,
}

impl Format {
    pub const ALL: [Format; 14] = [
        Format::Json,
        Format::Jsonc,
        Format::NodeDump,
        Format::TextProto,
        Format::Xml,
        Format::Hex,
        Format::Base64,
        Format::Base64Url,
        Format::Gzip,
        Format::Delimited,
        Format::Grpc,
        Format::GzipFrames,
        Format::Protobuf,
        Format::Text,
    ];

    /// (identifier used on the command line and in URLs, name shown to people)
    fn labels(self) -> (&'static str, &'static str) {
        match self {
            Format::Json => ("json", "JSON"),
            Format::Jsonc => ("jsonc", "JSON with comments"),
            Format::NodeDump => ("node_dump", "Node console dump"),
            Format::TextProto => ("textproto", "protobuf text format"),
            Format::Xml => ("xml", "XML"),
            Format::Hex => ("hex", "hex"),
            Format::Base64 => ("base64", "base64"),
            Format::Base64Url => ("base64url", "base64url"),
            Format::Gzip => ("gzip", "gzip"),
            Format::Delimited => ("delimited", "varint-delimited frames"),
            Format::Grpc => ("grpc", "gRPC / Connect frames"),
            Format::GzipFrames => ("gzip_frames", "gzip frames"),
            Format::Protobuf => ("protobuf", "protobuf"),
            Format::Text => ("text", "text"),
        }
    }

    pub fn name(self) -> &'static str {
        self.labels().1
    }

    /// The identifier used on the command line and in URLs.
    pub fn id(self) -> &'static str {
        self.labels().0
    }

    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.id() == id)
    }

    /// Encodings wrap another layer; the rest are final forms.
    pub fn is_encoding(self) -> bool {
        matches!(
            self,
            Format::Hex | Format::Base64 | Format::Base64Url | Format::Gzip
        )
    }
}

/// The decoded final form of a payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// JSON, JSON with comments or a Node dump (the chain's last step says which).
    Literal(Literal),
    /// Protobuf text format, as `protoc --decode` and API documentation print it.
    TextProto(Literal),
    Xml(String),
    Protobuf(RawMessage),
    Text(String),
    /// A stream cut into frames; each frame's content is decoded on its own.
    Frames(Vec<Frame>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnwrapError {
    /// Which step failed.
    pub format: Format,
    /// Byte offset in that step's input.
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for UnwrapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.format.name(),
            self.offset,
            self.message
        )
    }
}

impl std::error::Error for UnwrapError {}

/// Why one layer's bytes do not decode, and at which byte of that layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerError {
    pub offset: usize,
    pub message: String,
}

impl LayerError {
    fn at(offset: usize, message: impl Into<String>) -> LayerError {
        LayerError {
            offset,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for LayerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for LayerError {}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input, and largest decompressed layer, in bytes.
    pub max_size: usize,
    pub max_depth: usize,
    /// A protobuf body is read for its structure only: its fields, their length-delimited
    /// values left as bytes, not read as text or nested messages (see [`raw::decode_shallow`]).
    pub shallow: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_size: 16 * 1024 * 1024,
            max_depth: raw::DEFAULT_MAX_DEPTH,
            shallow: false,
        }
    }
}

/// A protobuf body, as deep as `limits` say.
fn decode_protobuf(bytes: &[u8], limits: Limits) -> raw::RawMessage {
    if limits.shallow {
        raw::decode_shallow(bytes, limits.max_depth)
    } else {
        raw::decode_at(bytes, 0, limits.max_depth)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unwrapped {
    /// The steps applied, outermost first; the last one is the final form.
    pub chain: Vec<Format>,
    /// The bytes the final form was decoded from (offsets in the tree refer to these).
    pub bytes: Vec<u8>,
    /// `None` only when a step failed.
    pub body: Option<Body>,
    pub error: Option<UnwrapError>,
}

/// Unwraps `input`, detecting each layer, or applying `forced` as the first step.
pub fn unwrap(input: &[u8], forced: Option<Format>, limits: Limits) -> Unwrapped {
    unwrap_detecting(input, forced, limits, true)
}

/// As [`unwrap`]; a frame's content is never detected as a stream of frames itself, so frames
/// nest one level and no deeper.
pub(crate) fn unwrap_detecting(
    input: &[u8],
    forced: Option<Format>,
    limits: Limits,
    allow_framing: bool,
) -> Unwrapped {
    let mut chain = Vec::new();
    if input.len() > limits.max_size {
        return Unwrapped {
            chain,
            bytes: Vec::new(),
            body: None,
            error: Some(UnwrapError {
                format: forced.unwrap_or(Format::Text),
                offset: limits.max_size,
                message: format!(
                    "the input is {} bytes, over the {} byte limit",
                    input.len(),
                    limits.max_size
                ),
            }),
        };
    }
    let mut bytes = input.to_vec();
    let mut next = forced;
    // Each encoding step shrinks or inflates a layer; eight steps is more than any real payload.
    for _ in 0..8 {
        let (format, outcome) = match next.take() {
            Some(format) => (format, apply(format, &bytes, limits)),
            None => detect_and_apply(&bytes, limits, allow_framing),
        };
        chain.push(format);
        match outcome {
            Ok(Step::Inner(inner)) => bytes = inner,
            Ok(Step::Final(body)) => {
                return Unwrapped {
                    chain,
                    bytes,
                    body: Some(body),
                    error: None,
                };
            }
            Err(error) => {
                // A malformed protobuf still has a partial body: everything before the fault.
                let body = match format {
                    Format::Protobuf => Some(Body::Protobuf(decode_protobuf(&bytes, limits))),
                    _ => None,
                };
                return Unwrapped {
                    chain,
                    bytes,
                    body,
                    error: Some(error),
                };
            }
        }
    }
    Unwrapped {
        chain,
        bytes,
        body: None,
        error: Some(UnwrapError {
            format: Format::Text,
            offset: 0,
            message: "more than 8 nested encodings".into(),
        }),
    }
}

enum Step {
    Inner(Vec<u8>),
    Final(Body),
}

fn apply(format: Format, bytes: &[u8], limits: Limits) -> Result<Step, UnwrapError> {
    let fail = |offset: usize, message: String| UnwrapError {
        format,
        offset,
        message,
    };
    let failed = |error: LayerError| fail(error.offset, error.message);
    match format {
        Format::Gzip => gunzip(bytes, limits.max_size)
            .map(Step::Inner)
            .map_err(|message| fail(0, message)),
        Format::Hex => decode_hex(bytes).map(Step::Inner).map_err(failed),
        Format::Base64 | Format::Base64Url => decode_base64(bytes).map(Step::Inner).map_err(failed),
        Format::TextProto => {
            let text = utf8(bytes).map_err(failed)?;
            crate::text::textproto::parse(text)
                .map(|value| Step::Final(Body::TextProto(value)))
                .map_err(|error| {
                    fail(
                        error.offset,
                        format!("expected {}, found {}", error.expected, error.found),
                    )
                })
        }
        Format::Json | Format::Jsonc | Format::NodeDump => {
            let text = utf8(bytes).map_err(failed)?;
            let dialect = match format {
                Format::Json => Dialect::Json,
                Format::Jsonc => Dialect::Jsonc,
                _ => Dialect::NodeDump,
            };
            literal::parse(text, dialect)
                .map(|value| Step::Final(Body::Literal(value)))
                .map_err(|error| {
                    fail(
                        error.offset,
                        format!("expected {}, found {}", error.expected, error.found),
                    )
                })
        }
        Format::Xml => {
            let text = utf8(bytes).map_err(failed)?;
            match roxmltree::Document::parse(text) {
                Ok(_) => Ok(Step::Final(Body::Xml(text.to_owned()))),
                Err(error) => {
                    let position = error.pos();
                    Err(fail(
                        line_column_to_offset(text, position.row, position.col),
                        error.to_string(),
                    ))
                }
            }
        }
        Format::Protobuf => {
            let message = decode_protobuf(bytes, limits);
            match &message.error {
                None => Ok(Step::Final(Body::Protobuf(message))),
                Some(error) => Err(fail(
                    error.offset,
                    format!("expected {}, found {}", error.expected, error.found),
                )),
            }
        }
        Format::Text => Ok(Step::Final(Body::Text(
            String::from_utf8_lossy(bytes).into_owned(),
        ))),
        Format::Delimited | Format::Grpc | Format::GzipFrames => {
            let framing = match format {
                Format::Delimited => Framing::Delimited,
                Format::Grpc => Framing::Grpc,
                _ => Framing::GzipMembers,
            };
            framing::split(framing, bytes, limits.max_size)
                .map(|frames| Step::Final(Body::Frames(frames)))
                .map_err(|error| fail(error.offset, error.message))
        }
    }
}

/// The format a detected framing is spelled as in a chain.
fn framing_format(framing: Framing) -> Format {
    match framing {
        Framing::Delimited => Format::Delimited,
        Framing::Grpc => Format::Grpc,
        Framing::GzipMembers => Format::GzipFrames,
    }
}

/// Guesses the outermost format and peels it in the same pass: the parse or decode that
/// confirms a guess is the one whose result is kept.
fn detect_and_apply(
    bytes: &[u8],
    limits: Limits,
    allow_framing: bool,
) -> (Format, Result<Step, UnwrapError>) {
    let with = |format: Format| (format, apply(format, bytes, limits));
    // A stream is recognized only where no other reading fits (see `framing::detect`): one
    // protobuf message is tried first, and costs nothing more when it is one.
    let binary = || {
        let protobuf = with(Format::Protobuf);
        if protobuf.1.is_err()
            && allow_framing
            && let Some(framing) = framing::detect(bytes)
        {
            return with(framing_format(framing));
        }
        protobuf
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        // Inflating the first member shows whether another one follows: a stream of them.
        return match gunzip_member(bytes, limits.max_size) {
            Ok((_, rest)) if allow_framing && rest.starts_with(&[0x1f, 0x8b]) => {
                with(Format::GzipFrames)
            }
            outcome => (
                Format::Gzip,
                outcome
                    .map(|(inner, _)| Step::Inner(inner))
                    .map_err(|message| UnwrapError {
                        format: Format::Gzip,
                        offset: 0,
                        message,
                    }),
            ),
        };
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return binary();
    };
    let trimmed = text.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let json = with(Format::Json);
        if json.1.is_ok() {
            return json;
        }
        for dialect in [Format::Jsonc, Format::NodeDump] {
            let attempt = with(dialect);
            if attempt.1.is_ok() {
                return attempt;
            }
        }
        return if looks_like_node_dump(trimmed) {
            with(Format::NodeDump)
        } else {
            json
        };
    }
    if trimmed.starts_with('<') {
        return with(Format::Xml);
    }
    if trimmed.is_empty() {
        return with(Format::Text);
    }
    if crate::text::textproto::looks_like(trimmed) {
        let attempt = with(Format::TextProto);
        if attempt.1.is_ok() {
            return attempt;
        }
    }
    if is_hex(trimmed) {
        return with(Format::Hex);
    }
    if let Some(format) = base64_kind(trimmed)
        && let Ok(decoded) = decode_base64(trimmed.as_bytes())
        && plausible_payload(&decoded, limits)
    {
        return (format, Ok(Step::Inner(decoded)));
    }
    if raw::is_printable(text) {
        return with(Format::Text);
    }
    binary()
}

fn looks_like_node_dump(text: &str) -> bool {
    text.contains(": '") || text.contains("Long {") || text.contains(" l {")
}

/// Whether decoded bytes look like something rather than noise: gzip, a complete protobuf
/// message, or printable UTF-8.
fn plausible_payload(bytes: &[u8], limits: Limits) -> bool {
    if bytes.is_empty() {
        return false;
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return true;
    }
    if std::str::from_utf8(bytes).is_ok_and(raw::is_printable) {
        return true;
    }
    limits.max_depth > 0 && raw::is_message(bytes)
}

fn is_hex(text: &str) -> bool {
    let mut digits = 0usize;
    for byte in text.bytes() {
        if byte.is_ascii_hexdigit() {
            digits += 1;
        } else if !byte.is_ascii_whitespace() {
            return false;
        }
    }
    digits >= 2 && digits.is_multiple_of(2)
}

/// Which base64 alphabet `text` uses, if it is base64 at all (padding optional).
fn base64_kind(text: &str) -> Option<Format> {
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 || body.is_empty() {
        return None;
    }
    let mut url = false;
    let mut standard = false;
    for byte in body.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => {}
            b'+' | b'/' => standard = true,
            b'-' | b'_' => url = true,
            b'\n' | b'\r' => {}
            _ => return None,
        }
    }
    let length = body.bytes().filter(|b| !b.is_ascii_whitespace()).count();
    if length % 4 == 1 || (url && standard) {
        return None;
    }
    Some(if url {
        Format::Base64Url
    } else {
        Format::Base64
    })
}

fn utf8(bytes: &[u8]) -> Result<&str, LayerError> {
    std::str::from_utf8(bytes).map_err(|error| {
        LayerError::at(
            error.valid_up_to(),
            "expected UTF-8 text, found an invalid byte sequence",
        )
    })
}

pub fn decode_hex(bytes: &[u8]) -> Result<Vec<u8>, LayerError> {
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let mut high: Option<u8> = None;
    for (offset, &byte) in bytes.iter().enumerate() {
        if byte.is_ascii_whitespace() {
            continue;
        }
        let nibble = match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            b'A'..=b'F' => byte - b'A' + 10,
            _ => {
                return Err(LayerError::at(
                    offset,
                    format!("expected a hex digit, found {:?}", byte as char),
                ));
            }
        };
        match high.take() {
            Some(high) => out.push(high << 4 | nibble),
            None => high = Some(nibble),
        }
    }
    if high.is_some() {
        return Err(LayerError::at(
            bytes.len(),
            "expected an even number of hex digits",
        ));
    }
    Ok(out)
}

/// Decodes standard or URL-safe base64, padded or not, ignoring line breaks.
pub fn decode_base64(bytes: &[u8]) -> Result<Vec<u8>, LayerError> {
    let cleaned: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|byte| !byte.is_ascii_whitespace())
        .map(|byte| match byte {
            b'-' => b'+',
            b'_' => b'/',
            other => other,
        })
        .collect();
    let unpadded = cleaned
        .strip_suffix(b"==")
        .or_else(|| cleaned.strip_suffix(b"="))
        .unwrap_or(&cleaned);
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(unpadded)
        .map_err(|error| match error {
            base64::DecodeError::InvalidByte(offset, byte) => LayerError::at(
                offset,
                format!("expected a base64 character, found {:?}", byte as char),
            ),
            other => LayerError::at(unpadded.len(), other.to_string()),
        })
}

fn gunzip(bytes: &[u8], max_size: usize) -> Result<Vec<u8>, String> {
    gunzip_member(bytes, max_size).map(|(inflated, _)| inflated)
}

/// The first gzip member inflated, and the bytes after it.
fn gunzip_member(bytes: &[u8], max_size: usize) -> Result<(Vec<u8>, &[u8]), String> {
    let mut out = Vec::new();
    let mut decoder = flate2::bufread::GzDecoder::new(bytes);
    (&mut decoder)
        .take(max_size as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|error| format!("the gzip stream is corrupt: {error}"))?;
    if out.len() > max_size {
        return Err(format!("decompresses to more than {max_size} bytes"));
    }
    Ok((out, decoder.into_inner()))
}

fn line_column_to_offset(text: &str, row: u32, column: u32) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line = &text[line_start..];
    line_start
        + line
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(line.len(), |(offset, _)| offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(input: &[u8]) -> Vec<Format> {
        unwrap(input, None, Limits::default()).chain
    }

    #[test]
    fn detects_each_format() {
        assert_eq!(chain(br#"{"a":1}"#), [Format::Json]);
        assert_eq!(chain(b"{ a: 'x' }"), [Format::NodeDump]);
        assert_eq!(chain(b"{ \"a\": 1 // note\n}"), [Format::Jsonc]);
        assert_eq!(
            chain(b"status { code: 1 msg: \"ok\" }"),
            [Format::TextProto]
        );
        assert_eq!(chain(b"<msg><img/></msg>"), [Format::Xml]);
        assert_eq!(chain(b"08 96 01"), [Format::Hex, Format::Protobuf]);
        assert_eq!(chain(b"CAIQAw=="), [Format::Base64, Format::Protobuf]);
        assert_eq!(chain(b"CAIQAw"), [Format::Base64, Format::Protobuf]);
        assert_eq!(chain(b"aGVsbG8"), [Format::Base64, Format::Text]);
        assert_eq!(
            chain(b"eyJhIjoxfQ"),
            [Format::Base64, Format::Json],
            "base64url JSON, unpadded"
        );
        assert_eq!(chain(&[0x08, 0x96, 0x01]), [Format::Protobuf]);
        assert_eq!(chain("你好".as_bytes()), [Format::Text]);
    }

    #[test]
    fn gzip_frames_unwrap_to_json() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder
            .write_all(br#"{"id":"1","action":"LIST_PENDING_MESSAGES"}"#)
            .unwrap();
        let gzipped = encoder.finish().unwrap();
        assert_eq!(chain(&gzipped), [Format::Gzip, Format::Json]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&gzipped);
        assert_eq!(
            chain(b64.as_bytes()),
            [Format::Base64, Format::Gzip, Format::Json]
        );
    }

    #[test]
    fn serialized_names_are_the_ids() {
        for format in Format::ALL {
            assert_eq!(serde_json::to_value(format).unwrap(), format.id());
        }
    }

    #[test]
    fn forcing_a_format_overrides_detection() {
        let forced = unwrap(b"deadbeef", Some(Format::Base64), Limits::default());
        assert_eq!(forced.chain[0], Format::Base64);
        let forced = unwrap(b"deadbeef", Some(Format::Text), Limits::default());
        assert_eq!(forced.body, Some(Body::Text("deadbeef".into())));
    }

    #[test]
    fn errors_carry_format_and_offset_and_keep_partial_protobuf() {
        let result = unwrap(&[0x08, 0x01, 0x12, 0x09, 0x41], None, Limits::default());
        let error = result.error.unwrap();
        assert_eq!(error.format, Format::Protobuf);
        assert_eq!(error.offset, 3);
        match result.body {
            Some(Body::Protobuf(message)) => assert_eq!(message.fields().count(), 1),
            other => panic!("{other:?}"),
        }
        let bad_json = unwrap(br#"{"a": }"#, Some(Format::Json), Limits::default());
        assert_eq!(bad_json.error.unwrap().offset, 6);
        let bad_hex = unwrap(b"0a 0", Some(Format::Hex), Limits::default());
        assert_eq!(bad_hex.error.unwrap().format, Format::Hex);
    }

    #[test]
    fn size_limit_is_enforced() {
        let limits = Limits {
            max_size: 4,
            ..Limits::default()
        };
        let result = unwrap(b"0123456789", None, limits);
        assert!(
            result
                .error
                .unwrap()
                .message
                .contains("over the 4 byte limit")
        );
    }
}
