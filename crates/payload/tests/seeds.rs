//! Every payload in the seeds we were handed, one fixture file each: platform, schema and the
//! events' key fields (ids, sender, time, kind, text).

use switchboard_payload::event::{ContentKind, ConversationKind, EventType};
use switchboard_payload::unwrap::Format;
use switchboard_payload::{Event, Inspection, Options, Platform, inspect};

fn fixture(path: &str) -> Inspection {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap_or_else(|error| panic!("{full}: {error}"));
    let inspection = inspect(&bytes, &Options::default());
    assert_eq!(inspection.error, None, "{path} decodes without error");
    inspection
}

fn schema(inspection: &Inspection) -> &str {
    inspection
        .schema
        .as_ref()
        .map(|schema| schema.name.as_str())
        .unwrap_or("unknown")
}

fn only_event(inspection: &Inspection) -> &Event {
    assert_eq!(inspection.events.len(), 1, "{:#?}", inspection.events);
    &inspection.events[0]
}

fn text(event: &Event) -> Option<&str> {
    event.content.as_ref()?.text.as_deref()
}

fn content_kind(event: &Event) -> Option<ContentKind> {
    event.content.as_ref()?.kind
}

#[test]
fn douyin_console_dump_followed_command() {
    let inspection = fixture("douyin/im_message_body_followed.dump.txt");
    assert_eq!(inspection.chain, [Format::NodeDump]);
    assert_eq!(inspection.platform, Some(Platform::Douyin));
    assert_eq!(schema(&inspection), "douyin_im.MessageBody");
    let event = only_event(&inspection);
    assert_eq!(event.kind, EventType::Enter);
    // Long { low: 1633732624, high: 1701707831 } = 1701707831·2³² + 1633732624
    assert_eq!(event.message_id.as_deref(), Some("7308779483125827600"));
    assert_eq!(
        event.conversation_id.as_deref(),
        Some("7308778864963060011")
    );
    assert_eq!(event.conversation_kind, Some(ConversationKind::Direct));
    // low is negative: it must be read as u32.
    assert_eq!(event.sender_id.as_deref(), Some("7028939348067795974"));
    assert_eq!(event.at_ms, Some(1_701_707_832_586));
}

#[test]
fn douyin_console_dump_read_marker() {
    let inspection = fixture("douyin/im_message_body_read.dump.txt");
    assert_eq!(schema(&inspection), "douyin_im.MessageBody");
    let event = only_event(&inspection);
    assert_eq!(event.kind, EventType::Read);
    assert_eq!(event.sender_id.as_deref(), Some("6948680389724570630"));
    assert_eq!(event.message_id.as_deref(), Some("7308780132067297297"));
    assert_eq!(event.at_ms, Some(1_701_707_983_928));
    assert_eq!(
        event.target_message_id, None,
        "target_message_id 0 means none"
    );
}

#[test]
fn douyin_webhook_receive_message() {
    let inspection = fixture("douyin/webhook_im_receive_msg.json");
    assert_eq!(inspection.platform, Some(Platform::Douyin));
    assert_eq!(schema(&inspection), "douyin.webhook.im_receive_msg");
    let event = only_event(&inspection);
    assert_eq!(event.kind, EventType::Message);
    assert_eq!(
        event.conversation_id.as_deref(),
        Some(
            "@9VwPwaXLWsFiZyeletNpE8791WbhNfmKPZZ4qQ2nK1ARafX860zdRmYqig357zEB7vQW9OJBGWpZWnyxeAxhLg=="
        )
    );
    assert_eq!(
        event.message_id.as_deref(),
        Some(
            "@9VwPwaXLWsFiZyeletNpE879123sO/6HOJV5oQKgLFcaZvT/60zdRmYqig357zEBxY90PKajXCPLxoc4ckhs1g=="
        )
    );
    assert_eq!(
        event.sender_id.as_deref(),
        Some("b24c3da2-94c4-45a2-a7d7-f4149c69eafa")
    );
    assert_eq!(event.sender_name.as_deref(), Some("写新数字人欣欣"));
    assert_eq!(event.at_ms, Some(1_696_326_147_346));
    assert_eq!(content_kind(event), Some(ContentKind::Text));
    assert_eq!(text(event), Some("1"));
    assert_eq!(event.outgoing, Some(false));
}

