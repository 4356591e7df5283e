//! Every request the desk composes decodes back, with the same core, into what was meant.

use std::collections::BTreeMap;

use switchboard_payload::compose::{self, ComposeError, Target};
use switchboard_payload::event::{ContentKind, ConversationKind, EventType};
use switchboard_payload::platforms;
use switchboard_payload::{Event, Options, Platform, inspect};

fn decode(platform: Platform, call: &compose::Call) -> Vec<Event> {
    let schema = (platform == Platform::Yunhu)
        .then(|| switchboard_payload::platforms::of(Platform::Yunhu).endpoint_schemas(&call.path))
        .flatten()
        .map(|(request, _)| request.to_owned());
    let options = Options {
        platform: Some(platform),
        schema,
        skip_tree: true,
        ..Options::default()
    };
    inspect(&call.body, &options).events
}

const FRESH: &str = "6f1d1c2e-0b7a-4a51-9f1e-1c2d3e4f5a6b";

/// The conversations the round trips write to.
fn yunhu_user() -> Target {
    Target::new("5180273", ConversationKind::Direct, None, None)
}

fn yunhu_bot() -> Target {
    Target::new("5180273", ConversationKind::Bot, Some("5180273"), None)
}

fn yunhu_group() -> Target {
    Target::new("5180273", ConversationKind::Group, None, None)
}

fn wecom_customer() -> Target {
    Target::new("1688:7881", ConversationKind::Direct, Some("7881"), None)
}

fn mixin_customer() -> Target {
    Target::new("c354135b", ConversationKind::Direct, Some("11efbb75"), None)
}

fn wechat_customer() -> Target {
    Target::new("wxid_a", ConversationKind::Direct, None, None)
}

#[test]
fn text_messages_round_trip_on_every_platform() {
    let cases = [
        (
            Platform::Yunhu,
            yunhu_user(),
            "/v1/msg/send-message",
            "5180273",
        ),
        (
            Platform::Yunhu,
            yunhu_bot(),
            "/open-apis/v1/bot/send",
            "5180273",
        ),
        (
            Platform::Douyin,
            Target::new(
                "@conv",
                ConversationKind::Direct,
                Some("open_b"),
                Some("@m1"),
            ),
            "/im/send/msg/",
            "@conv",
        ),
        (
            Platform::Wecom,
            wecom_customer(),
            "/message/sendText",
            "7881",
        ),
        (
            Platform::Wecom,
            Target::new("room-9", ConversationKind::Group, None, None),
            "/message/sendText",
            "room-9",
        ),
        (Platform::Mixin, mixin_customer(), "/messages", "c354135b"),
        (Platform::Wechat, wechat_customer(), "/sendText", "wxid_a"),
    ];
    for (platform, target, path, conversation) in cases {
        let call = platforms::of(platform)
            .send_text(&target, "您好，订单已发出 ✓", None, FRESH)
            .unwrap();
        assert_eq!(call.path, path, "{platform:?}");
        let events = decode(platform, &call);
        assert_eq!(events.len(), 1, "{platform:?} {path}: {events:?}");
        let event = &events[0];
        assert_eq!(event.kind, EventType::Message);
        assert_eq!(event.outgoing, Some(true), "{platform:?}");
        assert_eq!(
            event.conversation_id.as_deref(),
            Some(conversation),
            "{platform:?} {path}"
        );
        let content = event.content.as_ref().unwrap();
        assert_eq!(content.kind, Some(ContentKind::Text));
        assert_eq!(
            content.text.as_deref(),
            Some("您好，订单已发出 ✓"),
            "{platform:?}"
        );
        if let Some(id) = &call.message_id {
            assert_eq!(
                event.message_id.as_ref(),
                Some(id),
                "{platform:?}: the client-chosen id survives"
            );
        }
    }
}

