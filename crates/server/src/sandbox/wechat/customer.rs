//! E云's simulated customers: each message is also kept for `/sync`, so a pull finds what a
//! lost callback missed.

use std::sync::Mutex;

use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;

use super::{Store, SyncItem};
use crate::sandbox::common::credentials::WECHAT_OWN_WXID;
use crate::sandbox::common::{Delivery, Writing, lock};

/// The customers' wxids.
const CUSTOMER_IDS: [&str; 2] = ["wxid_sandbox_customer_c1", "wxid_sandbox_customer_c2"];

pub fn writes(store: &Mutex<Store>, writing: &Writing) -> Delivery {
    let customer_id = CUSTOMER_IDS[writing.customer];
    let (msg_id, new_msg_id) = {
        let mut store = lock(store);
        let (msg_id, new_msg_id) = store.next_ids();
        store.push_item(SyncItem {
            from: customer_id,
            to: WECHAT_OWN_WXID,
            msg_type: 1,
            content: writing.text,
            is_sender: false,
            new_msg_id,
            msg_id,
        });
        (msg_id.to_string(), new_msg_id.to_string())
    };
    let message = CustomerMessage {
        delivery_id: &msg_id,
        own_id: WECHAT_OWN_WXID,
        own_login: "sandbox-agent",
        ..writing.message(&new_msg_id, customer_id)
    };
    Delivery::of(Platform::Wechat, &message)
}
