//! Names and pictures in the projection: from profile answers and from payloads, newest first,
//! whatever order the rows load in.

use switchboard_desk::{ConversationKey, Desk, Direction, Row};
use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;
use switchboard_payload::platforms;
use switchboard_payload::profile::Subject;
use switchboard_protocol::headers::annotation::{LOOKUP, LOOKUP_PROFILES};

fn row(seq: i64, platform: Platform, direction: Direction, body: &[u8]) -> Row {
    Row {
        seq,
        platform,
        direction,
        received_at_ms: 1_700_000_000_000 + seq,
        content_type: None,
        headers: Vec::new(),
        body: body.to_vec(),
        request_seq: None,
    }
}

/// A profile lookup the server made for `subjects`, as the proxy logs it.
fn lookup(seq: i64, platform: Platform, subjects: &[Subject]) -> Row {
    let call = platforms::of(platform).describe(subjects).unwrap();
    let mut request = row(seq, platform, Direction::Outbound, &call.body);
    request.headers = vec![
        (":method".into(), call.method.into()),
        (":url".into(), format!("https://api.example{}", call.path)),
        (LOOKUP.into(), LOOKUP_PROFILES.into()),
    ];
    request
}

fn answer(seq: i64, platform: Platform, request: i64, body: &[u8]) -> Row {
    let mut answer = row(seq, platform, Direction::Response, body);
    answer.headers = vec![(":status".into(), "200".into())];
    answer.request_seq = Some(request);
    answer
}

fn person(id: &str) -> Subject {
    Subject {
        id: id.into(),
        group: false,
    }
}

fn customer_writes(platform: Platform, message: CustomerMessage) -> Vec<u8> {
    serde_json::to_vec(&platforms::of(platform).customer_message(&message)).unwrap()
}

fn wechat_message(seq: u64) -> Vec<u8> {
    customer_writes(
        Platform::Wechat,
        CustomerMessage {
            message_id: &seq.to_string(),
            delivery_id: "1",
            customer_id: "wxid_customer",
            own_id: "wxid_me",
            own_login: "me",
            text: "在吗",
            sent_at_ms: 1_700_000_000_000 + seq,
            ..CustomerMessage::default()
        },
    )
}

fn get_contact_answer(name: &str, avatar: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "code": "1000",
        "message": "处理成功",
        "data": [{ "userName": "wxid_customer", "nickName": name, "remark": "", "smallHead": avatar, "bigHead": avatar }]
    }))
    .unwrap()
}

fn wechat_key() -> ConversationKey {
    ConversationKey {
        platform: Platform::Wechat,
        id: "wxid_customer".into(),
    }
}

#[test]
fn a_name_that_arrives_after_the_messages_renames_the_conversation() {
    let mut desk = Desk::new();
    desk.apply(&row(
        1,
        Platform::Wechat,
        Direction::Inbound,
        &wechat_message(1),
    ));
    assert_eq!(
        desk.conversation(&wechat_key()).unwrap().title,
        "wxid_customer"
    );
    desk.apply(&lookup(2, Platform::Wechat, &[person("wxid_customer")]));
    desk.apply(&answer(
        3,
        Platform::Wechat,
        2,
        &get_contact_answer("林晓", "https://wx.qlogo.cn/lin.png"),
    ));
    let conversation = desk.conversation(&wechat_key()).unwrap();
    assert_eq!(conversation.title, "林晓");
    assert_eq!(
        conversation.avatar_url.as_deref(),
        Some("https://wx.qlogo.cn/lin.png")
    );
    assert_eq!(desk.search("林晓").len(), 1);
    assert_eq!(
        desk.name_of(Platform::Wechat, "wxid_customer"),
        Some("林晓")
    );
}

#[test]
fn a_failed_lookup_leaves_the_short_id_and_an_answer_without_a_lookup_names_nobody() {
    let mut desk = Desk::new();
    desk.apply(&row(
        1,
        Platform::Wechat,
        Direction::Inbound,
        &wechat_message(1),
    ));
    desk.apply(&lookup(2, Platform::Wechat, &[person("wxid_customer")]));
    let refused = r#"{"code":"1001","message":"请求频繁","data":null}"#.as_bytes();
    desk.apply(&answer(3, Platform::Wechat, 2, refused));
    assert_eq!(
        desk.conversation(&wechat_key()).unwrap().title,
        "wxid_customer"
    );
}

/// Douyin's payload names its sender; a profile-like answer later in the log is newer.
fn douyin_message(seq: i64, name: &str) -> Row {
    let body = customer_writes(
        Platform::Douyin,
        CustomerMessage {
            message_id: &format!("m{seq}"),
            delivery_id: "1",
            conversation_id: "@conv",
            customer_id: "open-1",
            customer_name: name,
            customer_avatar: "https://p3.douyinpic.com/a.png",
            own_id: "open-me",
            own_name: "Shop",
            own_login: "key",
            text: "hi",
            sent_at_ms: 1_700_000_000_000 + seq as u64,
            ..CustomerMessage::default()
        },
    );
    row(seq, Platform::Douyin, Direction::Inbound, &body)
}