#[test]
fn douyin_webhook_enter_direct_message() {
    let inspection = fixture("douyin/webhook_im_enter_direct_msg.json");
    assert_eq!(schema(&inspection), "douyin.webhook.im_enter_direct_msg");
    let event = only_event(&inspection);
    assert_eq!(event.kind, EventType::Enter);
    assert_eq!(event.sender_name.as_deref(), Some("写新数字人欣欣"));
    assert_eq!(event.at_ms, Some(1_696_348_776_529));
}

#[test]
fn douyin_image_upload_response_dump() {
    let inspection = fixture("douyin/image_upload_response.dump.txt");
    assert_eq!(schema(&inspection), "douyin.image_upload_response");
    let event = only_event(&inspection);
    assert_eq!(event.kind, EventType::Upload);
    let content = event.content.as_ref().unwrap();
    assert!(
        content
            .key
            .as_deref()
            .unwrap()
            .starts_with("@9VwPwaXLWsFiZyeletNpE86+iib0")
    );
    assert_eq!((content.width, content.height), (Some(881), Some(863)));
    assert_eq!(event.at_ms, Some(1_696_353_801_000));
}

fn wecom_message(path: &str, kind: ContentKind) -> Event {
    let inspection = fixture(path);
    assert_eq!(inspection.platform, Some(Platform::Wecom));
    assert!(schema(&inspection).starts_with("wecom.callback.message."));
    let event = only_event(&inspection).clone();
    assert_eq!(event.kind, EventType::Message);
    assert_eq!(event.sender_id.as_deref(), Some("1688****534"));
    assert_eq!(content_kind(&event), Some(kind));
    event
}

#[test]
fn wecom_text_message() {
    let event = wecom_message("wecom/message_text.json", ContentKind::Text);
    assert_eq!(event.message_id.as_deref(), Some("1000423"));
    assert_eq!(text(&event), Some("文本"));
    assert_eq!(event.at_ms, Some(1_697_612_364_000), "seconds as a string");
    assert_eq!(event.conversation_kind, Some(ConversationKind::Direct));
    assert_eq!(
        event.conversation_id.as_deref(),
        Some("1688****534:16888****798")
    );
}

#[test]
fn wecom_image_message_decodes_its_json_text() {
    let event = wecom_message("wecom/message_image.json", ContentKind::Image);
    let content = event.content.unwrap();
    assert_eq!(
        (content.width, content.height, content.size),
        (Some(1242), Some(2688), Some(193_099))
    );
    assert!(content.key.unwrap().starts_with("30819302010204818b"));
}

#[test]
fn wecom_video_location_contact_miniprogram_url() {
    let video = wecom_message("wecom/message_video.json", ContentKind::Video)
        .content
        .unwrap();
    assert_eq!(video.duration_ms, Some(2000));
    assert_eq!(video.size, Some(228_936));
    let location = wecom_message("wecom/message_location.json", ContentKind::Location)
        .content
        .unwrap();
    assert_eq!(
        (location.lat, location.lon),
        (Some(14.687432), Some(166.647677))
    );
    let contact = wecom_message("wecom/message_contact.json", ContentKind::Contact)
        .content
        .unwrap();
    assert_eq!(contact.key.as_deref(), Some("1688856489464987"));
    let mini = wecom_message("wecom/message_miniprogram.json", ContentKind::Card)
        .content
        .unwrap();
    assert_eq!(mini.name.as_deref(), Some("扫描全能王+"));
    let url = wecom_message("wecom/message_url.json", ContentKind::Card)
        .content
        .unwrap();
    assert_eq!(url.url.as_deref(), Some("http://wwww.baidu.com"));
    assert_eq!(url.title.as_deref(), Some("啦啦啦啦啦"));
}

