//! The settings page's pieces: what the server says about each configured platform, the team
//! and its canned replies.

pub mod canned;
pub mod capabilities;
pub mod notifications;
pub mod platform_card;
pub mod team;

pub use switchboard_protocol::Webhook;