#[test]
fn the_newest_row_names_the_customer_in_whatever_order_rows_load() {
    let key = ConversationKey {
        platform: Platform::Douyin,
        id: "@conv".into(),
    };
    let rows = [douyin_message(1, "小林"), douyin_message(2, "林晓")];
    let mut in_order = Desk::new();
    for row in &rows {
        in_order.apply(row);
    }
    let mut newest_first = Desk::new();
    newest_first.apply(&rows[1]);
    newest_first.apply_older(&rows[..1]);
    for desk in [&in_order, &newest_first] {
        let conversation = desk.conversation(&key).unwrap();
        assert_eq!(conversation.title, "林晓");
        assert_eq!(
            conversation.avatar_url.as_deref(),
            Some("https://p3.douyinpic.com/a.png")
        );
    }

    // A payload and a profile answer: the newer wins either way round.
    let mut desk = Desk::new();
    desk.apply(&row(
        1,
        Platform::Wechat,
        Direction::Inbound,
        &wechat_message(1),
    ));
    desk.apply(&lookup(2, Platform::Wechat, &[person("wxid_customer")]));
    desk.apply(&answer(
        3,
        Platform::Wechat,
        2,
        &get_contact_answer("旧名", ""),
    ));
    desk.apply(&lookup(4, Platform::Wechat, &[person("wxid_customer")]));
    desk.apply(&answer(
        5,
        Platform::Wechat,
        4,
        &get_contact_answer("新名", ""),
    ));
    assert_eq!(desk.conversation(&wechat_key()).unwrap().title, "新名");
    let mut reversed = Desk::new();
    reversed.apply(&answer(
        5,
        Platform::Wechat,
        4,
        &get_contact_answer("新名", ""),
    ));
    reversed.apply_older(&[
        row(1, Platform::Wechat, Direction::Inbound, &wechat_message(1)),
        lookup(2, Platform::Wechat, &[person("wxid_customer")]),
        answer(3, Platform::Wechat, 2, &get_contact_answer("旧名", "")),
        lookup(4, Platform::Wechat, &[person("wxid_customer")]),
    ]);
    assert_eq!(reversed.conversation(&wechat_key()).unwrap().title, "新名");
}

#[test]
fn a_group_is_named_by_its_own_profile_with_its_member_count() {
    let mut desk = Desk::new();
    let message = customer_writes(
        Platform::Wecom,
        CustomerMessage {
            message_id: "77",
            delivery_id: "1",
            conversation_id: "R:1082",
            customer_id: "7881",
            own_id: "1688",
            own_login: "session",
            text: "群里问一下",
            sent_at_ms: 1_700_000_000_000,
            ..CustomerMessage::default()
        },
    );
    desk.apply(&row(1, Platform::Wecom, Direction::Inbound, &message));
    desk.apply(&lookup(
        2,
        Platform::Wecom,
        &[Subject {
            id: "R:1082".into(),
            group: true,
        }],
    ));
    let room = serde_json::json!({
        "code": 200, "msg": "成功",
        "data": [{ "id": "R:1082", "wxId": "R:1082", "nickName": "售后服务群", "memberNum": 3, "headSmallImageUrl": "https://wework.qpic.cn/g.png" }]
    });
    desk.apply(&answer(3, Platform::Wecom, 2, room.to_string().as_bytes()));
    desk.apply(&lookup(4, Platform::Wecom, &[person("7881")]));
    let contact = serde_json::json!({
        "code": 200, "msg": "成功",
        "data": [{ "id": "7881", "nickName": "Ming Zhao", "headSmallImageUrl": "https://wework.qpic.cn/m.png" }]
    });
    desk.apply(&answer(
        5,
        Platform::Wecom,
        4,
        contact.to_string().as_bytes(),
    ));
    let conversation = desk
        .conversation(&ConversationKey {
            platform: Platform::Wecom,
            id: "R:1082".into(),
        })
        .unwrap();
    assert_eq!(conversation.title, "售后服务群");
    assert_eq!(conversation.member_count, Some(3));
    // The sender in the group is named by their own profile.
    assert_eq!(desk.name_of(Platform::Wecom, "7881"), Some("Ming Zhao"));
}

/// A Yunhu bot push: it names its sender (`senderNickname`) but shows no picture, so the server
/// also asks `get-user`.
fn yunhu_message(seq: i64, name: &str) -> Row {
    let body = customer_writes(
        Platform::Yunhu,
        CustomerMessage {
            message_id: &format!("m{seq}"),
            delivery_id: &format!("e{seq}"),
            customer_id: "7058262",
            customer_name: name,
            own_id: "bot-1",
            text: "在吗",
            sent_at_ms: 1_700_000_000_000 + seq as u64,
            ..CustomerMessage::default()
        },
    );
    row(seq, Platform::Yunhu, Direction::Inbound, &body)
}