#[test]
fn wecom_group_message_is_keyed_by_room() {
    let event = wecom_message("wecom/message_group_text.json", ContentKind::Text);
    assert_eq!(event.conversation_id.as_deref(), Some("10765992068360238"));
    assert_eq!(event.conversation_kind, Some(ConversationKind::Group));
    assert_eq!(text(&event), Some("测试"));
}

#[test]
fn wecom_room_events() {
    let topic = fixture("wecom/event_room_topic.json");
    assert_eq!(schema(&topic), "wecom.callback.event.ROOM_TOPIC");
    let event = only_event(&topic);
    assert_eq!(event.kind, EventType::Topic);
    assert_eq!(
        event.conversation_id.as_deref(),
        Some("R:10820914206954126")
    );
    assert_eq!(text(event), Some("测试群"));
    assert_eq!(
        event.at_ms,
        Some(1_697_698_470_000),
        "milliseconds as a string"
    );

    let join = fixture("wecom/event_room_join.json");
    let event = only_event(&join);
    assert_eq!(event.kind, EventType::Join);
    assert_eq!(event.sender_id.as_deref(), Some("1688855440457534"));
    assert_eq!(
        event.content.as_ref().unwrap().key.as_deref(),
        Some("1688857997391344")
    );

    let leave = fixture("wecom/event_room_leave.json");
    let event = only_event(&leave);
    assert_eq!(event.kind, EventType::Leave);
    assert_eq!(
        event.content.as_ref().unwrap().key.as_deref(),
        Some("1688855655434798")
    );

    let logout = fixture("wecom/event_logout.json");
    let event = only_event(&logout);
    assert_eq!(event.kind, EventType::Logout);
    assert_eq!(text(event), Some("手机端退出登录(65538)"));
}

#[test]
fn wecom_event_extension_is_decoded_as_nested_protobuf() {
    let topic = fixture("wecom/event_room_topic.json");
    let payload = topic
        .tree
        .children
        .iter()
        .find(|n| n.label == "event")
        .unwrap()
        .children
        .iter()
        .find(|n| n.label == "payload")
        .unwrap();
    let extension = payload
        .children
        .iter()
        .find(|n| n.label == "extension")
        .unwrap();
    let nested = extension
        .nested
        .as_ref()
        .expect("hex protobuf inside the string");
    assert_eq!(nested.chain, [Format::Hex, Format::Protobuf]);
    assert!(!nested.tree.children.is_empty());
}

#[test]
fn mixin_message_view() {
    let inspection = fixture("mixin/message_view_plain_text.json");
    assert_eq!(inspection.platform, Some(Platform::Mixin));
    assert_eq!(schema(&inspection), "mixin.message_view");
    let event = only_event(&inspection);
    assert_eq!(event.kind, EventType::Message);
    assert_eq!(
        event.conversation_id.as_deref(),
        Some("dd219235-e83a-3b85-a13f-d0f20fa0e833")
    );
    assert_eq!(
        event.message_id.as_deref(),
        Some("c81e774b-a762-49f8-9114-35900be2c90e")
    );
    assert_eq!(
        event.sender_id.as_deref(),
        Some("11efbb75-e7fe-44d7-a14f-698535289310")
    );
    assert_eq!(
        event.at_ms,
        Some(1_660_878_377_363),
        "RFC 3339 with nanoseconds"
    );
    assert_eq!(text(event), Some("hello"));
}

#[test]
fn mixin_data_fields_are_expanded_as_nested_text() {
    let inspection = fixture("mixin/message_view_plain_text.json");
    for key in ["data", "data_base64"] {
        let node = inspection
            .tree
            .children
            .iter()
            .find(|n| n.label == key)
            .unwrap();
        let nested = node
            .nested
            .as_ref()
            .unwrap_or_else(|| panic!("{key} is expanded"));
        assert_eq!(nested.tree.value.as_deref(), Some("hello"), "{key}");
    }
}

