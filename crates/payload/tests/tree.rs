//! The decoded tree: ranges, exact values, alternatives the user can switch to, error partials.

use switchboard_payload::tree::{NodeKind, ReadingChoices};
use switchboard_payload::{Options, inspect};

#[test]
fn switching_a_reading_rebuilds_that_field() {
    // field 1 = "Hi": a string, and also the message {9: 105}.
    let bytes = [0x0a, 0x02, b'H', b'i'];
    let default = inspect(&bytes, &Options::default());
    let field = &default.tree.children[0];
    assert_eq!(field.kind, NodeKind::String);
    assert_eq!(field.value.as_deref(), Some("Hi"));
    assert_eq!(field.range, Some([2, 4]));
    assert_eq!(field.tag_range, Some([0, 1]));
    let message_index = field.readings.iter().position(|&r| r == "message").unwrap();

    let choices = ReadingChoices(vec![(field.path.clone(), message_index)]);
    let switched = inspect(
        &bytes,
        &Options {
            choices,
            ..Options::default()
        },
    );
    let field = &switched.tree.children[0];
    assert_eq!(field.kind, NodeKind::Message);
    assert_eq!(field.reading, Some(message_index));
    let inner = &field.children[0];
    assert_eq!(
        (inner.field_number, inner.value.as_deref()),
        (Some(9), Some("105"))
    );
    assert_eq!(inner.range, Some([3, 4]), "offsets stay absolute");
}

#[test]
fn varints_and_fixed_values_show_every_interpretation_exactly() {
    // field 1 varint u64::MAX, field 2 fixed64 of 1.5f64
    let mut bytes = vec![0x08];
    bytes.extend([0xff; 9]);
    bytes.push(0x01);
    bytes.push(0x11);
    bytes.extend(1.5f64.to_bits().to_le_bytes());
    let inspection = inspect(&bytes, &Options::default());
    let varint = &inspection.tree.children[0];
    assert_eq!(varint.value.as_deref(), Some("18446744073709551615"));
    let names: Vec<(&str, &str)> = varint
        .interpretations
        .iter()
        .map(|i| (i.name, i.value.as_str()))
        .collect();
    assert!(names.contains(&("signed", "-1")), "{names:?}");
    assert!(
        names.contains(&("zigzag", "-9223372036854775808")),
        "{names:?}"
    );
    let fixed = &inspection.tree.children[1];
    assert!(
        fixed
            .interpretations
            .iter()
            .any(|i| i.name == "double" && i.value == "1.5")
    );
}

#[test]
fn non_printable_strings_are_shown_as_hex() {
    // "\x01aé": valid UTF-8 with a control character, and not a run of varints.
    let bytes = [0x0a, 0x04, 0x01, b'a', 0xc3, 0xa9];
    let inspection = inspect(&bytes, &Options::default());
    let field = &inspection.tree.children[0];
    assert_eq!(field.kind, NodeKind::Bytes);
    assert_eq!(field.value.as_deref(), Some("0161c3a9"));
    assert_eq!(field.interpretations[0].value, "\u{1}aé");
}

#[test]
fn a_truncated_message_keeps_its_partial_tree() {
    let bytes = [0x08, 0x01, 0x10, 0x02, 0x1a, 0x10, b'x'];
    let inspection = inspect(&bytes, &Options::default());
    let error = inspection.error.as_ref().unwrap();
    assert_eq!(error.offset, 5);
    assert_eq!(inspection.tree.children.len(), 2);
    assert_eq!(inspection.tree.children[1].value.as_deref(), Some("2"));
}

/// A JSON document of `count` strings, each base64 of a gzip stream of `inflated` bytes of text.
fn nested_gzip_bombs(count: usize, inflated: usize) -> Vec<u8> {
    use base64::Engine;
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let text = b"hello, world. ";
    encoder
        .write_all(&text.repeat(inflated / text.len()))
        .unwrap();
    let bomb = base64::engine::general_purpose::STANDARD.encode(encoder.finish().unwrap());
    let strings: Vec<String> = (0..count).map(|_| format!("\"{bomb}\"")).collect();
    format!("[{}]", strings.join(",")).into_bytes()
}

fn nested_count(node: &switchboard_payload::tree::Node) -> usize {
    usize::from(node.nested.is_some())
        + node
            .nested
            .as_ref()
            .map_or(0, |nested| nested_count(&nested.tree))
        + node.children.iter().map(nested_count).sum::<usize>()
}

