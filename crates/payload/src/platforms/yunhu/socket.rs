//! The push WebSocket of a Yunhu user account (`wss://chat-ws-go.jwzhd.com/ws`; reference §1.3,
//! community docs `yh-Tpdev/yhchatAPI` `src/api/wss/chat-ws-go.jwzhd.com.md`): the client's JSON
//! text frames (`login`, `heartbeat`), what a server needs of a binary `WsWrapper` frame to keep
//! its place in each chat, and the frames an emulator pushes.

use prost::Message;

use crate::protobuf::yunhu::{ListMessageResponse, PushMessage, WsWrapper, ws_wrapper};

/// `platform` in the login frame; the values are case-sensitive (`windows|macos|android|linux|
/// ios|fuchsia|Web`), a wrong one fails the login.
pub const LOGIN_PLATFORM: &str = "Web";
pub const LOGIN_PLATFORMS: &[&str] = &[
    "windows", "macos", "android", "linux", "ios", "fuchsia", "Web",
];
/// What the server answers a refused login or a frame before one ("数据不合法", as text or as its
/// bytes in a binary frame), when it answers at all.
pub const INVALID_DATA: &str = "数据不合法";
pub const HEARTBEAT_ACK: &str = "heartbeat_ack";

/// `{"seq", "cmd": "login", "data": {userId, token, platform, deviceId}}`.
pub fn login_frame(seq: &str, user_id: &str, token: &str, device_id: &str) -> String {
    serde_json::json!({
        "seq": seq,
        "cmd": "login",
        "data": {
            "userId": user_id,
            "token": token,
            "platform": LOGIN_PLATFORM,
            "deviceId": device_id,
        },
    })
    .to_string()
}

/// `{"seq", "cmd": "heartbeat", "data": {}}`, answered with a `heartbeat_ack` frame.
pub fn heartbeat_frame(seq: &str) -> String {
    serde_json::json!({ "seq": seq, "cmd": "heartbeat", "data": {} }).to_string()
}

/// A client's text frame as an emulator reads it: its `cmd`, `seq` and `data`.
pub fn client_frame(text: &str) -> Option<(String, String, serde_json::Value)> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let cmd = value["cmd"].as_str()?.to_owned();
    let seq = value["seq"].as_str().unwrap_or_default().to_owned();
    Some((cmd, seq, value["data"].clone()))
}

/// Where a message sits: its chat (type 1 user, 2 group, 3 bot) and its sequence number there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chat {
    pub chat_type: u64,
    pub chat_id: String,
}

/// What a receiver needs of one binary frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// `info.cmd`: `heartbeat_ack`, `push_message`, `edit_message`, `stream_message`, ….
    pub cmd: String,
    /// The chat and `msg_seq` of a message frame (`push_message`, `edit_message`,
    /// `blocked_message`); on a recall, the recalled message's seq.
    pub place: Option<(Chat, u64)>,
    /// What makes this delivery unique: the command, the message and its version (edit or
    /// recall time). `None` for frames that carry no message id.
    pub delivery: Option<String>,
}

/// Reads a binary frame; `None` when it is not a `WsWrapper`.
pub fn read_frame(bytes: &[u8]) -> Option<Pushed> {
    let frame = WsWrapper::decode(bytes).ok()?;
    let info = frame.info?;
    if info.cmd.is_empty() {
        return None;
    }
    let value = frame.data.map(|data| data.value).unwrap_or_default();
    let (place, delivery) = match super::push_payload_schema(&info.cmd) {
        Some(PushMessage::SCHEMA) => match PushMessage::decode(value.as_slice()) {
            Ok(push) if !push.msg_id.is_empty() => {
                let place = (!push.chat_id.is_empty() && push.msg_seq != 0).then(|| {
                    let chat = Chat {
                        chat_type: push.chat_type,
                        chat_id: push.chat_id.clone(),
                    };
                    (chat, push.msg_seq)
                });
                let version = push.edit_time.max(push.delete_timestamp);
                (
                    place,
                    Some(format!("{}:{}:{version}", info.cmd, push.msg_id)),
                )
            }
            _ => (None, None),
        },
        // Stream chunks append (two equal chunks are two chunks) and name no seq.
        _ => (None, None),
    };
    Some(Pushed {
        cmd: info.cmd,
        place,
        delivery,
    })
}

