//! Mixin's simulated customers write to the bot in their one-to-one conversation with it.

use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;
use switchboard_payload::platforms::mixin::unique_conversation_id;

use crate::sandbox::common::credentials::MIXIN_USER_ID;
use crate::sandbox::common::{Delivery, Writing};

/// Mixin has Markdown messages (`PLAIN_POST`).
pub const FORMATS: &[&str] = &["text", "markdown"];

/// The customers' Mixin user ids.
const CUSTOMER_IDS: [&str; 2] = [
    "11efbb75-e7fe-44d7-a14f-698535289310",
    "2b1a6d0c-5e4f-4c8e-9a1b-3f2e1d0c9b8a",
];

pub fn writes(writing: &Writing) -> Delivery {
    let customer_id = CUSTOMER_IDS[writing.customer];
    let message_id = uuid::Uuid::new_v4().to_string();
    let session_id = uuid::Uuid::new_v4().to_string();
    let conversation_id = unique_conversation_id(customer_id, MIXIN_USER_ID);
    let message = CustomerMessage {
        delivery_id: &session_id,
        conversation_id: &conversation_id,
        own_id: MIXIN_USER_ID,
        ..writing.message(&message_id, customer_id)
    };
    Delivery::of(Platform::Mixin, &message)
}