#[test]
fn nested_gzip_bombs_cost_a_fixed_budget_and_say_what_was_skipped() {
    // 48 bombs of 8 MiB each: 384 MiB if all were inflated.
    let payload = nested_gzip_bombs(48, 8 * 1024 * 1024);
    let inspection = switchboard_payload::inspect(&payload, &Default::default());
    let expanded = nested_count(&inspection.tree);
    let budget = switchboard_payload::tree::EXPANSION_BYTES / (8 * 1024 * 1024);
    assert!(
        expanded <= budget,
        "{expanded} expanded, budget allows {budget}"
    );
    assert!(expanded >= 1, "what fits is still expanded");
    assert!(
        inspection.unexpanded >= 48 - budget,
        "{}",
        inspection.unexpanded
    );
    let note = inspection.expansion_note().unwrap();
    assert!(
        note.contains("not expanded") && note.contains("64 MiB"),
        "{note}"
    );
    // The outer document is whole: every string is there, expanded or not.
    assert_eq!(inspection.tree.children.len(), 48);
    // An ordinary payload says nothing.
    let calm = switchboard_payload::inspect(br#"{"a":"eyJiIjoxfQ=="}"#, &Default::default());
    assert_eq!(calm.unexpanded, 0);
    assert!(calm.expansion_note().is_none());
}

#[test]
fn packed_bytes_can_be_read_as_every_packed_kind_each_value_with_its_bytes() {
    // field 1 = 8 bytes: varints 1, 2, 3 (3 bytes) would not fill them; as fixed32 two values,
    // as float 1.5 and -2.0; as one fixed64 / double.
    let mut value = Vec::new();
    value.extend_from_slice(&1.5f32.to_le_bytes());
    value.extend_from_slice(&(-2.0f32).to_le_bytes());
    let mut bytes = vec![0x0a, value.len() as u8];
    bytes.extend_from_slice(&value);
    let default = inspect(&bytes, &Options::default());
    let field = &default.tree.children[0];
    for reading in [
        "packed fixed32",
        "packed float",
        "packed fixed64",
        "packed double",
    ] {
        assert!(
            field.readings.contains(&reading),
            "{reading}: {:?}",
            field.readings
        );
    }
    let as_reading = |name: &str| {
        let index = field.readings.iter().position(|&r| r == name).unwrap();
        inspect(
            &bytes,
            &Options {
                choices: ReadingChoices(vec![(field.path.clone(), index)]),
                ..Options::default()
            },
        )
        .tree
        .children[0]
            .clone()
    };
    let floats = as_reading("packed float");
    assert_eq!(floats.value.as_deref(), Some("[1.5, -2]"));
    assert_eq!(
        floats.children[1].range,
        Some([6, 10]),
        "the second value's own bytes"
    );
    assert_eq!(as_reading("packed double").children.len(), 1);

    // Varints 1, 300, -1 as zigzag (2, 600, 1 on the wire): each value's own bytes.
    let bytes = [0x0a, 0x04, 0x02, 0xd8, 0x04, 0x01];
    let field = inspect(&bytes, &Options::default()).tree.children[0].clone();
    let zigzag = field
        .readings
        .iter()
        .position(|&r| r == "packed zigzag")
        .unwrap();
    let read = inspect(
        &bytes,
        &Options {
            choices: ReadingChoices(vec![(field.path.clone(), zigzag)]),
            ..Options::default()
        },
    )
    .tree
    .children[0]
        .clone();
    assert_eq!(read.value.as_deref(), Some("[1, 300, -1]"));
    let ranges: Vec<_> = read.children.iter().map(|child| child.range).collect();
    assert_eq!(ranges, [Some([2, 3]), Some([3, 5]), Some([5, 6])]);
}

#[test]
fn floats_far_from_one_read_in_exponent_form() {
    // Field 1, fixed64 1234567890123456789: as a double, about 3.8e-226.
    let mut bytes = vec![0x09];
    bytes.extend_from_slice(&1_234_567_890_123_456_789u64.to_le_bytes());
    // Field 2, fixed32 0x3f800000: 1 as a float, written plainly.
    bytes.extend_from_slice(&[0x15, 0x00, 0x00, 0x80, 0x3f]);
    let inspection = switchboard_payload::inspect(&bytes, &Default::default());
    let reading = |node: usize, name: &str| {
        inspection.tree.children[node]
            .interpretations
            .iter()
            .find(|interpretation| interpretation.name == name)
            .map(|interpretation| interpretation.value.clone())
            .unwrap()
    };
    assert_eq!(reading(0, "double"), "3.8131230087298516e-226");
    assert_eq!(reading(1, "float"), "1");
}
