//! The unwrap + decode entry point, on arbitrary bytes and with every forced format: it must
//! never panic, and an error must point inside the input it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_payload::unwrap::Format;
use switchboard_payload::{Options, inspect};

fuzz_target!(|data: &[u8]| {
    // The first byte picks a forced format (or none); the rest is the payload.
    let (format, payload) = match data.split_first() {
        Some((&selector, rest)) => (
            Format::ALL
                .get(usize::from(selector) % (Format::ALL.len() + 1))
                .copied(),
            rest,
        ),
        None => (None, data),
    };
    let inspection = inspect(
        payload,
        &Options {
            format,
            ..Options::default()
        },
    );
    if let Some(error) = &inspection.error {
        assert!(error.offset <= payload.len().max(inspection.bytes.len()));
    }
    let _ = serde_json::to_vec(&inspection);
});
