//! wkteam WeCom's endpoints. The send and upload paths are configuration (wkteam does not
//! publish them); these are the defaults, and the paths the sandbox answers.

use crate::endpoint::Endpoint;

pub const SEND_TEXT: Endpoint = Endpoint::post("/message/sendText");
pub const SEND_IMAGE: Endpoint = Endpoint::post("/message/sendImage");
pub const SEND_FILE: Endpoint = Endpoint::post("/message/sendFile");
pub const UPLOAD: Endpoint = Endpoint::post("/message/upload");
/// Recall (its path is not configuration).
pub const CANCEL_MSG: Endpoint = Endpoint::post("/message/cancelMsg");
/// 外部联系人详情 and 群详情 (`profiles.rs`): configuration too, their real paths unpublished.
pub const CONTACT_INFO: Endpoint = Endpoint::post("/contact/contactInfo");
pub const ROOM_INFO: Endpoint = Endpoint::post("/room/roomInfo");

pub const ALL: &[Endpoint] = &[
    SEND_TEXT,
    SEND_IMAGE,
    SEND_FILE,
    UPLOAD,
    CANCEL_MSG,
    CONTACT_INFO,
    ROOM_INFO,
];