#[test]
fn recalls_round_trip_naming_the_right_message() {
    let ids = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect::<BTreeMap<_, _>>()
    };
    let cases = [
        (Platform::Yunhu, yunhu_user(), "m1", ids(&[]), "m1"),
        (
            Platform::Douyin,
            Target::new("@conv", ConversationKind::Direct, Some("open_b"), None),
            "seq:9:0",
            ids(&[("msg_id", "5909614008769604401")]),
            "5909614008769604401",
        ),
        (
            Platform::Wecom,
            wecom_customer(),
            "seq:9:0",
            ids(&[("messageId", "7402180424960121811")]),
            "7402180424960121811",
        ),
        (
            Platform::Mixin,
            mixin_customer(),
            "0f6c7898-060d-4f43-9fb9-d6786fc5be62",
            ids(&[]),
            "0f6c7898-060d-4f43-9fb9-d6786fc5be62",
        ),
        (
            Platform::Wechat,
            wechat_customer(),
            "seq:9:0",
            ids(&[
                ("msgId", "1000001"),
                ("newMsgId", "3876235366388279544"),
                ("createTime", "1795329858"),
            ]),
            "3876235366388279544",
        ),
    ];
    for (platform, target, message_id, platform_ids, expected_target) in cases {
        let call = platforms::of(platform)
            .recall(&target, message_id, &platform_ids, FRESH)
            .unwrap();
        let events = decode(platform, &call);
        let recall = events
            .iter()
            .find(|event| event.kind == EventType::Recall)
            .unwrap_or_else(|| panic!("{platform:?}: {events:?}"));
        assert_eq!(
            recall.target_message_id.as_deref(),
            Some(expected_target),
            "{platform:?}"
        );
    }
    // E云's newMsgId goes out as the exact number, not a rounded float.
    let wechat = platforms::of(Platform::Wechat)
        .recall(
            &wechat_customer(),
            "x",
            &ids(&[
                ("msgId", "1"),
                ("newMsgId", "3876235366388279544"),
                ("createTime", "2"),
            ]),
            FRESH,
        )
        .unwrap();
    assert!(
        String::from_utf8(wechat.body)
            .unwrap()
            .contains("\"newMsgId\":3876235366388279544")
    );
}

#[test]
fn what_a_platform_cannot_do_is_said_not_guessed() {
    let no_peer = Target::new("@conv", ConversationKind::Direct, None, Some("@m1"));
    assert_eq!(
        platforms::of(Platform::Douyin).send_text(&no_peer, "x", None, FRESH),
        Err(ComposeError::Missing("the customer's open_id"))
    );
    let no_answer = Target::new("@conv", ConversationKind::Direct, Some("open_b"), None);
    assert!(matches!(
        platforms::of(Platform::Douyin).send_text(&no_answer, "x", None, FRESH),
        Err(ComposeError::Missing(_))
    ));
    let wechat = wechat_customer();
    assert!(matches!(
        platforms::of(Platform::Wechat).recall(&wechat, "x", &BTreeMap::new(), FRESH),
        Err(ComposeError::Missing("msgId"))
    ));
}

#[test]
fn a_bot_recall_is_a_recall_by_its_path() {
    let ids: BTreeMap<String, String> = [("msgId".to_owned(), "bot-msg-1".to_owned())].into();
    let target = yunhu_bot();
    let call = platforms::of(Platform::Yunhu)
        .recall(&target, "seq:1:0", &ids, FRESH)
        .unwrap();
    assert_eq!(call.path, "/open-apis/v1/bot/recall");
    assert!(
        decode(Platform::Yunhu, &call).is_empty(),
        "the body alone does not say recall or delete"
    );
    let events = switchboard_payload::platforms::of(Platform::Yunhu)
        .path_events(&call.path, &call.body)
        .unwrap();
    assert_eq!(events[0].kind, EventType::Recall);
    assert_eq!(events[0].target_message_id.as_deref(), Some("bot-msg-1"));
}

#[test]
fn image_messages_round_trip_carrying_the_uploaded_id() {
    let image = compose::Attachment {
        id: "0333477d9aa4b11192781eb9d48d9c49.png".into(),
        url: Some("https://chat-img.jwznb.com/0333477d9aa4b11192781eb9d48d9c49.png".into()),
        mime_type: "image/png".into(),
        width: Some(881),
        height: Some(863),
        size: 1805,
        name: "red.png".into(),
    };
    let cases = [
        (Platform::Yunhu, yunhu_user()),
        (Platform::Yunhu, yunhu_bot()),
        (
            Platform::Douyin,
            Target::new(
                "@conv",
                ConversationKind::Direct,
                Some("open_b"),
                Some("@m1"),
            ),
        ),
        (Platform::Wecom, wecom_customer()),
        (Platform::Mixin, mixin_customer()),
        (Platform::Wechat, wechat_customer()),
    ];
    for (platform, target) in cases {
        let call = platforms::of(platform)
            .send_image(&target, &image, FRESH)
            .unwrap();
        let events = if call.path.ends_with("bot/send") {
            decode(Platform::Yunhu, &call)
        } else {
            decode(platform, &call)
        };
        let content = events
            .first()
            .and_then(|event| event.content.clone())
            .unwrap_or_else(|| panic!("{platform:?} {}: {events:?}", call.path));
        assert_eq!(
            content.kind,
            Some(ContentKind::Image),
            "{platform:?} {}",
            call.path
        );
        let carried = content.key.or(content.url).unwrap_or_default();
        assert!(
            carried.contains("0333477d9aa4b11192781eb9d48d9c49"),
            "{platform:?} {}: {carried}",
            call.path
        );
    }
    let no_url = compose::Attachment { url: None, ..image };
    assert!(matches!(
        platforms::of(Platform::Wechat).send_image(&wechat_customer(), &no_url, FRESH),
        Err(ComposeError::Missing(_))
    ));
}