#[test]
fn mixin_attachment_responses() {
    for path in [
        "mixin/attachment_upload_response.json",
        "mixin/attachment_upload_response_placeholder.json",
        "mixin/attachment_show_response_placeholder.json",
    ] {
        let inspection = fixture(path);
        assert_eq!(schema(&inspection), "mixin.attachment", "{path}");
        assert_eq!(only_event(&inspection).kind, EventType::Upload);
    }
    let real = fixture("mixin/attachment_upload_response.json");
    let content = only_event(&real).content.clone().unwrap();
    assert_eq!(
        content.key.as_deref(),
        Some("fbd7d403-3b39-4f8f-afcf-2b2aac42588f")
    );
}

#[test]
fn wechat_sync_finder_page_keeps_64_bit_ids_exact() {
    let inspection = fixture("wechat/syncFinder_response.json");
    assert_eq!(inspection.platform, Some(Platform::Wechat));
    assert_eq!(schema(&inspection), "wechat.syncFinder.response");
    assert_eq!(inspection.events.len(), 19, "one event per list item");
    let first = &inspection.events[0];
    assert_eq!(first.kind, EventType::System);
    // Above 2^53: a float would have rounded it.
    assert_eq!(first.message_id.as_deref(), Some("3876235366388279544"));
    assert_eq!(first.at_ms, Some(1_691_926_802_000));
    let text_message = &inspection.events[2];
    assert_eq!(text_message.kind, EventType::Message);
    assert_eq!(text_message.sender_id.as_deref(), Some("wxid_23fgdsdfh8"));
    assert_eq!(text_message.outgoing, Some(true));
    assert_eq!(
        text_message.conversation_id.as_deref(),
        Some("a37c87fbfb8c07ca21d29bea6e3feef1cd740982cfda8407bde2dc2ccbba7f0c@findermsg"),
        "a 视频号 private conversation is keyed by its session"
    );
    assert_eq!(
        text_message.recipient_id.as_deref(),
        Some(
            "v2_060000231003b20faec8cae18a1ec5d0cb07ea33b077ba915250774edbea38082ea6b24af229@finder"
        ),
        "and names the peer"
    );
    assert_eq!(text(text_message), Some("gIBC"));
    let image = inspection
        .events
        .iter()
        .find(|e| content_kind(e) == Some(ContentKind::Image))
        .unwrap();
    assert!(
        image
            .content
            .as_ref()
            .unwrap()
            .key
            .as_deref()
            .unwrap()
            .starts_with("3057020100044b30")
    );
}

#[test]
fn every_seed_sync_finder_item_is_in_its_channels_session_or_a_live_notice_line() {
    use switchboard_payload::event::ConversationKind;
    use switchboard_payload::platforms::wechat::LIVE_NOTICES;
    let page: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/wechat/syncFinder_response.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let items = page["data"]["list"].as_array().unwrap();
    let inspection = fixture("wechat/syncFinder_response.json");
    assert_eq!(inspection.events.len(), items.len());
    let mut sessions = std::collections::BTreeSet::new();
    let mut notices = 0;
    for (item, event) in items.iter().zip(&inspection.events) {
        let content = &item["content"];
        let msg = &content["msg"];
        assert_eq!(
            event.conversation_kind,
            Some(ConversationKind::ChannelsInbox)
        );
        assert_eq!(
            event.message_id.as_deref(),
            Some(msg["NewMsgId"].to_string().as_str()),
            "keyed by NewMsgId, exact"
        );
        match content["msgSessionId"].as_str().unwrap() {
            "" => {
                notices += 1;
                assert_eq!(event.conversation_id.as_deref(), Some(LIVE_NOTICES));
                assert_eq!(event.kind, EventType::System);
                assert!(
                    text(event).unwrap().starts_with("Channels live stream"),
                    "{event:?}"
                );
            }
            session => {
                sessions.insert(session.to_owned());
                assert_eq!(event.conversation_id.as_deref(), Some(session));
                assert_eq!(event.kind, EventType::Message);
                assert_eq!(
                    event.sender_id.as_deref(),
                    msg["FromUserName"]["string"].as_str()
                );
                assert_eq!(
                    event.recipient_id.as_deref(),
                    msg["ToUserName"]["string"].as_str()
                );
                assert_eq!(event.outgoing, Some(content["isSender"] == 1));
            }
        }
    }
    assert_eq!((sessions.len(), notices), (3, 11));
    let ended = inspection
        .events
        .iter()
        .find(|event| text(event).is_some_and(|text| text.contains("ended")))
        .unwrap();
    assert_eq!(
        text(ended),
        Some("Channels live stream ended (live 2042557163204371840, object 14192909587060689023)")
    );
}

