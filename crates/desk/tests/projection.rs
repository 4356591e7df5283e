//! The desk's projection, from log rows shaped exactly as the server writes them.

use prost::Message as _;
use switchboard_desk::{ConversationKey, Desk, Direction, MessageStatus, Row};
use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;
use switchboard_payload::platforms;
use switchboard_payload::protobuf::yunhu::{
    MsgContent, RecallMsgRequest, SendMessageRequest, Status, StatusResponse,
};
use switchboard_protocol::headers::annotation::{CLIENT_ID, CONVERSATION, MEDIA_NAME};

fn row(seq: i64, platform: &str, direction: Direction, body: &[u8]) -> Row {
    Row {
        seq,
        platform: platform.parse().unwrap(),
        direction,
        received_at_ms: 1_700_000_000_000 + seq,
        content_type: None,
        headers: Vec::new(),
        body: body.to_vec(),
        request_seq: None,
    }
}

fn outbound(seq: i64, platform: &str, url: &str, body: &[u8]) -> Row {
    let mut row = row(seq, platform, Direction::Outbound, body);
    row.headers = vec![
        (":method".into(), "POST".into()),
        (":url".into(), url.into()),
    ];
    row
}

/// A row with the desk's notes on the call (as the proxy logs them with the request).
fn noted(mut row: Row, notes: &[(&str, &str)]) -> Row {
    row.headers.extend(
        notes
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    row
}

fn answer(seq: i64, platform: &str, request: i64, body: &[u8]) -> Row {
    let mut row = row(seq, platform, Direction::Response, body);
    row.headers = vec![(":status".into(), "200".into())];
    row.request_seq = Some(request);
    row
}

/// A customer's message as the platform delivers it (the payload core writes the shape).
fn delivered(platform: Platform, message: CustomerMessage) -> Vec<u8> {
    serde_json::to_vec(&platforms::of(platform).customer_message(&message)).unwrap()
}

fn wechat_customer(new_msg_id: u64, from: &str, text: &str) -> Vec<u8> {
    delivered(
        Platform::Wechat,
        CustomerMessage {
            message_id: &new_msg_id.to_string(),
            delivery_id: "1",
            customer_id: from,
            own_id: "wxid_me",
            own_login: "me",
            text,
            sent_at_ms: (1_700_000_000 + new_msg_id % 1000) * 1000,
            ..CustomerMessage::default()
        },
    )
}

fn douyin_customer(message_id: &str, from: &str, name: &str, text: &str) -> Vec<u8> {
    delivered(
        Platform::Douyin,
        CustomerMessage {
            message_id,
            delivery_id: "1",
            conversation_id: &format!("@conv-{from}"),
            customer_id: from,
            customer_name: name,
            own_id: "me",
            own_login: "k",
            text,
            sent_at_ms: 1_700_000_100_000,
            ..CustomerMessage::default()
        },
    )
}

/// A Mixin customer's "hi" in conversation c354135b.
fn mixin_customer(message_id: &str) -> Vec<u8> {
    delivered(
        Platform::Mixin,
        CustomerMessage {
            message_id,
            conversation_id: "c354135b",
            customer_id: "11efbb75",
            text: "hi",
            sent_at_ms: 1_795_316_777_363,
            ..CustomerMessage::default()
        },
    )
}

/// Yunhu's "success" status answer.
fn yunhu_ok() -> Vec<u8> {
    StatusResponse {
        status: Some(Status {
            request_id: 1,
            code: 1,
            msg: "success".into(),
        }),
    }
    .encode_to_vec()
}

/// A Yunhu user-API text message from us to chat 5180273.
fn yunhu_text_send(msg_id: &str, text: &str) -> SendMessageRequest {
    SendMessageRequest {
        msg_id: msg_id.into(),
        chat_id: "5180273".into(),
        chat_type: 1,
        content: Some(MsgContent {
            text: text.into(),
            ..Default::default()
        }),
        content_type: 1,
        ..Default::default()
    }
}

fn key(platform: Platform, id: &str) -> ConversationKey {
    ConversationKey {
        platform,
        id: id.into(),
    }
}

#[test]
fn customer_messages_land_in_their_conversation_with_unread_counts_and_names() {
    let mut desk = Desk::new();
    assert!(desk.apply(&row(
        1,
        "wechat",
        Direction::Inbound,
        &wechat_customer(3876235366388279544, "wxid_a", "在吗")
    )));
    assert!(desk.apply(&row(
        2,
        "douyin",
        Direction::Inbound,
        &douyin_customer("@m1", "open_b", "写新数字人欣欣", "你好")
    )));
    assert!(desk.apply(&row(
        3,
        "wechat",
        Direction::Inbound,
        &wechat_customer(3876235366388279545, "wxid_a", "订单号 42")
    )));

    let wechat = desk.conversation(&key(Platform::Wechat, "wxid_a")).unwrap();
    assert_eq!(wechat.messages.len(), 2);
    assert_eq!(wechat.unread, 2);
    assert_eq!(
        wechat.messages[1].content.text.as_deref(),
        Some("订单号 42")
    );
    assert_eq!(
        wechat.messages[0].id, "3876235366388279544",
        "exact 64-bit ids"
    );
    let douyin = desk
        .conversation(&key(Platform::Douyin, "@conv-open_b"))
        .unwrap();
    assert_eq!(
        douyin.title, "写新数字人欣欣",
        "titled by the customer's name"
    );
    assert_eq!(desk.unread_by_platform()[&Platform::Wechat], 2);

    desk.mark_read(&key(Platform::Wechat, "wxid_a"));
    assert_eq!(
        desk.conversation(&key(Platform::Wechat, "wxid_a"))
            .unwrap()
            .unread,
        0
    );
    desk.apply(&row(
        4,
        "wechat",
        Direction::Inbound,
        &wechat_customer(3876235366388279546, "wxid_a", "还在吗"),
    ));
    assert_eq!(
        desk.conversation(&key(Platform::Wechat, "wxid_a"))
            .unwrap()
            .unread,
        1
    );
}

#[test]
fn replayed_rows_and_retried_deliveries_never_duplicate() {
    let mut desk = Desk::new();
    let first = row(
        1,
        "wechat",
        Direction::Inbound,
        &wechat_customer(10, "wxid_a", "a"),
    );
    assert!(desk.apply(&first));
    assert!(
        !desk.apply(&first),
        "the same row again (a resumed stream) is ignored"
    );
    // The same message delivered again under a new seq (a platform retry that got through).
    assert!(!desk.apply(&row(
        2,
        "wechat",
        Direction::Inbound,
        &wechat_customer(10, "wxid_a", "a")
    )));
    assert_eq!(
        desk.conversation(&key(Platform::Wechat, "wxid_a"))
            .unwrap()
            .messages
            .len(),
        1
    );
    assert_eq!(desk.last_seq(), 2);
}

#[test]
fn our_messages_go_sending_then_sent_or_failed_with_the_platforms_words() {
    let mut desk = Desk::new();
    let send = |id: &str| {
        SendMessageRequest {
            msg_id: id.into(),
            chat_id: "5180273".into(),
            chat_type: 1,
            content: Some(MsgContent {
                text: "您好".into(),
                ..Default::default()
            }),
            content_type: 1,
            ..Default::default()
        }
        .encode_to_vec()
    };
    let status = |code: i32, msg: &str| {
        StatusResponse {
            status: Some(Status {
                request_id: 1,
                code,
                msg: msg.into(),
            }),
        }
        .encode_to_vec()
    };
    desk.apply(&outbound(
        1,
        "yunhu",
        "http://sandbox/yunhu/v1/msg/send-message",
        &send("m1"),
    ));
    desk.apply(&outbound(
        2,
        "yunhu",
        "http://sandbox/yunhu/v1/msg/send-message",
        &send("m2"),
    ));
    let conversation = desk.conversation(&key(Platform::Yunhu, "5180273")).unwrap();
    assert_eq!(conversation.messages.len(), 2);
    assert!(
        conversation
            .messages
            .iter()
            .all(|message| message.outgoing && message.status == MessageStatus::Sending)
    );
    assert_eq!(conversation.unread, 0, "our own messages are not unread");

    desk.apply(&answer(3, "yunhu", 1, &status(1, "success")));
    desk.apply(&answer(4, "yunhu", 2, &status(-1, "token 无效")));
    let conversation = desk.conversation(&key(Platform::Yunhu, "5180273")).unwrap();
    assert_eq!(conversation.messages[0].status, MessageStatus::Sent);
    assert_eq!(
        conversation.messages[1].status,
        MessageStatus::Failed("code -1: token 无效".into())
    );

    // Recalling m1: marked once the platform says yes.
    let recall = RecallMsgRequest {
        msg_id: vec!["m1".into()],
        chat_id: "5180273".into(),
        chat_type: 1,
    }
    .encode_to_vec();
    desk.apply(&outbound(
        5,
        "yunhu",
        "http://sandbox/yunhu/v1/msg/recall-msg",
        &recall,
    ));
    assert!(
        desk.conversation(&key(Platform::Yunhu, "5180273"))
            .unwrap()
            .messages[0]
            .recalled_at_ms
            .is_none()
    );
    desk.apply(&answer(6, "yunhu", 5, &status(1, "success")));
    let recalled = &desk
        .conversation(&key(Platform::Yunhu, "5180273"))
        .unwrap()
        .messages[0];
    assert_eq!(recalled.recalled_at_ms, Some(1_700_000_000_006));
    assert_eq!(
        recalled.content.text.as_deref(),
        Some("您好"),
        "the original stays viewable"
    );
}

#[test]
fn a_failed_call_without_an_answer_from_the_platform_fails_the_bubble() {
    let mut desk = Desk::new();
    let body = br#"{"msg_id":"@m","conversation_id":"@c","to_user_id":"u","content":{"msg_type":1,"text":{"text":"hi"}}}"#;
    desk.apply(&outbound(
        1,
        "douyin",
        "https://open.douyin.com/im/send/msg/?open_id=me",
        body,
    ));
    let mut failure = row(
        2,
        "douyin",
        Direction::Response,
        br#"{"error":"douyin did not answer in time"}"#,
    );
    failure.headers = vec![(":error".into(), "douyin did not answer in time".into())];
    failure.request_seq = Some(1);
    desk.apply(&failure);
    let conversation = desk.conversations()[0];
    assert_eq!(
        conversation.messages[0].status,
        MessageStatus::Failed("douyin did not answer in time".into())
    );
}

#[test]
fn conversations_sort_by_last_activity_and_search_by_name_and_text() {
    let mut desk = Desk::new();
    desk.apply(&row(
        1,
        "wechat",
        Direction::Inbound,
        &wechat_customer(100, "wxid_old", "first"),
    ));
    desk.apply(&row(
        2,
        "douyin",
        Direction::Inbound,
        &douyin_customer("@m1", "open_b", "Ming Zhao", "refund please"),
    ));
    desk.apply(&row(
        3,
        "wechat",
        Direction::Inbound,
        &wechat_customer(900, "wxid_new", "latest"),
    ));
    let order: Vec<&str> = desk
        .conversations()
        .iter()
        .map(|conversation| conversation.key.id.as_str())
        .collect();
    assert_eq!(
        order,
        ["wxid_new", "@conv-open_b", "wxid_old"],
        "by message time, newest first (then log order)"
    );
    let by_name: Vec<&str> = desk
        .search("ming")
        .iter()
        .map(|conversation| conversation.key.id.as_str())
        .collect();
    assert_eq!(by_name, ["@conv-open_b"]);
    let by_text: Vec<&str> = desk
        .search("LATEST")
        .iter()
        .map(|conversation| conversation.key.id.as_str())
        .collect();
    assert_eq!(by_text, ["wxid_new"]);
    assert_eq!(desk.search("  ").len(), 3);
}

#[test]
fn messages_in_one_second_keep_their_order_of_arrival_across_platforms() {
    // Douyin stamps milliseconds, E云 whole seconds: a message that came later in the same
    // second must not list below one that came earlier.
    let mut douyin_body: serde_json::Value =
        serde_json::from_slice(&douyin_customer("@m1", "open_b", "Ming", "earlier")).unwrap();
    douyin_body["content"]["create_time"] = 1_700_000_100_400u64.into();
    let mut earlier = row(
        1,
        "douyin",
        Direction::Inbound,
        &serde_json::to_vec(&douyin_body).unwrap(),
    );
    earlier.received_at_ms = 1_700_000_100_400;
    // Its platform time is 1_700_000_100 s: the start of the same second.
    let mut later = row(
        2,
        "wechat",
        Direction::Inbound,
        &wechat_customer(100, "wxid_later", "later"),
    );
    later.received_at_ms = 1_700_000_100_700;
    let mut desk = Desk::new();
    desk.apply(&earlier);
    desk.apply(&later);
    let order: Vec<&str> = desk
        .conversations()
        .iter()
        .map(|conversation| conversation.key.id.as_str())
        .collect();
    assert_eq!(order, ["wxid_later", "@conv-open_b"]);
    let wechat = desk
        .conversation(&key(Platform::Wechat, "wxid_later"))
        .unwrap();
    assert_eq!(wechat.messages[0].at_ms, 1_700_000_100_700);
    // A whole-second time far from when the row came (history, a skewed clock) stays as said.
    let mut pulled = row(
        3,
        "wechat",
        Direction::Inbound,
        &wechat_customer(200, "wxid_old", "old"),
    );
    pulled.received_at_ms = 1_700_000_900_000;
    desk.apply(&pulled);
    let old = desk
        .conversation(&key(Platform::Wechat, "wxid_old"))
        .unwrap();
    assert_eq!(old.messages[0].at_ms, 1_700_000_200_000);
    // Stamped in one second, the second delivered just after it: it still lists below the first.
    let mut first = row(
        4,
        "wechat",
        Direction::Inbound,
        &wechat_customer(300, "wxid_quick", "first"),
    );
    first.received_at_ms = 1_700_000_300_600;
    let mut second = row(
        5,
        "wechat",
        Direction::Inbound,
        &wechat_customer(1300, "wxid_quick", "second"),
    );
    second.received_at_ms = 1_700_000_301_050;
    desk.apply(&first);
    desk.apply(&second);
    let quick = desk
        .conversation(&key(Platform::Wechat, "wxid_quick"))
        .unwrap();
    let texts: Vec<_> = quick
        .messages
        .iter()
        .map(|message| message.content.text.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(texts, ["first", "second"]);
}

#[test]
fn rejected_deliveries_never_become_messages() {
    let mut desk = Desk::new();
    assert!(!desk.apply(&row(
        1,
        "douyin",
        Direction::Rejected,
        &douyin_customer("@m1", "open_b", "X", "forged")
    )));
    assert!(desk.conversations().is_empty());
}

#[test]
fn every_seed_payload_can_be_applied() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../payload/tests/fixtures");
    let mut desk = Desk::new();
    let mut seq = 0;
    for platform in ["douyin", "wecom", "mixin", "wechat"] {
        for entry in std::fs::read_dir(fixtures.join(platform)).unwrap() {
            seq += 1;
            let body = std::fs::read(entry.unwrap().path()).unwrap();
            desk.apply(&row(seq, platform, Direction::Inbound, &body));
        }
    }
    assert!(
        desk.conversations().len() >= 5,
        "{}",
        desk.conversations().len()
    );
}

#[test]
fn a_send_lands_in_the_conversation_the_desk_named_and_its_recall_uses_the_platforms_id() {
    let mut desk = Desk::new();
    let inbound = serde_json::to_vec(&serde_json::json!({
        "seq": "1", "token": "s",
        "message": { "id": 1000423, "remote_id": "1", "text": "文本", "timestamp": "1697612364", "type": "Text",
                     "from_id": "7881", "to_id": "1688" }
    }))
    .unwrap();
    desk.apply(&row(1, "wecom", Direction::Inbound, &inbound));
    let pair = key(Platform::Wecom, "1688:7881");
    let conversation = desk.conversation(&pair).unwrap();
    assert_eq!(conversation.peer_id.as_deref(), Some("7881"));
    assert_eq!(conversation.target().peer_id.as_deref(), Some("7881"));

    // wkteam's send names only the customer: the desk's note on the row says where it belongs.
    let send = noted(
        outbound(
            2,
            "wecom",
            "http://h/message/sendText",
            br#"{"content":"hi","sessionId":"s","toId":"7881"}"#,
        ),
        &[(CONVERSATION, "1688:7881"), (CLIENT_ID, "draft-1")],
    );
    desk.apply(&send);
    desk.apply(&answer(
        3,
        "wecom",
        2,
        br#"{"code":200,"msg":"success","data":{"messageId":"7402180424960121811"}}"#,
    ));
    let sent = desk
        .conversation(&pair)
        .unwrap()
        .messages
        .back()
        .unwrap()
        .clone();
    assert_eq!(sent.client_id.as_deref(), Some("draft-1"));
    assert_eq!(sent.status, MessageStatus::Sent);
    assert_eq!(sent.platform_ids["messageId"], "7402180424960121811");

    desk.apply(&outbound(
        4,
        "wecom",
        "http://h/message/cancelMsg",
        br#"{"messageId":"7402180424960121811","sessionId":"s","wxId":"7881"}"#,
    ));
    desk.apply(&answer(5, "wecom", 4, br#"{"code":200,"msg":"success"}"#));
    assert!(
        desk.conversation(&pair)
            .unwrap()
            .messages
            .back()
            .unwrap()
            .recalled_at_ms
            .is_some()
    );
}

#[test]
fn read_receipts_we_sent_mark_the_customers_messages() {
    let mut desk = Desk::new();
    let view = mixin_customer;
    desk.apply(&row(
        1,
        "mixin",
        Direction::Inbound,
        &view("0f6c7898-0000-4000-8000-000000000001"),
    ));
    desk.apply(&row(
        2,
        "mixin",
        Direction::Inbound,
        &view("0f6c7898-0000-4000-8000-000000000002"),
    ));
    let key = key(Platform::Mixin, "c354135b");
    assert_eq!(desk.conversation(&key).unwrap().unacknowledged().len(), 2);
    let ack = br#"[{"message_id":"0f6c7898-0000-4000-8000-000000000001","status":"READ"}]"#;
    desk.apply(&outbound(
        3,
        "mixin",
        "https://api.mixin.one/acknowledgements",
        ack,
    ));
    assert_eq!(
        desk.conversation(&key).unwrap().unacknowledged(),
        ["0f6c7898-0000-4000-8000-000000000002"]
    );
}

#[test]
fn an_edit_shows_once_the_platform_accepts_it_and_keeps_the_original() {
    let mut desk = Desk::new();
    let send = yunhu_text_send("m1", "旧");
    let ok = yunhu_ok();
    desk.apply(&outbound(
        1,
        "yunhu",
        "http://h/yunhu/v1/msg/send-message",
        &send.encode_to_vec(),
    ));
    desk.apply(&answer(2, "yunhu", 1, &ok));
    let edit = SendMessageRequest {
        content: Some(MsgContent {
            text: "新".into(),
            ..Default::default()
        }),
        ..send
    };
    desk.apply(&outbound(
        3,
        "yunhu",
        "http://h/yunhu/v1/msg/edit-message",
        &edit.encode_to_vec(),
    ));
    let message = &desk
        .conversation(&key(Platform::Yunhu, "5180273"))
        .unwrap()
        .messages[0];
    assert_eq!(
        message.content.text.as_deref(),
        Some("旧"),
        "not before the platform says yes"
    );
    assert_eq!(
        desk.conversation(&key(Platform::Yunhu, "5180273"))
            .unwrap()
            .messages
            .len(),
        1,
        "an edit is not a new message"
    );
    desk.apply(&answer(4, "yunhu", 3, &ok));
    let message = &desk
        .conversation(&key(Platform::Yunhu, "5180273"))
        .unwrap()
        .messages[0];
    assert_eq!(message.content.text.as_deref(), Some("新"));
    assert_eq!(
        message.original.as_ref().unwrap().text.as_deref(),
        Some("旧")
    );
    assert!(message.edited_at_ms.is_some());
}

/// A Yunhu `list-message` answer: `count` messages of chat `7356666`, newest first, ending just
/// before `before_ms`; every third one ours.
fn yunhu_page(count: u64, before_ms: u64) -> Vec<u8> {
    use switchboard_payload::protobuf::yunhu::{ListMessageResponse, Msg, Sender};
    ListMessageResponse {
        status: Some(Status {
            request_id: 1,
            code: 1,
            msg: "success".into(),
        }),
        msg: (1..=count)
            .map(|back| Msg {
                msg_id: format!("old-{before_ms}-{back}"),
                sender: Some(Sender {
                    chat_id: if back % 3 == 0 { "7058262" } else { "7356666" }.into(),
                    chat_type: 1,
                    name: if back % 3 == 0 { "Agent" } else { "客户" }.into(),
                    ..Default::default()
                }),
                direction: if back % 3 == 0 { "right" } else { "left" }.into(),
                content_type: 1,
                content: Some(MsgContent {
                    text: format!("earlier {back}"),
                    ..Default::default()
                }),
                send_time: before_ms - back * 60_000,
                ..Default::default()
            })
            .collect(),
        total: count,
    }
    .encode_to_vec()
}

#[test]
fn earlier_yunhu_messages_merge_into_the_conversation_the_desk_asked_for() {
    let mut desk = Desk::new();
    let chat = key(Platform::Yunhu, "7356666");
    let first = SendMessageRequest {
        msg_id: "newest".into(),
        chat_id: "7356666".into(),
        chat_type: 1,
        content: Some(MsgContent {
            text: "hi".into(),
            ..Default::default()
        }),
        content_type: 1,
        ..Default::default()
    };
    desk.apply(&outbound(
        1,
        "yunhu",
        "https://chat-go.jwzhd.com/v1/msg/send-message",
        &first.encode_to_vec(),
    ));
    desk.apply(&answer(
        2,
        "yunhu",
        1,
        &StatusResponse {
            status: Some(Status {
                request_id: 1,
                code: 1,
                msg: "success".into(),
            }),
        }
        .encode_to_vec(),
    ));
    desk.mark_read(&chat);
    let conversation = desk.conversation(&chat).unwrap();
    let target = conversation.target();
    let before = conversation.oldest_message_id().map(str::to_owned);
    assert_eq!(before.as_deref(), Some("newest"));

    // The desk's request, as the proxy logs it (with the desk's note of the conversation).
    let call = switchboard_payload::platforms::of(Platform::Yunhu)
        .earlier_messages(&target, before.as_deref())
        .unwrap();
    // A page of history: the desk's request (noted with its conversation) and Yunhu's answer.
    let page = |desk: &mut Desk, seq: i64, count: u64, before_ms: u64| {
        let url = "https://chat-go.jwzhd.com/v1/msg/list-message";
        desk.apply(&noted(
            outbound(seq, "yunhu", url, &call.body),
            &[(CONVERSATION, "7356666")],
        ));
        desk.apply(&answer(
            seq + 1,
            "yunhu",
            seq,
            &yunhu_page(count, before_ms),
        ));
    };
    page(&mut desk, 3, 30, 1_700_000_000_000);
    let conversation = desk.conversation(&chat).unwrap();
    assert_eq!(conversation.messages.len(), 31);
    assert_eq!(conversation.messages.back().unwrap().id, "newest");
    assert_eq!(conversation.messages[0].id, "old-1700000000000-30");
    assert_eq!(conversation.unread, 0, "history is not news");
    assert!(
        !conversation.earlier_exhausted,
        "a full page: there may be more"
    );
    let ours = &conversation.messages[conversation.messages.len() - 4];
    assert!(
        ours.outgoing && ours.status == MessageStatus::Sent,
        "{ours:?}"
    );
    assert_eq!(
        conversation.last_inbound_id.as_deref(),
        Some("old-1700000000000-1"),
        "the newest customer message stays the one replies answer"
    );

    // The next page is shorter: the beginning of the chat. Replaying it changes nothing.
    page(&mut desk, 5, 4, 1_700_000_000_000 - 30 * 60_000);
    page(&mut desk, 7, 4, 1_700_000_000_000 - 30 * 60_000);
    let conversation = desk.conversation(&chat).unwrap();
    assert_eq!(conversation.messages.len(), 35, "no duplicates");
    assert!(conversation.earlier_exhausted);
}

#[test]
fn a_yunhu_gap_fill_after_a_reconnect_adds_the_missed_messages_as_news_once() {
    use switchboard_payload::platforms::yunhu::socket::push_frame;
    use switchboard_payload::protobuf::yunhu::{ListMessageResponse, Msg, PushMessage, Sender};
    let sender = || Sender {
        chat_id: "5180273".into(),
        chat_type: 1,
        name: "林晓".into(),
        ..Default::default()
    };
    let content = |text: &str| MsgContent {
        text: text.into(),
        ..Default::default()
    };
    let mut desk = Desk::new();
    let chat = key(Platform::Yunhu, "5180273");
    // Seq 1 came over the socket; then the line dropped.
    let pushed = PushMessage {
        msg_id: "m1".into(),
        sender: Some(sender()),
        chat_id: "5180273".into(),
        chat_type: 1,
        content: Some(content("第一条")),
        content_type: 1,
        timestamp: 1_700_000_000_000,
        msg_seq: 1,
        ..Default::default()
    };
    desk.apply(&row(
        1,
        "yunhu",
        Direction::Inbound,
        &push_frame("s", "push_message", &pushed),
    ));
    desk.mark_read(&chat);
    // The server's gap fill from seq 1: Yunhu lists 2 and 3 (newest first), and 1 again as a
    // platform may; 1 shows once.
    let listed = |msg_id: &str, seq: u64, text: &str| Msg {
        msg_id: msg_id.into(),
        sender: Some(sender()),
        direction: "left".into(),
        content_type: 1,
        content: Some(content(text)),
        send_time: 1_700_000_000_000 + seq * 1000,
        msg_seq: seq,
        ..Default::default()
    };
    let page = ListMessageResponse {
        status: Some(Status {
            request_id: 1,
            code: 1,
            msg: "success".into(),
        }),
        msg: vec![
            listed("m3", 3, "第三条"),
            listed("m2", 2, "第二条"),
            listed("m1", 1, "第一条"),
        ],
        total: 3,
    };
    let target = desk.conversation(&chat).unwrap().target();
    let call = platforms::yunhu::messages_from_seq(&target, 1);
    let url = "https://chat-go.jwzhd.com/v1/msg/list-message-by-seq";
    desk.apply(&noted(
        outbound(2, "yunhu", url, &call.body),
        &[(CONVERSATION, "5180273")],
    ));
    desk.apply(&answer(3, "yunhu", 2, &page.encode_to_vec()));
    let conversation = desk.conversation(&chat).unwrap();
    let ids: Vec<&str> = conversation
        .messages
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(ids, ["m1", "m2", "m3"], "once each, in order");
    assert_eq!(conversation.unread, 2, "what was missed is news");
    assert!(
        !conversation.earlier_exhausted,
        "a short catch-up says nothing about history"
    );
}

#[test]
fn e_yun_pulls_bring_channels_private_messages_into_their_session_as_news() {
    let mut desk = Desk::new();
    // An ordinary chat comes by callback, keyed by the peer's wxid.
    desk.apply(&row(
        1,
        "wechat",
        Direction::Inbound,
        &wechat_customer(3_876_235_366_388_000_101, "wxid_c1", "到了吗"),
    ));
    assert_eq!(desk.sync_cursor(Platform::Wechat), None);
    let session = "cb68e6952228400339575a83b40f5a12@findermsg";
    let customer = "fv1_cb68e695@findermsgstranger";
    let ours = "v2_0600002310@finder";
    let item = |new_msg_id: u64, from: &str, to: &str, text: &str, sender: u8, session: &str| {
        serde_json::json!({
            "syncKeyType": 1, "itemType": 1, "subType": 0,
            "content": { "msg": { "MsgId": 1, "FromUserName": { "string": from }, "ToUserName": { "string": to },
                "MsgType": 1, "Content": { "string": text }, "CreateTime": 1_700_000_200u64, "NewMsgId": new_msg_id, "MsgSeq": 1 },
                "isSender": sender, "msgSessionId": session, "seq": 1 }
        })
    };
    let call = switchboard_payload::platforms::of(Platform::Wechat)
        .sync(None)
        .unwrap();
    desk.apply(&outbound(
        2,
        "wechat",
        "http://e:8080/vendor/syncFinder",
        &call.body,
    ));
    let notice = serde_json::json!({
        "syncKeyType": 1, "itemType": 1, "subType": 0,
        "content": { "msg": { "MsgId": 2, "FromUserName": { "string": "" }, "ToUserName": { "string": "" },
            "MsgType": 10002, "Content": { "string": "<sysmsg type=\"finderliveclosenotifymsg\"><finderliveclosenotifymsg><live_id>1</live_id><object_id>2</object_id></finderliveclosenotifymsg></sysmsg>" },
            "CreateTime": 1_700_000_100u64, "NewMsgId": 3_876_235_366_388_000_200u64, "MsgSeq": 2 },
            "isSender": 0, "msgSessionId": "", "seq": 2 }
    });
    let page = serde_json::json!({ "code": "1000", "message": "处理成功", "data": {
        "list": [
            notice,
            item(3_876_235_366_388_000_102, customer, ours, "你好，在吗", 0, session),
            item(3_876_235_366_388_000_103, customer, ours, "想问价格", 0, session),
        ],
        "keyBuff": "CgQIARACEAA="
    }});
    desk.apply(&answer(3, "wechat", 2, &serde_json::to_vec(&page).unwrap()));
    let chat = desk
        .conversation(&key(Platform::Wechat, "wxid_c1"))
        .unwrap();
    assert_eq!(
        chat.messages.len(),
        1,
        "the chat is not where Channels messages go"
    );
    assert!(!chat.in_channels_inbox());
    let inbox = desk.conversation(&key(Platform::Wechat, session)).unwrap();
    assert!(inbox.in_channels_inbox());
    let texts: Vec<&str> = inbox
        .messages
        .iter()
        .filter_map(|message| message.content.text.as_deref())
        .collect();
    assert_eq!(texts, ["你好，在吗", "想问价格"]);
    assert_eq!(inbox.unread, 2, "pulled, they are news");
    assert_eq!(inbox.title, customer, "known by the customer's identity");
    let target = inbox.target();
    assert_eq!(target.peer_id.as_deref(), Some(customer));
    assert_eq!(
        target.own_id.as_deref(),
        Some(ours),
        "who we are in this session"
    );
    assert_eq!(desk.unread_in_channels_inbox(Platform::Wechat), 2);
    let notices = desk
        .conversation(&key(
            Platform::Wechat,
            switchboard_payload::platforms::wechat::LIVE_NOTICES,
        ))
        .unwrap();
    assert_eq!(notices.messages.len(), 1);
    assert_eq!(
        notices.unread, 0,
        "a notice is a system line, not a message to answer"
    );
    assert_eq!(desk.sync_cursor(Platform::Wechat), Some("CgQIARACEAA="));
}

#[test]
fn a_file_sent_through_the_yunhu_bot_keeps_the_name_the_desk_noted() {
    let mut desk = Desk::new();
    let send = noted(
        outbound(
            1,
            "yunhu",
            "https://chat-go.jwzhd.com/open-apis/v1/bot/send",
            br#"{"recvId":"5180273","recvType":"user","contentType":"file","content":{"fileKey":"9f86d081.pdf"}}"#,
        ),
        &[
            (CONVERSATION, "5180273"),
            (MEDIA_NAME, "%E4%BB%B7%E7%9B%AE%E8%A1%A8.pdf"),
        ],
    );
    desk.apply(&send);
    let conversation = desk.conversation(&key(Platform::Yunhu, "5180273")).unwrap();
    let content = &conversation.messages[0].content;
    assert_eq!(content.name.as_deref(), Some("价目表.pdf"));
    assert_eq!(content.key.as_deref(), Some("9f86d081.pdf"));
}

/// A log with every kind of cross-row link: answers to requests, recalls by the platform's id,
/// read receipts, edits, and pulls whose newest key buffer must win.
fn linked_log() -> Vec<Row> {
    let ok = yunhu_ok();
    let yunhu_send = yunhu_text_send("m1", "旧");
    let yunhu_edit = SendMessageRequest {
        content: Some(MsgContent {
            text: "新".into(),
            ..Default::default()
        }),
        ..yunhu_send.clone()
    };
    let wecom_inbound = serde_json::to_vec(&serde_json::json!({
        "seq": "1", "token": "s",
        "message": { "id": 1000423, "remote_id": "1", "text": "文本", "timestamp": "1697612364", "type": "Text",
                     "from_id": "7881", "to_id": "1688" }
    }))
    .unwrap();
    let wecom_send = noted(
        outbound(
            0,
            "wecom",
            "http://h/message/sendText",
            br#"{"content":"hi","sessionId":"s","toId":"7881"}"#,
        ),
        &[(CONVERSATION, "1688:7881")],
    );
    let mixin_view = mixin_customer;
    let pull = |key_buff: &str, new_msg_id: u64| {
        serde_json::to_vec(&serde_json::json!({ "code": "1000", "message": "处理成功", "data": {
            "list": [{ "syncKeyType": 1, "itemType": 1, "subType": 0,
                "content": { "msg": { "MsgId": 1, "FromUserName": { "string": "wxid_c1" }, "ToUserName": { "string": "wxid_me" },
                    "MsgType": 1, "Content": { "string": "拉到的" }, "CreateTime": 1_700_000_200u64, "NewMsgId": new_msg_id, "MsgSeq": 1 },
                    "isSender": 0, "msgSessionId": "", "seq": 1 } }],
            "keyBuff": key_buff
        }}))
        .unwrap()
    };
    let sync = switchboard_payload::platforms::of(Platform::Wechat)
        .sync(None)
        .unwrap()
        .body;
    let mut log = vec![
        row(0, "wecom", Direction::Inbound, &wecom_inbound),
        wecom_send,
        row(
            0,
            "mixin",
            Direction::Inbound,
            &mixin_view("0f6c7898-0000-4000-8000-000000000001"),
        ),
        outbound(
            0,
            "yunhu",
            "http://h/yunhu/v1/msg/send-message",
            &yunhu_send.encode_to_vec(),
        ),
        answer(
            0,
            "wecom",
            2,
            br#"{"code":200,"msg":"success","data":{"messageId":"74021804"}}"#,
        ),
        row(
            0,
            "wechat",
            Direction::Inbound,
            &wechat_customer(3_876_235_366_388_000_101, "wxid_c1", "到了吗"),
        ),
        outbound(0, "wechat", "http://e:8080/vendor/syncFinder", &sync),
        answer(0, "yunhu", 4, &ok),
        outbound(
            0,
            "wecom",
            "http://h/message/cancelMsg",
            br#"{"messageId":"74021804","sessionId":"s","wxId":"7881"}"#,
        ),
        answer(0, "wechat", 7, &pull("first", 3_876_235_366_388_000_102)),
        outbound(
            0,
            "yunhu",
            "http://h/yunhu/v1/msg/edit-message",
            &yunhu_edit.encode_to_vec(),
        ),
        answer(0, "wecom", 9, br#"{"code":200,"msg":"success"}"#),
        outbound(
            0,
            "mixin",
            "https://api.mixin.one/acknowledgements",
            br#"[{"message_id":"0f6c7898-0000-4000-8000-000000000001","status":"READ"}]"#,
        ),
        outbound(0, "wechat", "http://e:8080/vendor/syncFinder", &sync),
        answer(0, "yunhu", 11, &ok),
        answer(0, "wechat", 14, &pull("second", 3_876_235_366_388_000_103)),
    ];
    for (index, row) in log.iter_mut().enumerate() {
        row.seq = index as i64 + 1;
        row.received_at_ms = 1_700_000_000_000 + row.seq;
    }
    log
}

#[test]
fn newest_first_loading_gives_the_desk_that_loading_in_order_gives() {
    let log = linked_log();
    let mut in_order = Desk::new();
    for row in &log {
        in_order.apply(row);
    }
    let pair = key(Platform::Wecom, "1688:7881");
    let sent = &in_order.conversation(&pair).unwrap().messages[1];
    assert_eq!(sent.status, MessageStatus::Sent);
    assert!(sent.recalled_at_ms.is_some());
    assert_eq!(in_order.sync_cursor(Platform::Wechat), Some("second"));
    for page_size in 1..=log.len() {
        let mut newest_first = Desk::new();
        for page in log.rchunks(page_size) {
            newest_first.apply_older(page);
        }
        assert_eq!(
            newest_first.conversations(),
            in_order.conversations(),
            "pages of {page_size}"
        );
        assert_eq!(newest_first.sync_cursor(Platform::Wechat), Some("second"));
        assert_eq!(newest_first.oldest_seq(), 1);
        assert_eq!(newest_first.last_seq(), log.len() as i64);
        // The stream carries on after the newest row; replays change nothing.
        assert!(!newest_first.apply(&log[log.len() - 1]));
        assert!(!newest_first.apply_older(&log[..3]));
    }
}

#[test]
fn a_yunhu_bot_chat_stays_a_bot_chat_whatever_order_its_rows_arrive_in() {
    let webhook = delivered(
        Platform::Yunhu,
        CustomerMessage {
            message_id: "m1",
            delivery_id: "e1",
            customer_id: "6020511",
            customer_name: "Ming Zhao",
            text: "在吗",
            sent_at_ms: 1_700_000_000_000,
            ..CustomerMessage::default()
        },
    );
    // Our reply through the bot API names the user (`recvType: "user"`): still the bot's chat.
    let reply = outbound(
        2,
        "yunhu",
        "https://chat-go.jwzhd.com/open-apis/v1/bot/send",
        br#"{"recvId":"6020511","recvType":"user","contentType":"text","content":{"text":"hello"}}"#,
    );
    // The desk reads the log newest first: the reply is applied before the customer's message.
    let mut desk = Desk::new();
    desk.apply(&reply);
    desk.apply(&row(1, "yunhu", Direction::Inbound, &webhook));
    let conversation = desk.conversation(&key(Platform::Yunhu, "6020511")).unwrap();
    assert!(conversation.messages.iter().any(|message| message.outgoing));
    assert_eq!(
        conversation.target().kind,
        Some(switchboard_payload::event::ConversationKind::Bot),
        "replies go back through the bot API"
    );
}

#[test]
fn a_channels_reply_is_one_bubble_when_the_next_pull_brings_it_back() {
    let mut desk = Desk::new();
    let session = "a37c87fb@findermsg";
    let customer = "v2_0600002310creator@finder";
    let ours = "wxid_23fgdsdfh8";
    let item = |new_msg_id: u64, from: &str, to: &str, text: &str, sender: u8| {
        serde_json::json!({
            "syncKeyType": 1, "itemType": 1, "subType": 0,
            "content": { "msg": { "MsgId": 1, "FromUserName": { "string": from }, "ToUserName": { "string": to },
                "MsgType": 1, "Content": { "string": text }, "CreateTime": 1_699_999_000u64, "NewMsgId": new_msg_id, "MsgSeq": 1 },
                "isSender": sender, "msgSessionId": session, "seq": 1 }
        })
    };
    let page = |items: Vec<serde_json::Value>| {
        serde_json::to_vec(
            &serde_json::json!({ "code": "1000", "message": "处理成功", "data": {
            "list": items, "keyBuff": "CgQIARACEAA=" }}),
        )
        .unwrap()
    };
    let sync = platforms::of(Platform::Wechat).sync(None).unwrap();
    // The first item in the session is ours: it still says who is who.
    desk.apply(&outbound(1, "wechat", "http://e/syncFinder", &sync.body));
    desk.apply(&answer(
        2,
        "wechat",
        1,
        &page(vec![item(11, ours, customer, "在吗", 1)]),
    ));
    let conversation = desk.conversation(&key(Platform::Wechat, session)).unwrap();
    assert_eq!(conversation.peer_id.as_deref(), Some(customer));
    assert_eq!(conversation.own_id.as_deref(), Some(ours));
    let target = conversation.target();
    let call = platforms::of(Platform::Wechat)
        .send_text(&target, "价格多少", None, "f")
        .unwrap();
    desk.apply(&outbound(3, "wechat", "http://e/privateSend", &call.body));
    desk.apply(&answer(
        4,
        "wechat",
        3,
        r#"{"code":"1000","message":"处理成功","data":{"newMsgId":3876235366388000777}}"#
            .as_bytes(),
    ));
    desk.apply(&outbound(5, "wechat", "http://e/syncFinder", &sync.body));
    desk.apply(&answer(
        6,
        "wechat",
        5,
        &page(vec![item(
            3_876_235_366_388_000_777,
            ours,
            customer,
            "价格多少",
            1,
        )]),
    ));
    let conversation = desk.conversation(&key(Platform::Wechat, session)).unwrap();
    let texts: Vec<&str> = conversation
        .messages
        .iter()
        .filter_map(|message| message.content.text.as_deref())
        .collect();
    assert_eq!(
        texts,
        ["在吗", "价格多少"],
        "the pulled copy of our reply is the same bubble"
    );
    assert_eq!(conversation.messages[1].status, MessageStatus::Sent);
}

#[test]
fn a_seeded_sync_finder_page_shows_its_sessions_and_notices() {
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../payload/tests/fixtures/wechat/syncFinder_response.json"
    ))
    .unwrap();
    // As the sandbox seeds it: an answer on its own, no call of ours before it.
    let mut seeded = row(1, "wechat", Direction::Response, &body);
    seeded.headers = vec![(":seed".into(), "wechat/syncFinder_response.json".into())];
    let mut desk = Desk::new();
    desk.apply(&seeded);
    let sessions = desk
        .conversations()
        .into_iter()
        .filter(|conversation| conversation.in_channels_inbox())
        .map(|conversation| (conversation.key.id.clone(), conversation.messages.len()))
        .collect::<std::collections::BTreeMap<_, _>>();
    assert_eq!(
        sessions.len(),
        4,
        "three sessions and the notices: {sessions:?}"
    );
    assert_eq!(
        sessions.values().sum::<usize>(),
        19,
        "every item is shown once"
    );
    assert_eq!(
        sessions[switchboard_payload::platforms::wechat::LIVE_NOTICES],
        11
    );
    assert_eq!(
        desk.unread_in_channels_inbox(Platform::Wechat),
        0,
        "a seed is old news"
    );
}
