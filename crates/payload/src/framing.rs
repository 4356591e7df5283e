//! Several messages in one payload, split into frames: varint-length-delimited (protobuf's
//! `writeDelimitedTo`, `parseDelimitedFrom`), gRPC and Connect's 5-byte headers (a flag byte,
//! then the length as a big-endian u32), and gzip members one after another (Mixin's Blaze
//! frames, each WebSocket message one gzip stream, captured in a row).

use std::io::Read;
use std::ops::Range;

use crate::protobuf::raw;
use crate::protobuf::wire::Reader;

/// More frames than this are refused: each becomes a subtree.
pub const MAX_FRAMES: usize = 10_000;

/// How a stream is cut into frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// A varint length before each message.
    Delimited,
    /// `flag: u8, length: u32 (big-endian)` before each message. Flag bit 0: compressed (with the
    /// stream's `grpc-encoding`); bit 1: Connect's end-of-stream frame (its trailers, JSON).
    Grpc,
    /// Gzip members back to back: each one a frame.
    GzipMembers,
}

/// One frame of a stream; ranges are absolute in the stream's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The whole frame, header included.
    pub range: Range<usize>,
    /// The header alone (empty for gzip members, which are their own header).
    pub header: Range<usize>,
    /// What the frame carries.
    pub content: Range<usize>,
    /// gRPC / Connect flag byte.
    pub flags: Option<u8>,
}

/// Why a stream does not split, and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    pub offset: usize,
    pub message: String,
}

fn fail(offset: usize, message: impl Into<String>) -> FrameError {
    FrameError {
        offset,
        message: message.into(),
    }
}

/// Splits `bytes` into frames. A gzip member is inflated to find where it ends: together the
/// members may inflate to at most `max_size` bytes.
pub fn split(framing: Framing, bytes: &[u8], max_size: usize) -> Result<Vec<Frame>, FrameError> {
    let mut frames = Vec::new();
    let mut at = 0;
    let mut inflated = 0usize;
    while at < bytes.len() {
        if frames.len() == MAX_FRAMES {
            return Err(fail(at, format!("more than {MAX_FRAMES} frames")));
        }
        let frame = match framing {
            Framing::Delimited => delimited_frame(bytes, at)?,
            Framing::Grpc => grpc_frame(bytes, at)?,
            Framing::GzipMembers => {
                let (frame, size) =
                    gzip_member(bytes, at, max_size - inflated).map_err(|error| {
                        match error.message.starts_with(TOO_LARGE) {
                            true => {
                                fail(error.offset, format!("{TOO_LARGE} {max_size} bytes in all"))
                            }
                            false => error,
                        }
                    })?;
                inflated += size;
                frame
            }
        };
        at = frame.range.end;
        frames.push(frame);
    }
    if frames.is_empty() {
        return Err(fail(0, "expected a frame, found end of input"));
    }
    Ok(frames)
}

fn delimited_frame(bytes: &[u8], at: usize) -> Result<Frame, FrameError> {
    let mut reader = Reader::new(&bytes[at..], at);
    let content = reader.read_len().map_err(|error| {
        fail(
            error.offset,
            format!(
                "frame length: expected {}, found {}",
                error.expected, error.found
            ),
        )
    })?;
    let content = at + content.start..at + content.end;
    Ok(Frame {
        range: at..content.end,
        header: at..content.start,
        content,
        flags: None,
    })
}

fn grpc_frame(bytes: &[u8], at: usize) -> Result<Frame, FrameError> {
    let header = bytes.get(at..at + 5).ok_or_else(|| {
        fail(
            at,
            format!(
                "expected a 5-byte frame header, found {} bytes",
                bytes.len() - at
            ),
        )
    })?;
    let flags = header[0];
    if flags & !0b11 != 0 {
        return Err(fail(
            at,
            format!("expected a flag byte 0-3 (compressed, end of stream), found 0x{flags:02x}"),
        ));
    }
    let length = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
    let left = bytes.len() - at - 5;
    if length > left {
        return Err(fail(
            at + 1,
            format!(
                "expected a length that fits in the input, found length {length} with {left} bytes left"
            ),
        ));
    }
    Ok(Frame {
        range: at..at + 5 + length,
        header: at..at + 5,
        content: at + 5..at + 5 + length,
        flags: Some(flags),
    })
}

const TOO_LARGE: &str = "the frames decompress to more than";

