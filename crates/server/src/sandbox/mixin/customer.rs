//! Mixin's simulated customers write to the bot in their one-to-one conversation with it; Blaze
//! pushes each message to the bot as a `CREATE_MESSAGE` frame (Mixin has no webhooks).

use std::sync::Mutex;

use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;
use switchboard_payload::platforms::mixin::unique_conversation_id;

use super::Store;
use crate::sandbox::common::credentials::MIXIN_USER_ID;
use crate::sandbox::common::{Carried, Delivery, Writing, lock};

/// Mixin has Markdown messages (`PLAIN_POST`).
pub const FORMATS: &[&str] = &["text", "markdown"];

use super::CUSTOMER_IDS;

pub fn writes(store: &Mutex<Store>, writing: &Writing) -> Delivery {
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
    let blaze = lock(store).blaze.clone();
    if writing.delivered {
        let view = switchboard_payload::platforms::of(Platform::Mixin).customer_message(&message);
        lock(&blaze).push("CREATE_MESSAGE", &message_id, view);
    }
    let pushed = message_id.clone();
    // Blaze carries it: there is no webhook to post.
    Delivery {
        headers: Vec::new(),
        body: Vec::new(),
        message_id: message_id.clone(),
        carried: Carried::Socket(Box::new(move || {
            let blaze = lock(&blaze);
            if blaze.is_acknowledged(&pushed) {
                Some(true)
            } else {
                (blaze.open > 0).then_some(false)
            }
        })),
    }
}
