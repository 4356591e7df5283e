//! The payload core, exported for `bench/decode-browser.sh`: what the desk does with a payload
//! (bytes → events, no tree) and the inspector's schema-less walk, each returning a count so
//! the bench times the decoding, not a copy of its results into JavaScript objects (the app
//! itself keeps them in wasm).

use switchboard_payload::protobuf::raw;
use switchboard_payload::{Options, inspect};
use wasm_bindgen::prelude::*;

/// What the desk knows of a logged payload, as it tells the core: its platform (`yunhu`…),
/// and for a protobuf body the message its endpoint names (`""`: none).
fn options(platform: &str, schema: &str) -> Options {
    Options {
        platform: platform.parse().ok(),
        schema: (!schema.is_empty()).then(|| schema.to_owned()),
        skip_tree: true,
        ..Options::default()
    }
}

/// Bytes → events, as the desk decodes its log: how many events.
#[wasm_bindgen]
pub fn events_of(bytes: &[u8], platform: &str, schema: &str) -> usize {
    inspect(bytes, &options(platform, schema)).events.len()
}

/// The events as JSON: to check both sides decoded the same thing (not timed).
#[wasm_bindgen]
pub fn events_json(bytes: &[u8], platform: &str, schema: &str) -> String {
    serde_json::to_string(&inspect(bytes, &options(platform, schema)).events).unwrap_or_default()
}

/// The schema-less walk: every field at every depth, each length-delimited value read as its
/// best reading (a message decoded into the same arena). How many fields.
#[wasm_bindgen]
pub fn schemaless(bytes: &[u8]) -> usize {
    fn count(message: raw::Message<'_>) -> usize {
        message
            .fields()
            .map(|field| 1 + field.message().map_or(0, count))
            .sum()
    }
    count(raw::decode(bytes).root())
}
