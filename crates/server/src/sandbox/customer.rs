//! The simulated customer: on demand, a message from a customer of one platform, in that
//! platform's own delivery shape (written by the payload core's
//! [`Codec::customer_message`](switchboard_payload::codec::Codec::customer_message)), posted over
//! HTTP into our intake and remembered by the platform's emulator, so history and replies line
//! up. Each emulator's `customer.rs` says who its customers are and what it remembers.

use serde::Deserialize;
use switchboard_payload::Platform;
use switchboard_payload::customer::TextFormat;

use super::Sandbox;
use super::common::{Delivery, Writing};

pub use super::directory::CUSTOMER_NAMES;

#[derive(Debug, Deserialize)]
pub struct CustomerMessage {
    /// What the customer says (default: a greeting).
    pub text: Option<String>,
    /// Which of the customers writes: 0 or 1 (default 0).
    #[serde(default)]
    pub customer: usize,
    /// `false`: the platform never delivers it (a lost callback, or a push that never came); the
    /// message is only in the platform's own history, for a pull or a history page to find.
    #[serde(default = "delivered")]
    pub callback: bool,
    /// How the text is written: "text" (default), or "markdown" / "html" where the platform
    /// has such messages ([`formats`]).
    #[serde(default)]
    pub format: Option<String>,
    /// Yunhu: `"bot"` writes to the bot, which delivers by webhook; by default the customer
    /// writes to the user account, whose socket pushes it.
    #[serde(default)]
    pub to: Option<String>,
    /// WeChat: `"finder"` writes to the business's 视频号 profile (a private message the server
    /// pulls with `syncFinder`); by default the customer writes to its WeChat account (a callback).
    #[serde(default)]
    pub channel: Option<String>,
    /// wkteam WeCom: `true` writes in the group both customers and our account are in.
    #[serde(default)]
    pub group: bool,
}

fn delivered() -> bool {
    true
}

impl Default for CustomerMessage {
    fn default() -> Self {
        CustomerMessage {
            text: None,
            customer: 0,
            callback: true,
            format: None,
            to: None,
            channel: None,
            group: false,
        }
    }
}

/// The kinds of text message a customer can send on `platform`.
pub fn formats(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Yunhu => super::yunhu::customer::FORMATS,
        Platform::Mixin => super::mixin::customer::FORMATS,
        Platform::Douyin | Platform::Wecom | Platform::Wechat => &["text"],
    }
}

impl Sandbox {
    /// Builds the customer's delivery for `platform` and records the message in its emulator.
    pub fn customer_message(&self, platform: Platform, request: &CustomerMessage) -> Delivery {
        let customer = request.customer.min(CUSTOMER_NAMES.len() - 1);
        let name = CUSTOMER_NAMES[customer];
        let greeting = format!("你好，我是{name}，想咨询一下订单。");
        let writing = Writing {
            customer,
            name,
            avatar: self.state.directory.avatar_url(customer),
            text: request.text.as_deref().unwrap_or(&greeting),
            format: match request.format.as_deref() {
                Some("markdown") => TextFormat::Markdown,
                Some("html") => TextFormat::Html,
                _ => TextFormat::Text,
            },
            delivered: request.callback,
            to_bot: request.to.as_deref() == Some("bot"),
            to_channels: request.channel.as_deref() == Some("finder"),
            in_group: request.group,
        };
        let state = &self.state;
        match platform {
            Platform::Yunhu => super::yunhu::customer::writes(&state.yunhu, &writing),
            Platform::Douyin => super::douyin::customer::writes(&state.douyin, &writing),
            Platform::Wecom => super::wecom::customer::writes(&writing),
            Platform::Mixin => super::mixin::customer::writes(&state.mixin, &writing),
            Platform::Wechat => super::wechat::customer::writes(&state.wechat, &writing),
        }
    }
}
