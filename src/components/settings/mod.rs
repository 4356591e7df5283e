//! The settings page's pieces: what the server says about each configured platform.

pub mod capabilities;
pub mod platform_card;

pub use switchboard_protocol::Webhook;
