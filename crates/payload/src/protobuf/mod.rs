//! Protobuf: wire primitives, schema-less decoding, and our schemas.

pub mod raw;
pub mod wire;