#[test]
fn wechat_key_buff_and_extinfo_are_nested_protobuf() {
    let inspection = fixture("wechat/syncFinder_response.json");
    let data = inspection
        .tree
        .children
        .iter()
        .find(|n| n.label == "data")
        .unwrap();
    let key_buff = data.children.iter().find(|n| n.label == "keyBuff").unwrap();
    let nested = key_buff
        .nested
        .as_ref()
        .expect("keyBuff is base64 protobuf");
    assert_eq!(nested.chain, [Format::Base64, Format::Protobuf]);
    let json = serde_json::to_string(&inspection.tree).unwrap();
    assert!(json.contains("\"sysmsg\""), "the XML content is expanded");
}

#[test]
fn wechat_request_and_error() {
    let request = fixture("wechat/syncFinder_request.json");
    assert_eq!(schema(&request), "wechat.syncFinder.request");
    assert!(request.events.is_empty());
    let error = fixture("wechat/error_response.json");
    assert_eq!(schema(&error), "wechat.api_response");
}

fn yunhu(path: &str, expected_schema: &str, chain: Format) -> Inspection {
    let inspection = fixture(&format!("yunhu/{path}"));
    assert_eq!(inspection.chain, [chain], "{path}");
    assert_eq!(inspection.platform, Some(Platform::Yunhu), "{path}");
    assert_eq!(schema(&inspection), expected_schema, "{path}");
    inspection
}

#[test]
fn yunhu_text_format_requests_are_recognised_by_field_names() {
    let send = yunhu(
        "send_message.request.textproto",
        "yunhu.SendMessageRequest",
        Format::TextProto,
    );
    let event = only_event(&send);
    assert_eq!(event.kind, EventType::Message);
    assert_eq!(event.message_id.as_deref(), Some("信息ID"));
    assert_eq!(event.conversation_id.as_deref(), Some("欲发送到的信息对象"));
    assert_eq!(event.conversation_kind, Some(ConversationKind::Direct));
    assert_eq!(text(event), Some("信息文本"));
    assert_eq!(event.quote_message_id.as_deref(), Some("引用信息ID"));
    assert_eq!(event.outgoing, Some(true));

    let edit = yunhu(
        "edit_message.request.textproto",
        "yunhu.SendMessageRequest",
        Format::TextProto,
    );
    let event = only_event(&edit);
    assert_eq!(event.conversation_id.as_deref(), Some("big"));
    assert_eq!(event.conversation_kind, Some(ConversationKind::Group));
    assert_eq!(text(event), Some("123"));

    yunhu(
        "list_message_by_seq.request.textproto",
        "yunhu.ListMessageBySeqRequest",
        Format::TextProto,
    );
    yunhu(
        "list_message.request.textproto",
        "yunhu.ListMessageRequest",
        Format::TextProto,
    );
    yunhu(
        "list_message_by_mid_seq.request.textproto",
        "yunhu.ListMessageByMidSeqRequest",
        Format::TextProto,
    );
    yunhu(
        "button_report.request.textproto",
        "yunhu.ButtonReportRequest",
        Format::TextProto,
    );

    for path in [
        "recall_msg.request.textproto",
        "recall_msg_batch.request.textproto",
    ] {
        let recall = yunhu(path, "yunhu.RecallMsgRequest", Format::TextProto);
        let event = only_event(&recall);
        assert_eq!(event.kind, EventType::Recall);
        assert_eq!(
            event.target_message_id.as_deref(),
            Some("123123123123123123")
        );
        assert_eq!(event.conversation_id.as_deref(), Some("123"));
    }
}

