//! Payload shapes the reference documents but no seed contains: each must decode to the right
//! events without having been seen.

use base64::Engine;
use switchboard_payload::event::{ContentKind, ConversationKind, EventType};
use switchboard_payload::platforms::mixin::unique_conversation_id;
use switchboard_payload::unwrap::Format;
use switchboard_payload::{Event, Inspection, Options, Platform, inspect};

fn run(payload: &str) -> Inspection {
    let inspection = inspect(payload.as_bytes(), &Options::default());
    assert_eq!(inspection.error, None, "{payload}");
    inspection
}

fn one(inspection: &Inspection) -> &Event {
    assert_eq!(inspection.events.len(), 1, "{:#?}", inspection.events);
    &inspection.events[0]
}

#[test]
fn yunhu_bot_webhook_message() {
    let inspection = run(
        r#"{"version":"1.0","header":{"eventId":"e1","eventType":"message.receive.normal","eventTime":1700000000123},
        "event":{"sender":{"senderId":"u42","senderType":"user","senderNickname":"小李"},
                 "chat":{"chatId":"g7","chatType":"group"},
                 "message":{"msgId":"m9","parentId":"m8","sendTime":1700000000100,"chatId":"g7","chatType":"group","contentType":"markdown","content":{"text":"**hi**"}}}}"#,
    );
    assert_eq!(inspection.platform, Some(Platform::Yunhu));
    let event = one(&inspection);
    assert_eq!(event.kind, EventType::Message);
    assert_eq!(event.conversation_id.as_deref(), Some("g7"));
    assert_eq!(event.conversation_kind, Some(ConversationKind::Group));
    assert_eq!(event.sender_name.as_deref(), Some("小李"));
    assert_eq!(event.quote_message_id.as_deref(), Some("m8"));
    assert_eq!(event.at_ms, Some(1_700_000_000_100));
    assert_eq!(
        event.content.as_ref().unwrap().kind,
        Some(ContentKind::Markdown)
    );
}

#[test]
fn yunhu_bot_send_request() {
    let inspection = run(
        r#"{"recvId":"u42","recvType":"user","contentType":"image","content":{"imageKey":"abc.jpg"}}"#,
    );
    let event = one(&inspection);
    assert_eq!(event.outgoing, Some(true));
    assert_eq!(
        event.content.as_ref().unwrap().key.as_deref(),
        Some("abc.jpg")
    );
}

#[test]
fn douyin_recall_webhook_with_content_as_a_json_string() {
    let inspection = run(
        r#"{"event":"im_recall_msg","client_key":"k","from_user_id":"u1","to_user_id":"u2",
        "content":"{\"conversation_short_id\":\"@c1\",\"server_message_id\":\"@m1\",\"conversation_type\":1,\"create_time\":1696326147346}"}"#,
    );
    let event = one(&inspection);
    assert_eq!(event.kind, EventType::Recall);
    assert_eq!(event.target_message_id.as_deref(), Some("@m1"));
    assert_eq!(event.conversation_id.as_deref(), Some("@c1"));
}

