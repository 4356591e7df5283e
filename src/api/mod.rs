//! The server's browser API: calls over `fetch` ([`fetch`]), uploads with progress ([`upload`]),
//! and the contract's types they carry (from `switchboard-protocol`, declared once).

pub mod fetch;
pub mod upload;

pub use fetch::*;
pub use switchboard_protocol::{
    Capabilities, LogHealth, Page, PlatformView, ServerConfig, Uploaded, WriteFailure,
};
pub use upload::upload;