#[test]
fn file_messages_round_trip_with_name_and_size() {
    let file = compose::Attachment {
        id: "9f86d081884c7d659a2feaa0c55ad015.pdf".into(),
        url: Some("https://console.example/files/4c1d/价目表.pdf".into()),
        mime_type: "application/pdf".into(),
        width: None,
        height: None,
        size: 48_213,
        name: "价目表.pdf".into(),
    };
    let cases = [
        (Platform::Yunhu, yunhu_group()),
        (Platform::Yunhu, yunhu_bot()),
        (Platform::Wecom, wecom_customer()),
        (Platform::Mixin, mixin_customer()),
        (Platform::Wechat, wechat_customer()),
    ];
    for (platform, target) in cases {
        let call = platforms::of(platform)
            .send_file(&target, &file, FRESH)
            .unwrap();
        let events = decode(platform, &call);
        let content = events
            .first()
            .and_then(|event| event.content.clone())
            .unwrap_or_else(|| panic!("{platform:?} {}: {events:?}", call.path));
        assert_eq!(
            content.kind,
            Some(ContentKind::File),
            "{platform:?} {}",
            call.path
        );
        let carried = content.key.or(content.url).unwrap_or_default();
        assert!(
            carried.contains("9f86d081884c7d659a2feaa0c55ad015")
                || carried.contains("/files/4c1d/"),
            "{platform:?} {}: {carried}",
            call.path
        );
        // The bot API's file message carries only the key.
        if !call.path.ends_with("bot/send") {
            assert_eq!(content.name.as_deref(), Some("价目表.pdf"), "{platform:?}");
        }
        if matches!(platform, Platform::Yunhu | Platform::Mixin) && !call.path.ends_with("bot/send")
        {
            assert_eq!(content.size, Some(48_213), "{platform:?}");
        }
    }
    assert!(matches!(
        platforms::of(Platform::Douyin).send_file(
            &Target::new(
                "@conv",
                ConversationKind::Direct,
                Some("open_b"),
                Some("@m1")
            ),
            &file,
            FRESH
        ),
        Err(ComposeError::Unsupported(_))
    ));
}

#[test]
fn read_receipts_round_trip_and_exist_only_on_mixin() {
    let ids: Vec<String> = (0..150)
        .map(|n| format!("0f6c7898-060d-4f43-9fb9-{n:012}"))
        .collect();
    let call = platforms::of(Platform::Mixin).read_receipts(&ids).unwrap();
    assert_eq!(call.path, "/acknowledgements");
    let events = decode(Platform::Mixin, &call);
    assert_eq!(events.len(), 100, "Mixin takes at most 100: the newest");
    assert!(events.iter().all(|event| event.kind == EventType::Read));
    assert_eq!(
        events[99].target_message_id.as_deref(),
        Some(ids[149].as_str())
    );
    assert_eq!(
        platforms::of(Platform::Douyin).read_receipts(&ids),
        Err(ComposeError::Unsupported("read receipts"))
    );
}

#[test]
fn yunhu_edits_round_trip_by_their_path_and_other_platforms_refuse() {
    let user = yunhu_user();
    let call = platforms::of(Platform::Yunhu)
        .edit(&user, "m1", &BTreeMap::new(), "改好了")
        .unwrap();
    assert_eq!(call.path, "/v1/msg/edit-message");
    let events = switchboard_payload::platforms::of(Platform::Yunhu)
        .path_events(&call.path, &call.body)
        .unwrap();
    assert_eq!(events[0].kind, EventType::Edit);
    assert_eq!(events[0].target_message_id.as_deref(), Some("m1"));
    assert_eq!(
        events[0].content.as_ref().unwrap().text.as_deref(),
        Some("改好了")
    );

    let ids: BTreeMap<String, String> = [("msgId".to_owned(), "bot-1".to_owned())].into();
    let bot = yunhu_bot();
    let call = platforms::of(Platform::Yunhu)
        .edit(&bot, "seq:1:0", &ids, "改好了")
        .unwrap();
    assert_eq!(call.path, "/open-apis/v1/bot/edit");
    let events = switchboard_payload::platforms::of(Platform::Yunhu)
        .path_events(&call.path, &call.body)
        .unwrap();
    assert_eq!(events[0].target_message_id.as_deref(), Some("bot-1"));

    assert_eq!(
        platforms::of(Platform::Mixin).edit(&user, "m1", &BTreeMap::new(), "x"),
        Err(ComposeError::Unsupported("editing a sent message"))
    );
}

