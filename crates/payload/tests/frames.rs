//! Streams: several messages in one payload, each frame decoded on its own with its byte range.

use std::io::Write;

use switchboard_payload::tree::{NodeKind, ReadingChoices};
use switchboard_payload::unwrap::Format;
use switchboard_payload::{Options, inspect};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn varint(mut value: usize, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn delimited(messages: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for message in messages {
        varint(message.len(), &mut out);
        out.extend_from_slice(message);
    }
    out
}

#[test]
fn three_delimited_push_messages_are_three_frames_with_their_events() {
    let push = fixture("proto/yunhu_push_message.bin");
    let single = inspect(&push, &Options::default());
    let stream = delimited(&[&push, &push, &push]);
    let inspection = inspect(&stream, &Options::default());
    assert_eq!(inspection.chain, vec![Format::Delimited]);
    assert_eq!(inspection.error, None);
    let frames = &inspection.tree.children;
    assert_eq!(frames.len(), 3);
    let header = if push.len() < 128 { 1 } else { 2 };
    for (index, frame) in frames.iter().enumerate() {
        let start = index * (header + push.len());
        assert_eq!(frame.kind, NodeKind::Frame);
        assert_eq!(frame.label, format!("#{}", index + 1));
        assert_eq!(frame.range, Some([start, start + header + push.len()]));
        assert_eq!(frame.tag_range, Some([start, start + header]));
        assert_eq!(frame.type_name.as_deref(), Some("yunhu.WsWrapper"));
        // The frame's fields point into the stream, not into the frame alone.
        let first = &frame.children[0];
        let alone = &single.tree.children[0];
        let moved = |range: [usize; 2]| [range[0] + start + header, range[1] + start + header];
        assert_eq!(first.range, alone.range.map(moved));
        assert_eq!(first.label, alone.label);
        assert!(
            first.path.starts_with(&format!("/#{}/", index + 1)),
            "{}",
            first.path
        );
    }
    assert_eq!(inspection.events.len(), 3 * single.events.len());
    assert_eq!(
        inspection.schema.map(|matched| matched.name).as_deref(),
        Some("yunhu.WsWrapper")
    );
}

#[test]
fn a_reading_chosen_in_one_frame_stays_in_that_frame() {
    // Two frames, each field 1 = "Hi" (also readable as the message {9: 105}).
    let stream = delimited(&[&[0x0a, 0x02, b'H', b'i'], &[0x0a, 0x02, b'H', b'i']]);
    let options = Options {
        format: Some(Format::Delimited),
        ..Options::default()
    };
    let default = inspect(&stream, &options);
    let second = &default.tree.children[1].children[0];
    let message = second
        .readings
        .iter()
        .position(|&r| r == "message")
        .unwrap();
    let switched = inspect(
        &stream,
        &Options {
            choices: ReadingChoices(vec![(second.path.clone(), message)]),
            ..options
        },
    );
    assert_eq!(switched.tree.children[0].children[0].kind, NodeKind::String);
    assert_eq!(
        switched.tree.children[1].children[0].kind,
        NodeKind::Message
    );
}

#[test]
fn grpc_frames_show_their_flags_and_a_frame_that_does_not_decode_says_where() {
    let push = fixture("proto/yunhu_push_message.bin");
    let mut stream = vec![0];
    stream.extend_from_slice(&(push.len() as u32).to_be_bytes());
    stream.extend_from_slice(&push);
    // Connect's end-of-stream frame: JSON trailers.
    let trailers = br#"{"metadata":{"x-trace":["1"]}}"#;
    stream.push(2);
    stream.extend_from_slice(&(trailers.len() as u32).to_be_bytes());
    stream.extend_from_slice(trailers);
    let inspection = inspect(&stream, &Options::default());
    assert_eq!(inspection.chain, vec![Format::Grpc]);
    let frames = &inspection.tree.children;
    assert_eq!(frames[0].interpretations[0].value, "0x00 (uncompressed)");
    assert_eq!(frames[1].interpretations[0].value, "0x02 (end of stream)");
    assert_eq!(frames[1].children[0].label, "metadata");

    // A truncated message in the second of two delimited frames: the first still decodes.
    let stream = delimited(&[&push, &push[..push.len() - 3]]);
    let inspection = inspect(
        &stream,
        &Options {
            format: Some(Format::Delimited),
            ..Options::default()
        },
    );
    assert_eq!(
        inspection.tree.children[0].type_name.as_deref(),
        Some("yunhu.WsWrapper")
    );
    let error = &inspection.tree.children[1].interpretations[0];
    assert_eq!(error.name, "error");
    assert!(
        error.value.starts_with("protobuf at byte "),
        "{}",
        error.value
    );
}

#[test]
fn blaze_gzip_frames_back_to_back_each_decode() {
    let gzip = |text: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    };
    let first = gzip(br#"{"id":"1","action":"LIST_PENDING_MESSAGES"}"#);
    let second =
        gzip(br#"{"id":"2","action":"ACKNOWLEDGE_MESSAGE_RECEIPTS","params":{"messages":[]}}"#);
    let stream = [first.clone(), second].concat();
    let inspection = inspect(&stream, &Options::default());
    assert_eq!(inspection.chain, vec![Format::GzipFrames]);
    let frames = &inspection.tree.children;
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].range, Some([0, first.len()]));
    // Inflated content has bytes of its own: nested, with the chain that reached it.
    let nested = frames[1].nested.as_ref().unwrap();
    assert_eq!(nested.chain, vec![Format::Gzip, Format::Json]);
    assert_eq!(nested.tree.children[0].label, "id");
    // One gzip stream alone stays plain gzip.
    assert_eq!(
        inspect(&first, &Options::default()).chain,
        vec![Format::Gzip, Format::Json]
    );
}

