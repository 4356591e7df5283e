//! E云's simulated customers: on WeChat they write to our account, which E云 reports by
//! callback (nothing is kept for later: E云 has no history to recover a lost callback from);
//! with `"channel": "finder"` they write to our 视频号 profile as Channels users, and the message
//! waits in `syncFinder` for the server's next pull.

use std::sync::{Arc, Mutex};

use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;

use super::{Store, SyncItem};
use crate::sandbox::common::credentials::{WECHAT_FINDER_USERNAME, WECHAT_OWN_WXID};
use crate::sandbox::common::{Carried, Delivery, Writing, lock};

use super::CUSTOMER_IDS;
/// The same customers as 视频号 users writing to a profile they do not follow.
const FINDER_IDS: [&str; 2] = [
    "fv1_cb68e6952228400339575a83b4sandbox01@findermsgstranger",
    "fv1_5d1c0e7a9b2f4c3d8e6a1b0f9c8dsandbox02@findermsgstranger",
];

pub fn writes(store: &Arc<Mutex<Store>>, writing: &Writing) -> Delivery {
    if writing.to_channels {
        return writes_to_channels(store, writing);
    }
    let customer_id = CUSTOMER_IDS[writing.customer];
    let (msg_id, new_msg_id) = lock(store).next_ids();
    let (msg_id, new_msg_id) = (msg_id.to_string(), new_msg_id.to_string());
    let message = CustomerMessage {
        delivery_id: &msg_id,
        own_id: WECHAT_OWN_WXID,
        own_login: "sandbox-agent",
        ..writing.message(&new_msg_id, customer_id)
    };
    Delivery::of(Platform::Wechat, &message)
}

fn writes_to_channels(store: &Arc<Mutex<Store>>, writing: &Writing) -> Delivery {
    let customer_id = FINDER_IDS[writing.customer];
    let (new_msg_id, seq) = {
        let mut store = lock(store);
        let session = store.session_of(customer_id);
        let (msg_id, new_msg_id) = store.next_ids();
        if writing.delivered {
            store.push_item(SyncItem {
                from: customer_id,
                to: WECHAT_FINDER_USERNAME,
                msg_type: 1,
                content: writing.text,
                is_sender: false,
                new_msg_id,
                msg_id,
                session: &session,
            });
        }
        (new_msg_id, store.items.len())
    };
    let store = store.clone();
    Delivery {
        headers: Vec::new(),
        body: Vec::new(),
        message_id: new_msg_id.to_string(),
        carried: Carried::Pulled(Box::new(move || lock(&store).synced >= seq)),
    }
}