#[test]
fn history_requests_round_trip_and_exist_only_where_documented() {
    use prost::Message;
    use switchboard_payload::protobuf::yunhu::ListMessageRequest;
    let group = Target::new("big-group", ConversationKind::Group, None, None);
    let call = platforms::of(Platform::Yunhu)
        .earlier_messages(&group, Some("a1b2c3d4"))
        .unwrap();
    assert_eq!(call.path, "/v1/msg/list-message");
    let request = ListMessageRequest::decode(call.body.as_slice()).unwrap();
    assert_eq!(
        request,
        ListMessageRequest {
            msg_count: compose::EARLIER_PAGE,
            msg_id: "a1b2c3d4".into(),
            chat_type: 2,
            chat_id: "big-group".into(),
        }
    );
    // The path names the schema: the inspector reads the request by its field names.
    let inspection = inspect(
        &call.body,
        &Options {
            platform: Some(Platform::Yunhu),
            schema: switchboard_payload::platforms::of(Platform::Yunhu)
                .endpoint_schemas(&call.path)
                .map(|(request, _)| request.to_owned()),
            ..Options::default()
        },
    );
    assert_eq!(
        inspection.schema.map(|matched| matched.name).as_deref(),
        Some("yunhu.ListMessageRequest")
    );
    let bot = yunhu_bot();
    assert!(matches!(
        platforms::of(Platform::Yunhu).earlier_messages(&bot, None),
        Err(ComposeError::Unsupported(_))
    ));
    assert!(matches!(
        platforms::of(Platform::Mixin).earlier_messages(&group, None),
        Err(ComposeError::Unsupported(_))
    ));

    let first = platforms::of(Platform::Wechat).sync(None).unwrap();
    let next = platforms::of(Platform::Wechat)
        .sync(Some("CgQIARAKEAA="))
        .unwrap();
    assert_eq!(first.path, "/syncFinder");
    let body =
        |call: &compose::Call| serde_json::from_slice::<serde_json::Value>(&call.body).unwrap();
    assert_eq!(body(&first), serde_json::json!({ "keyBuff": "" }));
    assert_eq!(
        body(&next),
        serde_json::json!({ "keyBuff": "CgQIARAKEAA=" })
    );
    assert!(platforms::of(Platform::Yunhu).sync(None).is_err());
}

#[test]
fn yunhu_batch_recalls_and_sequence_listings_round_trip() {
    use prost::Message;
    use switchboard_payload::platforms::yunhu;
    use switchboard_payload::protobuf::yunhu::{
        ListMessageByMidSeqRequest, ListMessageBySeqRequest, RecallMsgRequest,
    };
    let group = Target::new("big-group", ConversationKind::Group, None, None);
    let ids = vec!["m1".to_owned(), "m2".to_owned()];
    let call = yunhu::recall_batch(&group, &ids).unwrap();
    assert_eq!(call.path, "/v1/msg/recall-msg-batch");
    assert_eq!(
        RecallMsgRequest::decode(call.body.as_slice()).unwrap(),
        RecallMsgRequest {
            msg_id: ids.clone(),
            chat_id: "big-group".into(),
            chat_type: 2
        }
    );
    let events = decode(Platform::Yunhu, &call);
    let recalled: Vec<&str> = events
        .iter()
        .filter(|event| event.kind == EventType::Recall)
        .filter_map(|event| event.target_message_id.as_deref())
        .collect();
    assert_eq!(recalled, ["m1", "m2"]);
    assert!(yunhu::recall_batch(&group, &[]).is_err());

    let call = yunhu::messages_from_seq(&group, 41);
    assert_eq!(
        ListMessageBySeqRequest::decode(call.body.as_slice()).unwrap(),
        ListMessageBySeqRequest {
            msg_start: 41,
            chat_type: 2,
            chat_id: "big-group".into()
        }
    );
    let call = yunhu::messages_up_to(&group, Some("a1b2c3d4"), 0, 20);
    assert_eq!(call.path, "/v1/msg/list-message-by-mid-seq");
    assert_eq!(
        ListMessageByMidSeqRequest::decode(call.body.as_slice()).unwrap(),
        ListMessageByMidSeqRequest {
            msg_seq: 0,
            chat_type: 2,
            chat_id: "big-group".into(),
            unknown: 0,
            msg_count: 20,
            msg_id: "a1b2c3d4".into(),
        }
    );
}

