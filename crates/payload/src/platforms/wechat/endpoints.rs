//! E云管家's endpoints the desk uses (wkteam.cn API pages; `../shared/reference/platforms.md`).
//! The server adds `wId` to every body.

use crate::endpoint::Endpoint;

pub const SEND_TEXT: Endpoint = Endpoint::post("/sendText");
/// An image by URL (E云 fetches it: the file we host).
pub const SEND_IMAGE2: Endpoint = Endpoint::post("/sendImage2");
/// A file by URL.
pub const SEND_FILE: Endpoint = Endpoint::post("/sendFile");
pub const REVOKE_MSG: Endpoint = Endpoint::post("/revokeMsg");
/// The pull of 视频号 private messages, from a `keyBuff` cursor.
pub const SYNC_FINDER: Endpoint = Endpoint::post("/syncFinder");
/// A text reply in a 视频号 private session (wkteam.cn `shipinhao/privateSend`).
pub const PRIVATE_SEND: Endpoint = Endpoint::post("/privateSend");
/// Friends' and groups' names and pictures, at most 20 ids a call (reference `contacts.md` §5).
pub const GET_CONTACT: Endpoint = Endpoint::post("/getContact");

pub const ALL: &[Endpoint] = &[
    SEND_TEXT,
    SEND_IMAGE2,
    SEND_FILE,
    REVOKE_MSG,
    SYNC_FINDER,
    PRIVATE_SEND,
    GET_CONTACT,
];
