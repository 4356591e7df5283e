//! wkteam WeCom's simulated customers: their messages arrive by callback only (the emulator
//! keeps no history of them).

use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;

use crate::sandbox::common::credentials::WECOM_SESSION_ID;
use crate::sandbox::common::{Delivery, Writing, numeric_id};

/// The customers' WeCom user ids.
pub const CUSTOMER_IDS: [&str; 2] = ["7881300012345678", "7881300087654321"];

/// Our own WeCom user id.
pub const OWN_ID: &str = "1688850000000001";

/// The group both customers and our account are in (wkteam's group ids look like `R:108…`).
pub const ROOM_ID: &str = "R:10820914206954100";

pub fn writes(writing: &Writing) -> Delivery {
    let id = numeric_id(7);
    let seq = numeric_id(7);
    let message = CustomerMessage {
        delivery_id: &seq,
        own_id: OWN_ID,
        own_login: WECOM_SESSION_ID,
        conversation_id: if writing.in_group { ROOM_ID } else { "" },
        ..writing.message(&id, CUSTOMER_IDS[writing.customer])
    };
    Delivery::of(Platform::Wecom, &message)
}