#[test]
fn markdown_messages_round_trip_where_platforms_render_them() {
    let markdown = "**订单** 已发货\n\n- 单号 `SF1234`";
    let cases = [
        (
            Platform::Yunhu,
            Target::new("big-group", ConversationKind::Group, None, None),
        ),
        (Platform::Yunhu, yunhu_bot()),
        (Platform::Mixin, mixin_customer()),
    ];
    for (platform, target) in cases {
        let call = platforms::of(platform)
            .send_markdown(&target, markdown, None, FRESH)
            .unwrap();
        let events = decode(platform, &call);
        let content = events[0].content.clone().unwrap();
        assert_eq!(
            content.kind,
            Some(ContentKind::Markdown),
            "{platform:?} {}",
            call.path
        );
        assert_eq!(content.text.as_deref(), Some(markdown), "{platform:?}");
    }
    for platform in [Platform::Douyin, Platform::Wecom, Platform::Wechat] {
        assert!(matches!(
            platforms::of(platform).send_markdown(
                &Target::new("c", ConversationKind::Direct, Some("p"), Some("m")),
                markdown,
                None,
                FRESH
            ),
            Err(ComposeError::Unsupported(_))
        ));
    }
}

#[test]
fn a_platform_serves_earlier_pages_exactly_where_it_composes_them() {
    let kinds = [
        ConversationKind::Direct,
        ConversationKind::Group,
        ConversationKind::Bot,
    ];
    for platform in Platform::ALL {
        for kind in kinds {
            let target = Target::new("c", kind, Some("p"), None);
            let codec = platforms::of(platform);
            assert_eq!(
                codec.serves_earlier_pages(Some(kind)),
                codec.earlier_messages(&target, None).is_ok(),
                "{platform:?} {kind:?}"
            );
        }
    }
    assert!(platforms::of(Platform::Yunhu).serves_earlier_pages(Some(ConversationKind::Direct)));
    assert!(!platforms::of(Platform::Yunhu).serves_earlier_pages(Some(ConversationKind::Bot)));
}

#[test]
fn a_channels_reply_is_a_private_send_into_its_session_naming_both_sides() {
    let session = "cb68e6952228400339575a83b40f5a12cdfae818b3164eb999b609e90e139d0a@findermsg";
    let customer = "fv1_cb68e6952228400339575a83b4@findermsgstranger";
    let ours = "v2_060000231003b20faec8c6e18f1@finder";
    let mut target = Target::new(
        session,
        ConversationKind::ChannelsInbox,
        Some(customer),
        None,
    );
    target.own_id = Some(ours.into());
    let wechat = platforms::of(Platform::Wechat);
    let call = wechat.send_text(&target, "您好", None, FRESH).unwrap();
    assert_eq!(call.path, "/privateSend");
    let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "toUserName": customer, "myUserName": ours, "sessionId": session, "content": "您好" })
    );
    let events = decode(Platform::Wechat, &call);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].conversation_id.as_deref(), Some(session));
    assert_eq!(
        events[0].conversation_kind,
        Some(ConversationKind::ChannelsInbox)
    );
    assert_eq!(events[0].outgoing, Some(true));
    assert_eq!(events[0].recipient_id.as_deref(), Some(customer));

    // Not learned yet: the server names our profile from its configuration.
    target.own_id = None;
    let call = wechat.send_text(&target, "您好", None, FRESH).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
    assert!(body.get("myUserName").is_none());
    // No source names images, files or recalls in a session: refused, not guessed.
    let image = compose::Attachment {
        id: "x".into(),
        url: Some("https://example.com/x.png".into()),
        mime_type: "image/png".into(),
        width: None,
        height: None,
        size: 1,
        name: "x.png".into(),
    };
    assert!(matches!(
        wechat.send_image(&target, &image, FRESH),
        Err(ComposeError::Unsupported(_))
    ));
    assert!(matches!(
        wechat.send_file(&target, &image, FRESH),
        Err(ComposeError::Unsupported(_))
    ));
    assert!(matches!(
        wechat.recall(&target, "x", &BTreeMap::new(), FRESH),
        Err(ComposeError::Unsupported(_))
    ));
    let nobody = Target::new(session, ConversationKind::ChannelsInbox, None, None);
    assert!(matches!(
        wechat.send_text(&nobody, "x", None, FRESH),
        Err(ComposeError::Missing(_))
    ));
}
