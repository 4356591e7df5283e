//! Yunhu's simulated customers write to the bot; the emulator also keeps each message in its
//! history of the customer's user chat (chat type 1), with its content type.

use std::sync::Mutex;

use switchboard_payload::Platform;
use switchboard_payload::customer::{CustomerMessage, TextFormat};
use switchboard_payload::platforms::yunhu::content_type;

use super::Store;
use crate::sandbox::common::{Delivery, Writing, lock};

/// Yunhu has Markdown and HTML messages (contentType `markdown`, `html`).
pub const FORMATS: &[&str] = &["text", "markdown", "html"];

/// The customers' Yunhu user ids.
const CUSTOMER_IDS: [&str; 2] = ["5180273", "6020511"];

pub fn writes(store: &Mutex<Store>, writing: &Writing) -> Delivery {
    let customer_id = CUSTOMER_IDS[writing.customer];
    let msg_id = uuid::Uuid::new_v4().simple().to_string();
    let content_type = match writing.format {
        TextFormat::Text => content_type::TEXT,
        TextFormat::Markdown => content_type::MARKDOWN,
        TextFormat::Html => content_type::HTML,
    };
    lock(store).push(
        1,
        customer_id,
        super::written_msg(
            &msg_id,
            customer_id,
            writing.name,
            writing.text,
            content_type,
        ),
    );
    let event_id = uuid::Uuid::new_v4().simple().to_string();
    let message = CustomerMessage {
        delivery_id: &event_id,
        ..writing.message(&msg_id, customer_id)
    };
    Delivery::of(Platform::Yunhu, &message)
}
