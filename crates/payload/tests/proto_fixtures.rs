//! Protobuf fixtures we build from our own schemas (Yunhu push, recall push, list response, send
//! request; Douyin MessageBody, NewMessageNotify), stored in binary, hex and base64, and the
//! events each must decode to. `UPDATE_FIXTURES=1 cargo test` rewrites the files.

use base64::Engine;
use prost::Message;
use switchboard_payload::event::{ContentKind, ConversationKind, EventType};
use switchboard_payload::protobuf::{douyin_im, yunhu};
use switchboard_payload::unwrap::Format;
use switchboard_payload::{Inspection, Options, Platform, inspect};

fn sender() -> yunhu::Sender {
    yunhu::Sender {
        chat_id: "7356666".into(),
        chat_type: 1,
        name: "客户小王".into(),
        avatar_url: "https://chat-img.jwznb.com/avatar.jpg".into(),
        ..Default::default()
    }
}

fn push(msg_id: &str, delete_timestamp: u64) -> yunhu::PushMessage {
    yunhu::PushMessage {
        msg_id: msg_id.into(),
        sender: Some(sender()),
        recv_id: "8888888".into(),
        chat_id: "big-group".into(),
        chat_type: 2,
        content: Some(yunhu::MsgContent {
            text: "你好，请问在吗？".into(),
            ..Default::default()
        }),
        content_type: 1,
        timestamp: 1_700_000_000_123,
        delete_timestamp,
        msg_seq: 42,
        ..Default::default()
    }
}

fn frame(cmd: &str, value: Vec<u8>) -> yunhu::WsWrapper {
    yunhu::WsWrapper {
        info: Some(yunhu::ws_wrapper::Info {
            seq: "b8f1c2".into(),
            cmd: cmd.into(),
        }),
        data: Some(prost_types::Any {
            type_url: "type.googleapis.com/yunhu.PushMessage".into(),
            value,
        }),
    }
}

fn douyin_body() -> douyin_im::MessageBody {
    douyin_im::MessageBody {
        conversation_id: "0:1:6948680389724570630:7028939348067795974".into(),
        conversation_type: 1,
        server_message_id: 7_308_779_483_125_827_600,
        conversation_short_id: 7_308_778_864_963_060_011,
        message_type: 7,
        sender: 7_028_939_348_067_795_974,
        content: r#"{"aweType":700,"text":"想咨询一下路线"}"#.into(),
        ext: [(
            "s:client_message_id".to_owned(),
            "133e2af4-c1a1-4f33-affb-5dcc4b543892".to_owned(),
        )]
        .into_iter()
        .collect(),
        create_time: 1_701_707_832_586,
        sec_sender: "MS4wLjABAAAASSOUgco2xzmGTsWS8ywyyzts".into(),
        ..Default::default()
    }
}