fn get_user_answer(name: &str, avatar: &str) -> Vec<u8> {
    use prost::Message;
    use switchboard_payload::protobuf::yunhu::{GetUserResponse, Status, get_user_response};
    GetUserResponse {
        status: Some(Status {
            request_id: 1,
            code: 1,
            msg: "success".into(),
        }),
        data: Some(get_user_response::Data {
            id: "7058262".into(),
            name: name.into(),
            avatar_url: avatar.into(),
            ..Default::default()
        }),
    }
    .encode_to_vec()
}

fn yunhu_conversation(desk: &Desk) -> switchboard_desk::Conversation {
    desk.conversations()
        .into_iter()
        .find(|conversation| conversation.key.platform == Platform::Yunhu)
        .unwrap()
        .clone()
}

#[test]
fn a_name_from_a_payload_and_one_from_a_profile_answer_the_newest_wins() {
    let asked = || lookup(2, Platform::Yunhu, &[person("7058262")]);
    let answered = || {
        answer(
            3,
            Platform::Yunhu,
            2,
            &get_user_answer("林晓", "https://chat-img.jwznb.com/lin.png"),
        )
    };
    let rows = [
        yunhu_message(1, "小林"),
        asked(),
        answered(),
        yunhu_message(4, "林晓 (客服群)"),
    ];
    let title_after = |rows: &[Row]| {
        let mut desk = Desk::new();
        for row in rows {
            desk.apply(row);
        }
        let conversation = yunhu_conversation(&desk);
        (conversation.title.clone(), conversation.avatar_url.clone())
    };
    let picture = Some("https://chat-img.jwznb.com/lin.png".to_owned());
    // The payload's name, then the profile answer's, newer: the answer's name and picture.
    assert_eq!(title_after(&rows[..1]), ("小林".to_owned(), None));
    assert_eq!(
        title_after(&rows[..3]),
        ("林晓".to_owned(), picture.clone())
    );
    // A newer payload renames again; it shows no picture, so the answer's stays.
    assert_eq!(
        title_after(&rows),
        ("林晓 (客服群)".to_owned(), picture.clone())
    );

    // Loaded newest first (a reload's newest page, then older pages): the same names win.
    let mut desk = Desk::new();
    desk.apply(&rows[3]);
    desk.apply_older(&rows[..3]);
    let conversation = yunhu_conversation(&desk);
    assert_eq!(conversation.title, "林晓 (客服群)");
    assert_eq!(conversation.avatar_url, picture);
    let mut desk = Desk::new();
    desk.apply(&rows[2]);
    desk.apply_older(&rows[..2]);
    let conversation = yunhu_conversation(&desk);
    assert_eq!(
        conversation.title, "林晓",
        "the answer is newer than the payload"
    );
}

/// A Yunhu webhook of `event_type` about one user, in the shape the reference gives for joins
/// and follows (`{userId, nickname, avatarUrl, chatId, chatType, time}`).
fn yunhu_event(seq: i64, event_type: &str, event: serde_json::Value) -> Row {
    let body = serde_json::json!({
        "version": "1.0",
        "header": {
            "eventId": format!("e{seq}"),
            "eventTime": 1_700_000_000_000_i64 + seq,
            "eventType": event_type,
        },
        "event": event,
    });
    row(
        seq,
        Platform::Yunhu,
        Direction::Inbound,
        &serde_json::to_vec(&body).unwrap(),
    )
}

#[test]
fn yunhu_follows_and_joins_name_the_user_and_give_their_picture() {
    let picture = "https://chat-img.jwznb.com/lin.png";
    let followed = yunhu_event(
        1,
        "bot.followed",
        serde_json::json!({
            "time": 1_700_000_000_001_i64, "chatId": "bot-1", "chatType": "bot",
            "userId": "7058262", "nickname": "林晓", "avatarUrl": picture,
        }),
    );
    let joined = yunhu_event(
        2,
        "group.join",
        serde_json::json!({
            "time": 1_700_000_000_002_i64, "chatId": "g-1", "chatType": "group",
            "userId": "7058263", "nickname": "Ming Zhao", "avatarUrl": "https://chat-img.jwznb.com/ming.png",
        }),
    );
    let mut desk = Desk::new();
    desk.apply(&followed);
    desk.apply(&joined);
    assert_eq!(desk.name_of(Platform::Yunhu, "7058262"), Some("林晓"));
    assert_eq!(desk.avatar_of(Platform::Yunhu, "7058262"), Some(picture));
    assert_eq!(desk.name_of(Platform::Yunhu, "7058263"), Some("Ming Zhao"));
    assert_eq!(
        desk.avatar_of(Platform::Yunhu, "7058263"),
        Some("https://chat-img.jwznb.com/ming.png")
    );

    // The follower then writes under another nickname: the newer name, the follow's picture
    // (the message shows none).
    desk.apply(&yunhu_message(3, "小林"));
    let conversation = yunhu_conversation(&desk);
    assert_eq!(conversation.title, "小林");
    assert_eq!(conversation.avatar_url.as_deref(), Some(picture));
}