/// Whether a frame is the server's "invalid data" answer (to a refused login).
pub fn is_invalid_data(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| text.trim() == INVALID_DATA)
}

/// What one `list-message-by-seq` answer says: the platform's status (1 = OK) and the listed
/// messages' highest `msg_seq` and count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub status: i32,
    pub message: String,
    pub newest_seq: u64,
    pub count: usize,
}

pub fn read_listing(bytes: &[u8]) -> Option<Listed> {
    let listing = ListMessageResponse::decode(bytes).ok()?;
    let status = listing.status.unwrap_or_default();
    Some(Listed {
        status: status.code,
        message: status.msg,
        newest_seq: listing.msg.iter().map(|msg| msg.msg_seq).max().unwrap_or(0),
        count: listing.msg.len(),
    })
}

/// A frame as the server pushes it: `WsWrapper {info {seq, cmd}, data: Any}`.
pub fn frame(seq: &str, cmd: &str, data: Option<(&str, Vec<u8>)>) -> Vec<u8> {
    WsWrapper {
        info: Some(ws_wrapper::Info {
            seq: seq.to_owned(),
            cmd: cmd.to_owned(),
        }),
        data: data.map(|(schema, value)| prost_types::Any {
            type_url: format!("type.googleapis.com/{schema}"),
            value,
        }),
    }
    .encode_to_vec()
}

/// A `push_message` (or `edit_message`) frame carrying `push`.
pub fn push_frame(seq: &str, cmd: &str, push: &PushMessage) -> Vec<u8> {
    frame(seq, cmd, Some((PushMessage::SCHEMA, push.encode_to_vec())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::yunhu::MsgContent;

    fn push(msg_id: &str, seq: u64) -> PushMessage {
        PushMessage {
            msg_id: msg_id.into(),
            chat_id: "5180273".into(),
            chat_type: 1,
            msg_seq: seq,
            content: Some(MsgContent {
                text: "你好".into(),
                ..MsgContent::default()
            }),
            content_type: 1,
            ..PushMessage::default()
        }
    }

    #[test]
    fn a_push_frame_names_its_chat_seq_and_delivery() {
        let bytes = push_frame("s1", "push_message", &push("m1", 7));
        let pushed = read_frame(&bytes).unwrap();
        assert_eq!(pushed.cmd, "push_message");
        let (chat, seq) = pushed.place.unwrap();
        assert_eq!(
            (chat.chat_type, chat.chat_id.as_str(), seq),
            (1, "5180273", 7)
        );
        assert_eq!(pushed.delivery.as_deref(), Some("push_message:m1:0"));
        // A recall of the same message is another delivery.
        let recalled = PushMessage {
            delete_timestamp: 99,
            ..push("m1", 7)
        };
        let pushed = read_frame(&push_frame("s2", "push_message", &recalled)).unwrap();
        assert_eq!(pushed.delivery.as_deref(), Some("push_message:m1:99"));
    }

    #[test]
    fn a_heartbeat_ack_has_no_place_and_garbage_is_no_frame() {
        let ack = read_frame(&frame("h1", HEARTBEAT_ACK, None)).unwrap();
        assert_eq!(
            (ack.cmd.as_str(), ack.place, ack.delivery),
            (HEARTBEAT_ACK, None, None)
        );
        assert_eq!(read_frame(INVALID_DATA.as_bytes()), None);
        assert!(is_invalid_data(INVALID_DATA.as_bytes()));
        assert_eq!(read_frame(b"\xff\xff"), None);
    }

    #[test]
    fn login_and_heartbeat_frames_are_what_the_server_reads() {
        let (cmd, seq, data) = client_frame(&login_frame("a", "123", "tok", "dev")).unwrap();
        assert_eq!((cmd.as_str(), seq.as_str()), ("login", "a"));
        assert_eq!(data["platform"], "Web");
        assert_eq!(data["userId"], "123");
        let (cmd, _, data) = client_frame(&heartbeat_frame("b")).unwrap();
        assert_eq!(cmd, "heartbeat");
        assert_eq!(data, serde_json::json!({}));
    }
}