#[test]
fn douyin_verify_webhook_has_no_events() {
    let inspection =
        run(r#"{"event":"verify_webhook","client_key":"k","content":{"challenge":12345}}"#);
    assert_eq!(inspection.platform, Some(Platform::Douyin));
    assert!(inspection.events.is_empty());
}

#[test]
fn douyin_send_request() {
    let inspection = run(
        r#"{"msg_id":"@m1","conversation_id":"@c1","to_user_id":"u1","content":{"msg_type":1,"text":{"text":"您好"}}}"#,
    );
    let event = one(&inspection);
    assert_eq!(
        event.content.as_ref().unwrap().text.as_deref(),
        Some("您好")
    );
    assert_eq!(event.outgoing, Some(true));
}

#[test]
fn wechat_callback_group_text() {
    let inspection = run(
        r#"{"wcId":"wxid_me","account":"me","messageType":"80001","data":{"fromUser":"wxid_a","fromGroup":"123@chatroom","toUser":"wxid_me","msgId":1,"newMsgId":9223372036854775807,"msgType":1,"timestamp":1697612364,"content":"大家好","self":false}}"#,
    );
    assert_eq!(inspection.platform, Some(Platform::Wechat));
    let event = one(&inspection);
    assert_eq!(event.conversation_id.as_deref(), Some("123@chatroom"));
    assert_eq!(event.message_id.as_deref(), Some("9223372036854775807"));
    assert_eq!(event.at_ms, Some(1_697_612_364_000));
}

#[test]
fn wechat_send_and_revoke_requests() {
    let send = run(r#"{"wId":"w1","wcId":"wxid_peer","content":"你好"}"#);
    assert_eq!(
        one(&send).content.as_ref().unwrap().kind,
        Some(ContentKind::Text)
    );
    let revoke = run(
        r#"{"wId":"w1","wcId":"wxid_peer","msgId":1,"newMsgId":4843736772799698894,"createTime":1691934687}"#,
    );
    let event = one(&revoke);
    assert_eq!(event.kind, EventType::Recall);
    assert_eq!(
        event.target_message_id.as_deref(),
        Some("4843736772799698894")
    );
}

#[test]
fn mixin_blaze_frame_gzipped() {
    use std::io::Write;
    let data = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        r#"{"attachment_id":"a1","mime_type":"image/jpeg","width":300,"height":200,"size":12345}"#,
    );
    let frame = format!(
        r#"{{"id":"f1","action":"CREATE_MESSAGE","data":{{"type":"message","conversation_id":"c1","user_id":"u1","message_id":"m1","category":"PLAIN_IMAGE","data_base64":"{data}","created_at":"2022-08-19T03:06:17.363Z"}}}}"#
    );
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(frame.as_bytes()).unwrap();
    let gzipped = encoder.finish().unwrap();
    let inspection = inspect(&gzipped, &Options::default());
    assert_eq!(inspection.chain, [Format::Gzip, Format::Json]);
    assert_eq!(inspection.platform, Some(Platform::Mixin));
    assert_eq!(
        inspection.schema.as_ref().unwrap().name,
        "mixin.blaze.CREATE_MESSAGE"
    );
    let event = one(&inspection);
    let content = event.content.as_ref().unwrap();
    assert_eq!(content.kind, Some(ContentKind::Image));
    assert_eq!(
        (content.width, content.height, content.size),
        (Some(300), Some(200), Some(12345))
    );
    assert_eq!(content.key.as_deref(), Some("a1"));
}

#[test]
fn mixin_post_messages_recall_and_acknowledgements() {
    let recall_data =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"message_id":"m1"}"#);
    let conversation = unique_conversation_id("u-bot", "u-customer");
    let body = format!(
        r#"[{{"conversation_id":"{conversation}","recipient_id":"u-customer","message_id":"m2","category":"MESSAGE_RECALL","data_base64":"{recall_data}"}}]"#
    );
    let event = one(&run(&body)).clone();
    assert_eq!(event.kind, EventType::Recall);
    assert_eq!(event.target_message_id.as_deref(), Some("m1"));
    assert_eq!(event.conversation_kind, Some(ConversationKind::Direct));
    let acks = run(r#"[{"message_id":"m1","status":"READ"},{"message_id":"m3","status":"READ"}]"#);
    assert_eq!(acks.events.len(), 2);
    assert!(acks.events.iter().all(|e| e.kind == EventType::Read));
}

#[test]
fn wecom_group_join_with_two_invitees_gives_two_events() {
    let inspection = run(
        r#"{"seq":"1","token":"t","event":{"event_type":"ROOM_JOIN","payload":{"invitee_id_list":["a","b"],"inviter_id":"c","room_id":"R:1","timestamp":"1697701029000"}}}"#,
    );
    assert_eq!(inspection.events.len(), 2);
    assert_eq!(
        inspection.events[1]
            .content
            .as_ref()
            .unwrap()
            .key
            .as_deref(),
        Some("b")
    );
}
