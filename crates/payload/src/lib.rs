//! Switchboard's payload core: turns the bytes a user pastes, drops, or the server receives into
//! a decoded tree and normalized events. Pure Rust, no I/O: the browser app (wasm32) and the
//! terminal inspector (native) share it.

pub mod hexdump;
pub mod protobuf;
pub mod text;
pub mod unwrap;
