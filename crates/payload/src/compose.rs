//! Requests the desk sends, encoded in each platform's own wire format: the one entry point.
//! Each platform's rules are its [`crate::codec::Codec`]; this only finds it. Pure: the caller
//! supplies fresh ids.

use std::collections::BTreeMap;

use crate::event::Platform;
use crate::platforms::of;
pub use crate::request::{Attachment, Call, ComposeError, EARLIER_PAGE, Target};

/// A text message; `fresh_id` is a new UUID (used where the client names the message).
pub fn send_text(
    platform: Platform,
    target: &Target,
    text: &str,
    quote: Option<&str>,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    of(platform).send_text(target, text, quote, fresh_id)
}

/// A Markdown message (rendered by the customer's app): Yunhu content type 3 (bot API
/// `markdown`), Mixin `PLAIN_POST`.
pub fn send_markdown(
    platform: Platform,
    target: &Target,
    markdown: &str,
    quote: Option<&str>,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    of(platform).send_markdown(target, markdown, quote, fresh_id)
}

/// An image message carrying an uploaded image.
pub fn send_image(
    platform: Platform,
    target: &Target,
    image: &Attachment,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    of(platform).send_image(target, image, fresh_id)
}

/// A file message carrying an uploaded file (Douyin's API sends no files).
pub fn send_file(
    platform: Platform,
    target: &Target,
    file: &Attachment,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    of(platform).send_file(target, file, fresh_id)
}

/// The page of a conversation's history before `before` (a message id; `None` = the newest):
/// Yunhu's user API (`list-message`). The bot API keeps no history; other platforms offer none.
pub fn earlier_messages(
    platform: Platform,
    target: &Target,
    before: Option<&str>,
) -> Result<Call, ComposeError> {
    of(platform).earlier_messages(target, before)
}

/// The next page of the account's messages after `cursor` (E云 `syncFinder` and its `keyBuff`;
/// `None` starts from the beginning).
pub fn sync(platform: Platform, cursor: Option<&str>) -> Result<Call, ComposeError> {
    of(platform).sync(cursor)
}

/// Replaces the text of one of our messages (Yunhu only).
pub fn edit(
    platform: Platform,
    target: &Target,
    message_id: &str,
    platform_ids: &BTreeMap<String, String>,
    text: &str,
) -> Result<Call, ComposeError> {
    of(platform).edit(target, message_id, platform_ids, text)
}

/// Read receipts for the customer's messages (Mixin only; at most 100 per call).
pub fn read_receipts(platform: Platform, message_ids: &[String]) -> Result<Call, ComposeError> {
    of(platform).read_receipts(message_ids)
}

/// Recalls one of our messages: its id, and the ids the platform's answer gave it.
pub fn recall(
    platform: Platform,
    target: &Target,
    message_id: &str,
    platform_ids: &BTreeMap<String, String>,
    fresh_id: &str,
) -> Result<Call, ComposeError> {
    of(platform).recall(target, message_id, platform_ids, fresh_id)
}
