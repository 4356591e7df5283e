//! The settings page's pieces: what the server says about each configured platform.

pub mod capabilities;
pub mod platform_card;

use serde::Deserialize;

/// `GET /api/webhooks`: the intake URL to give a platform (it carries our webhook secret).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Webhook {
    pub platform: String,
    pub url: String,
}
