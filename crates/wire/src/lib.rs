//! Protobuf's wire format, schema-less: [`wire`] reads its primitives (varints, tags, wire
//! types), [`raw`] a whole message into one flat arena of fields with their byte ranges and
//! readings. Its own crate so the app's size-optimised wasm build can compile this hot loop for
//! speed alone (`[profile.wasm-release.package.switchboard-wire]`).

pub mod raw;
pub mod wire;
