//! Douyin's open-platform endpoints the desk uses (`../shared/reference/platforms.md`).

use crate::endpoint::Endpoint;

/// Where the IM API lives: calls below it take the `access-token` header.
pub const IM_API_PREFIX: &str = "/im/";
/// A private message, as an answer to the customer's latest one.
pub const SEND_MSG: Endpoint = Endpoint::post("/im/send/msg/");
pub const RECALL_MSG: Endpoint = Endpoint::post("/im/recall/msg/");
/// Image upload; the answer's `image_id` goes into an image message.
pub const IMAGE_UPLOAD: Endpoint = Endpoint::post("/tool/imagex/client_upload/");

pub const ALL: &[Endpoint] = &[SEND_MSG, RECALL_MSG, IMAGE_UPLOAD];
