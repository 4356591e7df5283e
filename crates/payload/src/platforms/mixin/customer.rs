//! A customer's message as Mixin carries it to a bot: the message view of a `CREATE_MESSAGE`
//! (reference §4; MixinNetwork/developers.mixin.one `docs/api/messages`), Markdown as
//! `PLAIN_POST`; `data` is standard base64, `data_base64` base64url without padding.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::customer::{CustomerMessage, TextFormat};

pub fn message(message: &CustomerMessage) -> serde_json::Value {
    let created_at = rfc3339(message.sent_at_ms);
    serde_json::json!({
        "type": "message",
        "representative_id": "",
        "quote_message_id": "",
        "conversation_id": message.conversation_id,
        "user_id": message.customer_id,
        "session_id": message.delivery_id,
        "message_id": message.message_id,
        "category": if message.format == TextFormat::Markdown { "PLAIN_POST" } else { "PLAIN_TEXT" },
        "data": STANDARD.encode(message.text),
        "data_base64": URL_SAFE_NO_PAD.encode(message.text),
        "status": "SENT",
        "source": "CREATE_MESSAGE",
        "silent": false,
        "expire_in": 0,
        "created_at": created_at,
        "updated_at": created_at
    })
}

/// `2026-11-22T03:06:17.363Z`, as Mixin writes times.
fn rfc3339(unix_ms: u64) -> String {
    let at = time::OffsetDateTime::UNIX_EPOCH + time::Duration::milliseconds(unix_ms as i64);
    let (year, month, day) = at.to_calendar_date();
    format!(
        "{year:04}-{:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        u8::from(month),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_written_as_mixin_writes_them() {
        assert_eq!(
            super::rfc3339(1_663_556_777_363),
            "2022-09-19T03:06:17.363Z"
        );
    }
}
