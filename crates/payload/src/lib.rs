//! Switchboard's payload core: turns the bytes a user pastes, drops, or the server receives into
//! a decoded tree and normalized events. Pure Rust, no I/O: the browser app (wasm32) and the
//! terminal inspector (native) share it.
//!
//! Entry point: [`inspect::inspect`].

pub mod codec;
pub mod compose;
pub mod customer;
pub mod diff;
pub mod endpoint;
pub mod event;
pub mod framing;
pub mod handoff;
pub mod hexdump;
pub mod inspect;
pub mod outcome;
pub mod platforms;
pub mod profile;
pub mod protobuf;
pub mod request;
pub mod share;
pub mod text;
pub mod tree;
pub mod unwrap;

pub use event::{Event, Platform};
pub use inspect::{Inspection, Options, inspect};