/// Every fixture: file stem and bytes.
fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "yunhu_push_message",
            frame("push_message", push("a1b2c3d4", 0).encode_to_vec()).encode_to_vec(),
        ),
        (
            "yunhu_recall_push",
            frame(
                "push_message",
                push("a1b2c3d4", 1_700_000_060_000).encode_to_vec(),
            )
            .encode_to_vec(),
        ),
        (
            "yunhu_list_message_response",
            yunhu::ListMessageResponse {
                status: Some(yunhu::Status {
                    request_id: 114514,
                    code: 1,
                    msg: "success".into(),
                }),
                msg: vec![
                    yunhu::Msg {
                        msg_id: "m-1".into(),
                        sender: Some(sender()),
                        direction: "left".into(),
                        content_type: 1,
                        content: Some(yunhu::MsgContent {
                            text: "第一条".into(),
                            ..Default::default()
                        }),
                        send_time: 1_700_000_000_000,
                        msg_seq: 1,
                        ..Default::default()
                    },
                    yunhu::Msg {
                        msg_id: "m-2".into(),
                        sender: Some(yunhu::Sender {
                            chat_id: "agent-1".into(),
                            name: "客服".into(),
                            ..Default::default()
                        }),
                        direction: "right".into(),
                        content_type: 2,
                        content: Some(yunhu::MsgContent {
                            image_url: "https://chat-img.jwznb.com/abc.jpg".into(),
                            width: 640,
                            height: 480,
                            ..Default::default()
                        }),
                        send_time: 1_700_000_100_000,
                        msg_seq: 2,
                        ..Default::default()
                    },
                ],
                total: 2,
            }
            .encode_to_vec(),
        ),
        (
            "yunhu_send_message_request",
            yunhu::SendMessageRequest {
                msg_id: "4f9c2a7be1d34c0f9a8e6b5d4c3b2a19".into(),
                chat_id: "7356666".into(),
                chat_type: 1,
                content: Some(yunhu::MsgContent {
                    text: "您好，已为您处理".into(),
                    ..Default::default()
                }),
                content_type: 1,
                quote_msg_id: "a1b2c3d4".into(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        ("douyin_message_body", douyin_body().encode_to_vec()),
        (
            "douyin_new_message_notify",
            douyin_im::Response {
                cmd: 500,
                sequence_id: 10_001,
                status_code: 0,
                inbox_type: 0,
                body: Some(douyin_im::ResponseBody {
                    has_new_message_notify: Some(douyin_im::NewMessageNotify {
                        conversation_id: "0:1:6948680389724570630:7028939348067795974".into(),
                        conversation_type: 1,
                        notify_type: 1,
                        message: Some(douyin_body()),
                    }),
                }),
                log_id: "20231003235936BCA77B206AE16EF58E33".into(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
    ]
}

fn dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/proto")
}

fn forms(bytes: &[u8]) -> [(&'static str, Vec<u8>); 3] {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    [
        ("bin", bytes.to_vec()),
        ("hex", format!("{hex}\n").into_bytes()),
        (
            "b64",
            format!(
                "{}\n",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            )
            .into_bytes(),
        ),
    ]
}

#[test]
fn fixtures_on_disk_are_what_our_schemas_encode() {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    for (stem, bytes) in fixtures() {
        for (extension, content) in forms(&bytes) {
            let path = dir().join(format!("{stem}.{extension}"));
            if update {
                std::fs::write(&path, &content).unwrap();
            }
            let on_disk =
                std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                on_disk,
                content,
                "{} is stale: run with UPDATE_FIXTURES=1",
                path.display()
            );
        }
    }
}

/// Each stored form decodes to the same thing; returns the inspection of the binary form.
fn inspect_all_forms(stem: &str) -> Inspection {
    let mut results = Vec::new();
    for (extension, chain) in [
        ("bin", vec![Format::Protobuf]),
        ("hex", vec![Format::Hex, Format::Protobuf]),
        ("b64", vec![Format::Base64, Format::Protobuf]),
    ] {
        let bytes = std::fs::read(dir().join(format!("{stem}.{extension}"))).unwrap();
        let inspection = inspect(&bytes, &Options::default());
        assert_eq!(inspection.chain, chain, "{stem}.{extension}");
        assert_eq!(inspection.error, None, "{stem}.{extension}");
        results.push(inspection);
    }
    for other in &results[1..] {
        assert_eq!(other.events, results[0].events);
        assert_eq!(other.schema, results[0].schema);
    }
    results.remove(0)
}

fn schema_name(inspection: &Inspection) -> &str {
    inspection
        .schema
        .as_ref()
        .map_or("unknown", |s| s.name.as_str())
}

#[test]
fn yunhu_push_frame_names_the_any_value_by_cmd() {
    let inspection = inspect_all_forms("yunhu_push_message");
    assert_eq!(inspection.platform, Some(Platform::Yunhu));
    assert_eq!(schema_name(&inspection), "yunhu.WsWrapper");
    assert!(inspection.schema.as_ref().unwrap().confidence >= 0.8);
    let [event] = inspection.events.as_slice() else {
        panic!("{:#?}", inspection.events)
    };
    assert_eq!(event.kind, EventType::Message);
    assert_eq!(event.message_id.as_deref(), Some("a1b2c3d4"));
    assert_eq!(event.conversation_id.as_deref(), Some("big-group"));
    assert_eq!(event.conversation_kind, Some(ConversationKind::Group));
    assert_eq!(event.sender_id.as_deref(), Some("7356666"));
    assert_eq!(event.sender_name.as_deref(), Some("客户小王"));
    assert_eq!(event.at_ms, Some(1_700_000_000_123));
    assert_eq!(
        event.content.as_ref().unwrap().text.as_deref(),
        Some("你好，请问在吗？")
    );
    // The tree names the fields inside data.value with PushMessage's schema.
    let json = serde_json::to_string(&inspection.tree).unwrap();
    assert!(
        json.contains("\"label\":\"delete_timestamp\"") || json.contains("\"label\":\"timestamp\""),
        "{json}"
    );
    assert!(
        json.contains("\"type_name\":\"yunhu.PushMessage\""),
        "{json}"
    );
}

#[test]
fn yunhu_recall_push_gives_the_message_and_its_recall() {
    let inspection = inspect_all_forms("yunhu_recall_push");
    let kinds: Vec<EventType> = inspection.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventType::Message, EventType::Recall]);
    let recall = &inspection.events[1];
    assert_eq!(recall.target_message_id.as_deref(), Some("a1b2c3d4"));
    assert_eq!(recall.at_ms, Some(1_700_000_060_000));
}

