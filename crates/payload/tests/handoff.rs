//! An inspection handed between threads comes back exactly, read in one go or node by node,
//! and a damaged buffer is an error at its offset.

use proptest::prelude::*;
use switchboard_payload::handoff::{Decoder, Request, encode};
use switchboard_payload::{Inspection, Options, inspect};

fn fixtures() -> Vec<Vec<u8>> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut payloads = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(dir).unwrap() {
            payloads.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    assert!(payloads.len() > 60);
    payloads
}

fn round_trip(inspection: &Inspection, step: usize) -> Inspection {
    let mut decoder = Decoder::new(encode(inspection)).unwrap();
    loop {
        if let Some(back) = decoder.step(step).unwrap() {
            return back;
        }
    }
}

#[test]
fn every_fixture_comes_back_exactly_in_one_go_and_node_by_node() {
    for payload in fixtures() {
        let inspection = inspect(&payload, &Options::default());
        assert_eq!(round_trip(&inspection, usize::MAX), inspection);
        assert_eq!(round_trip(&inspection, 1), inspection);
        assert_eq!(round_trip(&inspection, 7), inspection);
    }
}

#[test]
fn nested_payloads_frames_and_errors_come_back() {
    // A JSON string holding base64 protobuf (nested), a stream of frames, a truncated message.
    let nested = br#"{"data":"CgV3b3JsZA=="}"#.to_vec();
    let frames = [0x02u8, 0x08, 0x01, 0x02, 0x08, 0x02, 0x02, 0x08, 0x03].to_vec();
    let truncated = vec![0x0a, 0x05, 0x61];
    for payload in [nested, frames, truncated] {
        let inspection = inspect(&payload, &Options::default());
        assert_eq!(round_trip(&inspection, 1), inspection);
    }
}

#[test]
fn a_request_carries_the_users_overrides_and_schemas() {
    let request = Request {
        schema: Some("yunhu.PushMessage".into()),
        choices: vec![("/1".into(), 1)],
        ..Request::default()
    };
    let json = serde_json::to_string(&request).unwrap();
    let back: Request = serde_json::from_str(&json).unwrap();
    assert_eq!(back, request);
    let options = back.options();
    assert_eq!(options.schema.as_deref(), Some("yunhu.PushMessage"));
    assert_eq!(options.choices.0, [("/1".to_owned(), 1)]);
}

#[test]
fn a_cut_buffer_is_an_error_at_an_offset_inside_it() {
    let inspection = inspect(&fixtures()[0], &Options::default());
    let buffer = encode(&inspection);
    for cut in [1, buffer.len() / 2, buffer.len() - 1] {
        let result = Decoder::new(buffer[..cut].to_vec()).and_then(Decoder::finish_all);
        let error = result.unwrap_err();
        assert!(error.offset <= cut, "{error}");
    }
    let mut longer = buffer.clone();
    longer.push(0);
    assert!(Decoder::new(longer).and_then(Decoder::finish_all).is_err());
}

proptest! {
    #[test]
    fn arbitrary_buffers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Decoder::new(bytes).and_then(Decoder::finish_all);
    }

    #[test]
    fn damaged_buffers_never_panic(flip in 0usize..4096, byte in any::<u8>()) {
        let inspection = inspect(&fixtures()[3], &Options::default());
        let mut buffer = encode(&inspection);
        let at = flip % buffer.len();
        buffer[at] = byte;
        let _ = Decoder::new(buffer).and_then(Decoder::finish_all);
    }
}

#[test]
fn every_reading_is_named_in_the_list_the_buffer_reads_names_from() {
    use switchboard_payload::protobuf::raw::Reading;
    let readings = [
        Reading::Message,
        Reading::Text { printable: true },
        Reading::PackedVarint { count: 1 },
        Reading::PackedZigzag { count: 1 },
        Reading::PackedFixed32 { count: 1 },
        Reading::PackedFloat { count: 1 },
        Reading::PackedFixed64 { count: 1 },
        Reading::PackedDouble { count: 1 },
        Reading::Bytes,
    ];
    let mut names: Vec<&str> = readings.iter().map(Reading::name).collect();
    let mut listed = Reading::NAMES.to_vec();
    names.sort_unstable();
    listed.sort_unstable();
    assert_eq!(names, listed);
}
