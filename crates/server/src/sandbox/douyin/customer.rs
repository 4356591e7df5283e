//! Douyin's simulated customers write private messages to our account; the delivery is signed
//! as Douyin signs, and the emulator remembers each message's conversation (a reply names it).

use std::sync::Mutex;

use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;

use super::Store;
use crate::platforms::douyin::signature;
use crate::sandbox::common::credentials::{DOUYIN_CLIENT_SECRET, DOUYIN_OPEN_ID};
use crate::sandbox::common::{Delivery, Writing, lock, numeric_id};

/// The customers' open ids.
const CUSTOMER_IDS: [&str; 2] = ["_000sandbox-customer-c1", "_000sandbox-customer-c2"];

pub fn writes(store: &Mutex<Store>, writing: &Writing) -> Delivery {
    let customer_id = CUSTOMER_IDS[writing.customer];
    let server_message_id = format!("@sandbox{}", numeric_id(24));
    let conversation = format!("@sandbox-conversation-{customer_id}");
    lock(store)
        .received
        .insert(server_message_id.clone(), conversation.clone());
    let log_id = numeric_id(30);
    let message = CustomerMessage {
        delivery_id: &log_id,
        conversation_id: &conversation,
        own_id: DOUYIN_OPEN_ID,
        own_name: "Sandbox Agent",
        own_login: "sandbox_client_key",
        ..writing.message(&server_message_id, customer_id)
    };
    let mut delivery = Delivery::of(Platform::Douyin, &message);
    let signature = signature(DOUYIN_CLIENT_SECRET, &delivery.body);
    delivery
        .headers
        .push(("X-Douyin-Signature".into(), signature));
    delivery.headers.push(("Msg-Id".into(), server_message_id));
    delivery
}