#[test]
fn yunhu_list_response() {
    let inspection = inspect_all_forms("yunhu_list_message_response");
    assert_eq!(schema_name(&inspection), "yunhu.ListMessageResponse");
    assert_eq!(inspection.events.len(), 2);
    let image = &inspection.events[1];
    assert_eq!(image.outgoing, Some(true), "direction right is us");
    let content = image.content.as_ref().unwrap();
    assert_eq!(content.kind, Some(ContentKind::Image));
    assert_eq!(
        content.url.as_deref(),
        Some("https://chat-img.jwznb.com/abc.jpg")
    );
    assert_eq!((content.width, content.height), (Some(640), Some(480)));
}

#[test]
fn yunhu_send_request() {
    let inspection = inspect_all_forms("yunhu_send_message_request");
    assert_eq!(schema_name(&inspection), "yunhu.SendMessageRequest");
    let [event] = inspection.events.as_slice() else {
        panic!()
    };
    assert_eq!(event.outgoing, Some(true));
    assert_eq!(event.conversation_kind, Some(ConversationKind::Direct));
    assert_eq!(event.quote_message_id.as_deref(), Some("a1b2c3d4"));
    assert_eq!(
        event.content.as_ref().unwrap().text.as_deref(),
        Some("您好，已为您处理")
    );
}

#[test]
fn douyin_message_body_and_notify() {
    for stem in ["douyin_message_body", "douyin_new_message_notify"] {
        let inspection = inspect_all_forms(stem);
        assert_eq!(inspection.platform, Some(Platform::Douyin), "{stem}");
        let [event] = inspection.events.as_slice() else {
            panic!("{stem}: {:#?}", inspection.events)
        };
        assert_eq!(event.kind, EventType::Message);
        assert_eq!(event.message_id.as_deref(), Some("7308779483125827600"));
        assert_eq!(event.sender_id.as_deref(), Some("7028939348067795974"));
        assert_eq!(
            event.conversation_id.as_deref(),
            Some("7308778864963060011")
        );
        assert_eq!(event.at_ms, Some(1_701_707_832_586));
        assert_eq!(
            event.content.as_ref().unwrap().text.as_deref(),
            Some("想咨询一下路线")
        );
    }
    assert_eq!(
        schema_name(&inspect_all_forms("douyin_message_body")),
        "douyin_im.MessageBody"
    );
    assert_eq!(
        schema_name(&inspect_all_forms("douyin_new_message_notify")),
        "douyin_im.Response"
    );
}

#[test]
fn forcing_another_schema_changes_the_field_names() {
    let bytes = std::fs::read(dir().join("yunhu_send_message_request.bin")).unwrap();
    let as_recall = inspect(
        &bytes,
        &Options {
            schema: Some("yunhu.RecallMsgRequest".into()),
            ..Options::default()
        },
    );
    let labels: Vec<&str> = as_recall
        .tree
        .children
        .iter()
        .map(|n| n.label.as_str())
        .collect();
    assert_eq!(labels[0], "msg_id");
    assert_eq!(labels[1], "chat_id");
    let unnamed = inspect(
        &bytes,
        &Options {
            schema: Some("douyin_im.RecallMessageRequestBody".into()),
            ..Options::default()
        },
    );
    let labels: Vec<&str> = unnamed
        .tree
        .children
        .iter()
        .map(|n| n.label.as_str())
        .collect();
    assert_eq!(
        labels[0], "conversation_short_id",
        "field 2 in the Douyin schema"
    );
}
