//! What the agent may do with one message, as data: the bubble shows these and decides nothing.
//! Computed from the message, the platform's capabilities and the time.

use switchboard_payload::event::ContentKind;
use switchboard_protocol::Capabilities;

use crate::projection::{Message, MessageStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Actions {
    /// Take back one of our messages the platform has (within its recall window).
    pub recall: bool,
    /// Replace the text of one of our text messages.
    pub edit: bool,
    /// Answer it with a quote: it must have reached the platform and carry the platform's id.
    pub quote: bool,
    /// Send again one of ours that failed.
    pub retry: bool,
}

impl Actions {
    pub fn of(message: &Message, capabilities: &Capabilities, now_ms: f64) -> Actions {
        // A note never reached the platform: nothing there to take back, edit or quote.
        if message.note {
            return Actions::default();
        }
        let recalled = message.recalled_at_ms.is_some();
        let ours_and_sent = message.outgoing && !recalled && message.status == MessageStatus::Sent;
        let within_window = capabilities
            .recall_window_secs
            .is_none_or(|window| now_ms - (message.at_ms as f64) < window as f64 * 1000.0);
        Actions {
            recall: ours_and_sent && capabilities.recall && within_window,
            edit: ours_and_sent
                && capabilities.edit
                && message.content.kind == Some(ContentKind::Text),
            quote: capabilities.quote_reply
                && !recalled
                && message.has_platform_id()
                && matches!(
                    message.status,
                    MessageStatus::Received | MessageStatus::Sent | MessageStatus::Logged
                ),
            retry: message.outgoing
                && matches!(message.status, MessageStatus::Failed(_))
                && message.content.text.is_some(),
        }
    }
}