#[test]
fn frames_never_nest_and_a_damaged_stream_points_at_the_byte() {
    // A frame whose content is itself a delimited stream is read as one message, not frames.
    let inner = delimited(&[&[0x08, 0x01], &[0x08, 0x02]]);
    let stream = delimited(&[&inner, &inner]);
    let inspection = inspect(
        &stream,
        &Options {
            format: Some(Format::Delimited),
            ..Options::default()
        },
    );
    assert!(
        inspection
            .tree
            .children
            .iter()
            .all(|frame| frame.nested.is_none())
    );
    let error = inspect(
        &[0x02, 0x08, 0x01, 0x09, 0x08],
        &Options {
            format: Some(Format::Delimited),
            ..Options::default()
        },
    )
    .error
    .unwrap();
    assert_eq!(error.offset, 3);
    assert_eq!(error.format, Format::Delimited);
}

#[test]
fn frames_of_gzip_bombs_share_the_inspections_one_budget() {
    // 100 gRPC frames, each a gzip of 4 MiB of zeros (~4 KB): 400 MiB if each were inflated in
    // full; the inspection's budget lets through what 64 MiB allows and counts the rest.
    let bomb = {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![0u8; 4 << 20]).unwrap();
        encoder.finish().unwrap()
    };
    let mut stream = Vec::new();
    for _ in 0..100 {
        stream.push(1);
        stream.extend_from_slice(&(bomb.len() as u32).to_be_bytes());
        stream.extend_from_slice(&bomb);
    }
    let inspection = inspect(&stream, &Options::default());
    assert_eq!(inspection.chain, vec![Format::Grpc]);
    assert_eq!(
        inspection.tree.children.len(),
        100,
        "every frame keeps its node"
    );
    let inflated = inspection
        .tree
        .children
        .iter()
        .filter(|frame| frame.nested.is_some())
        .count();
    assert!(inflated <= 16, "{inflated} frames inflated in full");
    assert!(inspection.unexpanded > 0);
}

#[test]
fn a_change_inside_a_nested_payload_names_no_row_of_the_outer_tree() {
    let before = inspect(
        br#"{"text":"x","inner":"{\"text\":\"a\"}"}"#,
        &Options::default(),
    );
    let after = inspect(
        br#"{"text":"x","inner":"{\"text\":\"b\"}"}"#,
        &Options::default(),
    );
    let changes = switchboard_payload::diff::diff(&before.tree, &after.tree);
    assert_eq!(changes.len(), 2, "{changes:?}");
    // The string itself, a row of the outer tree; then what it holds, which names none.
    assert_eq!(changes[0].at, "inner");
    assert_eq!(changes[0].before_path.as_deref(), Some("/inner"));
    assert_eq!(changes[1].at, "inner/↳/text");
    assert_eq!(
        changes[1].before_path, None,
        "the outer /text did not change"
    );
}