#[test]
fn yunhu_text_format_responses() {
    let status = yunhu(
        "send_message.response.textproto",
        "yunhu.StatusResponse",
        Format::TextProto,
    );
    assert!(status.events.is_empty());
    for path in [
        "list_message_by_seq.response.textproto",
        "list_message_by_mid_seq.response.textproto",
    ] {
        let list = yunhu(path, "yunhu.ListMessageResponse", Format::TextProto);
        assert_eq!(
            list.events.len(),
            2,
            "the message, then its recall (msg_delete_time is set)"
        );
        let message = &list.events[0];
        assert_eq!(message.kind, EventType::Message);
        assert_eq!(message.message_id.as_deref(), Some("abcdef"));
        assert_eq!(message.sender_id.as_deref(), Some("7356666"));
        assert_eq!(message.sender_name.as_deref(), Some("测试"));
        assert_eq!(
            message.at_ms,
            Some(123_456_789),
            "Yunhu times are milliseconds"
        );
        assert_eq!(text(message), Some("ok"));
        assert_eq!(message.outgoing, Some(false), "direction left");
        let recall = &list.events[1];
        assert_eq!(recall.kind, EventType::Recall);
        assert_eq!(recall.target_message_id.as_deref(), Some("abcdef"));
        assert_eq!(recall.at_ms, Some(8888));
    }
}

#[test]
fn yunhu_text_format_of_an_unknown_request_decodes_without_a_schema() {
    let inspection = fixture("yunhu/pic_list_message_by_mid_seq.request.textproto");
    assert_eq!(inspection.chain, [Format::TextProto]);
    assert_eq!(inspection.schema, None, "unknown schema, not a wrong guess");
    let labels: Vec<&str> = inspection
        .tree
        .children
        .iter()
        .map(|n| n.label.as_str())
        .collect();
    assert_eq!(
        labels,
        ["image_id", "chat_type", "chat_id", "unknown", "unknown"]
    );
}

#[test]
fn yunhu_json_endpoints_with_documentation_comments() {
    yunhu(
        "list_message_edit_record.request.jsonc",
        "yunhu.list-message-edit-record.request",
        Format::Jsonc,
    );
    let records = yunhu(
        "list_message_edit_record.response.jsonc",
        "yunhu.list-message-edit-record.response",
        Format::Jsonc,
    );
    let event = only_event(&records);
    assert_eq!(event.kind, EventType::Edit);
    assert_eq!(
        event.target_message_id.as_deref(),
        Some("123123123123123123123123")
    );
    assert_eq!(event.at_ms, Some(1_231_231_231_230));
    assert_eq!(
        text(event),
        Some("测试原始编辑文本"),
        "contentOld is JSON in a string"
    );
    yunhu(
        "file_download_record.request.jsonc",
        "yunhu.file-download-record.request",
        Format::Jsonc,
    );
    yunhu(
        "msg_forward.request.jsonc",
        "yunhu.msg-forward.request",
        Format::Jsonc,
    );
    yunhu(
        "delete.request.jsonc",
        "yunhu.msg.delete_or_recall.request",
        Format::Jsonc,
    );
    yunhu(
        "code_msg.response.jsonc",
        "yunhu.json.response",
        Format::Jsonc,
    );
}

#[test]
fn the_events_only_path_gives_the_same_events_for_every_fixture() {
    let root = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    for platform in ["douyin", "wecom", "mixin", "wechat", "yunhu", "proto"] {
        for entry in std::fs::read_dir(format!("{root}/{platform}")).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let full = inspect(&bytes, &Options::default());
            let events_only = inspect(
                &bytes,
                &Options {
                    skip_tree: true,
                    ..Options::default()
                },
            );
            assert_eq!(events_only.events, full.events);
            assert_eq!(events_only.schema, full.schema);
            assert_eq!(events_only.platform, full.platform);
        }
    }
}
