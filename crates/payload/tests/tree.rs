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