/// One gzip member starting at `at`, and how much it inflates to.
fn gzip_member(bytes: &[u8], at: usize, max_size: usize) -> Result<(Frame, usize), FrameError> {
    let rest = &bytes[at..];
    if !rest.starts_with(&[0x1f, 0x8b]) {
        return Err(fail(
            at,
            format!(
                "expected a gzip member (1f 8b), found {}",
                rest.iter()
                    .take(2)
                    .map(|byte| format!("{byte:02x}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ));
    }
    let mut decoder = flate2::bufread::GzDecoder::new(rest);
    let size = std::io::copy(
        &mut (&mut decoder).take(max_size as u64 + 1),
        &mut std::io::sink(),
    )
    .map_err(|error| fail(at, format!("the gzip member is corrupt: {error}")))?
        as usize;
    if size > max_size {
        return Err(fail(at, format!("{TOO_LARGE} {max_size} bytes")));
    }
    let end = bytes.len() - decoder.into_inner().len();
    Ok((
        Frame {
            range: at..end,
            header: at..at,
            content: at..end,
            flags: None,
        },
        size,
    ))
}

/// The framing binary `bytes` are in, when they are unmistakably a stream of frames:
/// - gRPC / Connect: a flag byte 0-3 (a protobuf message never starts so: field number 0) and
///   lengths that end exactly at the end;
/// - varint-delimited: every frame a non-empty protobuf message, ending exactly at the end, and
///   the whole not one protobuf message itself (that reading stays the default: force this one).
///
/// Gzip members are told apart while inflating the first one (`unwrap` does): a gzip stream
/// followed by another one.
pub fn detect(bytes: &[u8]) -> Option<Framing> {
    if bytes.len() >= 5 && bytes[0] & !0b11 == 0 && split(Framing::Grpc, bytes, 0).is_ok() {
        return Some(Framing::Grpc);
    }
    if bytes.is_empty() || raw::is_message(bytes) {
        return None;
    }
    let frames = split(Framing::Delimited, bytes, 0).ok()?;
    frames
        .iter()
        .all(|frame| !frame.content.is_empty() && raw::is_message(&bytes[frame.content.clone()]))
        .then_some(Framing::Delimited)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn delimited(messages: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for message in messages {
            out.push(message.len() as u8);
            out.extend_from_slice(message);
        }
        out
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn varint_delimited_frames_with_their_ranges() {
        // field 1 = 150; field 2 = "hi"; field 1 = 1
        let stream = delimited(&[
            &[0x08, 0x96, 0x01],
            &[0x12, 0x02, b'h', b'i'],
            &[0x08, 0x01],
        ]);
        let frames = split(Framing::Delimited, &stream, 0).unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].range, 0..4);
        assert_eq!(frames[0].header, 0..1);
        assert_eq!(frames[1].content, 5..9);
        assert_eq!(frames[2].range, 9..12);
        assert_eq!(detect(&stream), Some(Framing::Delimited));
    }

    #[test]
    fn a_length_past_the_end_is_an_error_at_its_byte() {
        let error = split(Framing::Delimited, &[0x02, 0x08, 0x01, 0x09, 0x08], 0).unwrap_err();
        assert_eq!(error.offset, 3);
        assert!(
            error.message.contains("length 9 with 1 bytes left"),
            "{}",
            error.message
        );
        let error = split(Framing::Grpc, &[0, 0, 0, 0, 9, 1], 0).unwrap_err();
        assert_eq!(error.offset, 1);
        let error = split(Framing::Grpc, &[0, 0, 0, 0, 1, 8, 7, 0, 0, 0, 0], 0).unwrap_err();
        assert_eq!(
            (error.offset, error.message.as_str()),
            (
                6,
                "expected a flag byte 0-3 (compressed, end of stream), found 0x07"
            )
        );
    }

    #[test]
    fn grpc_frames_keep_their_flags() {
        let mut stream = vec![0, 0, 0, 0, 2, 0x08, 0x01];
        stream.extend_from_slice(&[2, 0, 0, 0, 2, b'{', b'}']);
        let frames = split(Framing::Grpc, &stream, 0).unwrap();
        assert_eq!(frames[0].flags, Some(0));
        assert_eq!(frames[1].flags, Some(2));
        assert_eq!(frames[1].content, 12..14);
        assert_eq!(detect(&stream), Some(Framing::Grpc));
    }

    #[test]
    fn gzip_members_back_to_back() {
        let first = gzip(br#"{"id":"1","action":"ACKNOWLEDGE_MESSAGE_RECEIPT"}"#);
        let second = gzip(br#"{"id":"2","action":"LIST_PENDING_MESSAGES"}"#);
        let stream = [first.clone(), second].concat();
        let frames = split(Framing::GzipMembers, &stream, 1 << 20).unwrap();
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].range, 0..first.len());
        assert_eq!(frames[1].range.end, stream.len());
        // The members together may inflate only so far.
        let error = split(Framing::GzipMembers, &stream, 60).unwrap_err();
        assert!(
            error.message.contains("more than 60 bytes"),
            "{}",
            error.message
        );
    }

    #[test]
    fn one_protobuf_message_is_not_taken_for_a_stream() {
        // Field 1 = {field 1 = 1}: read as frames, a length of 2 then "08 01" would also do.
        assert_eq!(detect(&[0x02, 0x08, 0x01]), Some(Framing::Delimited));
        assert_eq!(detect(&[0x0a, 0x02, 0x08, 0x01]), None);
        assert_eq!(detect(b"hello"), None);
        assert_eq!(detect(&[]), None);
    }
}
