//! The platform matrix, cell by cell, through `switchboard serve` and the sandbox: each request
//! is composed by the payload core (the same code the desk runs), forwarded by the proxy with the
//! platform's credentials (Mixin's JWT signed over the exact body), and accepted by an emulator
//! that checks it — shown by a variant with one thing wrong being refused in the platform's own
//! error shape. Every answer is in the event log, linked to its request.
//! (File sends: `files.rs`; history and pulls: `history.rs`.)

mod support;

use std::collections::BTreeMap;

use support::{RunningServer, all_events, dist, is_seed};
use switchboard_payload::Platform;
use switchboard_payload::compose::{Attachment, Call, Target};
use switchboard_payload::event::ConversationKind;
use switchboard_payload::outcome::Outcome;
use switchboard_payload::platforms;
use switchboard_payload::platforms::yunhu;
use switchboard_server::sandbox::credentials::MIXIN_USER_ID;

struct Session {
    server: RunningServer,
    client: reqwest::Client,
    calls: usize,
}

impl Session {
    async fn forward(&mut self, platform: Platform, call: &Call) -> Outcome {
        self.calls += 1;
        let response = self
            .client
            .post(
                self.server
                    .url(&format!("/api/proxy/{}{}", platform.id(), call.path)),
            )
            .header("content-type", call.content_type)
            .body(call.body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.bytes().await.unwrap();
        if !(200..300).contains(&status) {
            return Outcome::failed(Some(status.to_string()), String::from_utf8_lossy(&body));
        }
        platforms::of(platform).outcome(&call.path, &body)
    }

    /// The call must be accepted; answers the ids the platform gave.
    async fn accepted(
        &mut self,
        cell: &str,
        platform: Platform,
        call: &Call,
    ) -> BTreeMap<String, String> {
        let answered = self.forward(platform, call).await;
        assert!(answered.ok, "{cell}: {answered:?}");
        answered.ids
    }

    /// The call must be refused, with the platform's words for why.
    async fn refused(&mut self, cell: &str, platform: Platform, call: &Call) {
        let answered = self.forward(platform, call).await;
        assert!(!answered.ok, "{cell}: the emulator accepted a bad request");
        assert!(
            answered.message.as_deref().is_some_and(|m| !m.is_empty()) || answered.code.is_some(),
            "{cell}: {answered:?}"
        );
    }

    async fn upload_png(&self, platform: &str) -> Attachment {
        let png = switchboard_server::sandbox::png_1x1([30, 140, 60]);
        let file = (png.as_slice(), "green.png", "image/png");
        Attachment {
            width: Some(1),
            height: Some(1),
            ..support::upload(&self.client, &self.server, platform, file).await
        }
    }

    async fn customer_writes(&self, platform: &str) -> serde_json::Value {
        self.client
            .post(
                self.server
                    .url(&format!("/api/sandbox/{platform}/customer-message")),
            )
            .json(&serde_json::json!({ "text": "在吗？" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn fresh() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn json(path: &str, value: serde_json::Value) -> Call {
    Call::json(path, &value, None)
}

#[tokio::test]
async fn every_cell_of_the_matrix_is_checked_by_its_emulator_and_logged() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let mut session = Session {
        server,
        client,
        calls: 0,
    };
    let no_ids = BTreeMap::new();

    // Yunhu, user API (protobuf), in the seed's direct chat.
    let yunhu = Platform::Yunhu;
    let direct = Target::new("7356666", ConversationKind::Direct, None, None);
    let text = platforms::of(yunhu)
        .send_text(&direct, "您好", None, &fresh())
        .unwrap();
    session.accepted("yunhu send-message", yunhu, &text).await;
    let sent_id = text.message_id.clone().unwrap();
    let call = platforms::of(yunhu)
        .send_markdown(&direct, "**已发货**", None, &fresh())
        .unwrap();
    session
        .accepted("yunhu send-message markdown", yunhu, &call)
        .await;
    let nowhere = Target::new("", ConversationKind::Direct, None, None);
    let bad = platforms::of(yunhu)
        .send_text(&nowhere, "您好", None, &fresh())
        .unwrap();
    session
        .refused("yunhu send-message without chat_id", yunhu, &bad)
        .await;
    let image = session.upload_png("yunhu").await;
    let call = platforms::of(yunhu)
        .send_image(&direct, &image, &fresh())
        .unwrap();
    session
        .accepted("yunhu send-message image", yunhu, &call)
        .await;
    let never_uploaded = Attachment {
        id: "ffffffffffffffffffffffffffffffff.png".into(),
        ..image.clone()
    };
    let call = platforms::of(yunhu)
        .send_image(&direct, &never_uploaded, &fresh())
        .unwrap();
    session
        .refused("yunhu image never uploaded", yunhu, &call)
        .await;
    let call = platforms::of(yunhu)
        .edit(&direct, &sent_id, &no_ids, "您好！")
        .unwrap();
    session.accepted("yunhu edit-message", yunhu, &call).await;
    let call = platforms::of(yunhu)
        .edit(&direct, "no-such-message", &no_ids, "x")
        .unwrap();
    session
        .refused("yunhu edit of an unknown message", yunhu, &call)
        .await;
    let call = platforms::of(yunhu)
        .recall(&direct, &sent_id, &no_ids, &fresh())
        .unwrap();
    session.accepted("yunhu recall-msg", yunhu, &call).await;
    let mut batch = Vec::new();
    for _ in 0..2 {
        let call = platforms::of(yunhu)
            .send_text(&direct, "稍等", None, &fresh())
            .unwrap();
        session.accepted("yunhu send-message", yunhu, &call).await;
        batch.push(call.message_id.unwrap());
    }
    let call = yunhu::recall_batch(&direct, &batch).unwrap();
    session
        .accepted("yunhu recall-msg-batch", yunhu, &call)
        .await;
    batch.push("7356666-history-001".into());
    let call = yunhu::recall_batch(&direct, &batch).unwrap();
    session
        .refused(
            "yunhu recall-msg-batch with a customer's message",
            yunhu,
            &call,
        )
        .await;
    for call in [
        yunhu::messages_from_seq(&direct, 1),
        yunhu::messages_up_to(&direct, Some("4f9c2a7be1d34c0f9a8e6b5d4c3b2a19"), 0, 10),
    ] {
        session.accepted(&call.path, yunhu, &call).await;
        let garbled = Call::protobuf(call.path.clone(), vec![0x1a, 0x05, b'x'], None);
        session
            .refused("a garbled listing request", yunhu, &garbled)
            .await;
    }
    let theirs = platforms::of(yunhu)
        .recall(&direct, "7356666-history-000", &no_ids, &fresh())
        .unwrap();
    session
        .refused("yunhu recall of the customer's message", yunhu, &theirs)
        .await;

    // Yunhu, bot API (JSON, ?token=).
    let bot = Target::new("5180273", ConversationKind::Bot, Some("5180273"), None);
    let call = platforms::of(yunhu)
        .send_text(&bot, "机器人回复", None, &fresh())
        .unwrap();
    let bot_ids = session.accepted("yunhu bot/send", yunhu, &call).await;
    assert!(bot_ids.contains_key("msgId"), "{bot_ids:?}");
    let call = json(
        "/open-apis/v1/bot/send",
        serde_json::json!({ "recvType": "user", "contentType": "text", "content": { "text": "x" } }),
    );
    session
        .refused("yunhu bot/send without recvId", yunhu, &call)
        .await;
    let call = platforms::of(yunhu)
        .send_markdown(&bot, "**已发货**", None, &fresh())
        .unwrap();
    session
        .accepted("yunhu bot/send markdown", yunhu, &call)
        .await;
    let call = platforms::of(yunhu)
        .send_image(&bot, &image, &fresh())
        .unwrap();
    session.accepted("yunhu bot/send image", yunhu, &call).await;
    let call = platforms::of(yunhu)
        .send_image(&bot, &never_uploaded, &fresh())
        .unwrap();
    session
        .refused("yunhu bot image never uploaded", yunhu, &call)
        .await;
    let call = platforms::of(yunhu)
        .edit(&bot, "", &bot_ids, "改过的回复")
        .unwrap();
    session.accepted("yunhu bot/edit", yunhu, &call).await;
    let unknown_bot = BTreeMap::from([("msgId".to_owned(), "no-such-bot-message".to_owned())]);
    let call = platforms::of(yunhu)
        .edit(&bot, "", &unknown_bot, "x")
        .unwrap();
    session
        .refused("yunhu bot/edit of an unknown message", yunhu, &call)
        .await;
    let call = platforms::of(yunhu)
        .recall(&bot, "", &bot_ids, &fresh())
        .unwrap();
    session.accepted("yunhu bot/recall", yunhu, &call).await;
    let call = platforms::of(yunhu)
        .recall(&bot, "", &unknown_bot, &fresh())
        .unwrap();
    session
        .refused("yunhu bot/recall of an unknown message", yunhu, &call)
        .await;

    // Douyin: replies answer a message the customer sent.
    let douyin = Platform::Douyin;
    let delivered = session.customer_writes("douyin").await;
    let received = delivered["message_id"].as_str().unwrap();
    let conversation = "@sandbox-conversation-_000sandbox-customer-c1";
    let chat = Target::new(
        conversation,
        ConversationKind::Direct,
        Some("_000sandbox-customer-c1"),
        Some(received),
    );
    let call = platforms::of(douyin)
        .send_text(&chat, "您好", None, &fresh())
        .unwrap();
    let douyin_ids = session.accepted("douyin im/send/msg", douyin, &call).await;
    let unanswerable = Target::new(
        conversation,
        ConversationKind::Direct,
        Some("_000sandbox-customer-c1"),
        Some("@never-received"),
    );
    let call = platforms::of(douyin)
        .send_text(&unanswerable, "您好", None, &fresh())
        .unwrap();
    session
        .refused("douyin reply to no customer message", douyin, &call)
        .await;
    let image = session.upload_png("douyin").await;
    let call = platforms::of(douyin)
        .send_image(&chat, &image, &fresh())
        .unwrap();
    session.accepted("douyin image", douyin, &call).await;
    let call = platforms::of(douyin)
        .send_image(
            &chat,
            &Attachment {
                id: "@never".into(),
                ..image
            },
            &fresh(),
        )
        .unwrap();
    session
        .refused("douyin image never uploaded", douyin, &call)
        .await;
    let call = platforms::of(douyin)
        .recall(&chat, "", &douyin_ids, &fresh())
        .unwrap();
    session
        .accepted("douyin im/recall/msg", douyin, &call)
        .await;
    let unknown = BTreeMap::from([("msg_id".to_owned(), "1".to_owned())]);
    let call = platforms::of(douyin)
        .recall(&chat, "", &unknown, &fresh())
        .unwrap();
    session
        .refused("douyin recall of an unknown message", douyin, &call)
        .await;

    // WeCom through wkteam.
    let wecom = Platform::Wecom;
    let pair = Target::new(
        "1688:7881300012345678",
        ConversationKind::Direct,
        Some("7881300012345678"),
        None,
    );
    let call = platforms::of(wecom)
        .send_text(&pair, "您好", None, &fresh())
        .unwrap();
    let wecom_ids = session.accepted("wecom sendText", wecom, &call).await;
    let call = json(
        "/message/sendText",
        serde_json::json!({ "content": "to nobody" }),
    );
    session
        .refused("wecom sendText without a recipient", wecom, &call)
        .await;
    let image = session.upload_png("wecom").await;
    let call = platforms::of(wecom)
        .send_image(&pair, &image, &fresh())
        .unwrap();
    session.accepted("wecom sendImage", wecom, &call).await;
    let call = platforms::of(wecom)
        .send_image(
            &pair,
            &Attachment {
                id: "sandbox-file-0".into(),
                ..image
            },
            &fresh(),
        )
        .unwrap();
    session
        .refused("wecom image never uploaded", wecom, &call)
        .await;
    let stranger = Target::new("1688:1", ConversationKind::Direct, Some("1"), None);
    let call = platforms::of(wecom)
        .recall(&stranger, "", &wecom_ids, &fresh())
        .unwrap();
    session
        .refused("wecom cancelMsg naming someone else", wecom, &call)
        .await;
    let call = platforms::of(wecom)
        .recall(&pair, "", &wecom_ids, &fresh())
        .unwrap();
    session.accepted("wecom cancelMsg", wecom, &call).await;

    // Mixin: every call carries a fresh JWT the emulator verifies against the exact body.
    let mixin = Platform::Mixin;
    let customer = "11efbb75-e7fe-44d7-a14f-698535289310";
    let conversation =
        switchboard_payload::platforms::mixin::unique_conversation_id(MIXIN_USER_ID, customer);
    let chat = Target::new(
        &conversation,
        ConversationKind::Direct,
        Some(customer),
        None,
    );
    let call = platforms::of(mixin)
        .send_text(&chat, "您好", None, &fresh())
        .unwrap();
    session.accepted("mixin PLAIN_TEXT", mixin, &call).await;
    let sent_id = call.message_id.clone().unwrap();
    let call = platforms::of(mixin)
        .send_markdown(&chat, "**已发货**", None, &fresh())
        .unwrap();
    session.accepted("mixin PLAIN_POST", mixin, &call).await;
    let call = platforms::of(mixin)
        .send_text(&chat, "您好", None, "not-a-uuid")
        .unwrap();
    session
        .refused("mixin message_id that is no UUID", mixin, &call)
        .await;
    let image = session.upload_png("mixin").await;
    let call = platforms::of(mixin)
        .send_image(&chat, &image, &fresh())
        .unwrap();
    session.accepted("mixin PLAIN_IMAGE", mixin, &call).await;
    let call = platforms::of(mixin)
        .send_image(
            &chat,
            &Attachment {
                id: fresh(),
                ..image
            },
            &fresh(),
        )
        .unwrap();
    session
        .refused("mixin image never uploaded", mixin, &call)
        .await;
    let call = platforms::of(mixin)
        .recall(&chat, &sent_id, &no_ids, &fresh())
        .unwrap();
    session.accepted("mixin MESSAGE_RECALL", mixin, &call).await;
    let call = platforms::of(mixin)
        .recall(&chat, &fresh(), &no_ids, &fresh())
        .unwrap();
    session
        .refused("mixin recall of an unknown message", mixin, &call)
        .await;
    let delivered = session.customer_writes("mixin").await;
    let call = platforms::of(mixin)
        .read_receipts(&[delivered["message_id"].as_str().unwrap().to_owned()])
        .unwrap();
    session
        .accepted("mixin acknowledgements", mixin, &call)
        .await;
    let call = json(
        "/acknowledgements",
        serde_json::json!([{ "message_id": sent_id, "status": "UNREAD" }]),
    );
    session
        .refused("mixin acknowledgement that is not READ", mixin, &call)
        .await;

    // WeChat through E云.
    let wechat = Platform::Wechat;
    let peer = Target::new(
        "wxid_sandbox_customer_c1",
        ConversationKind::Direct,
        None,
        None,
    );
    let call = platforms::of(wechat)
        .send_text(&peer, "您好", None, &fresh())
        .unwrap();
    let wechat_ids = session.accepted("wechat sendText", wechat, &call).await;
    let call = json("/sendText", serde_json::json!({ "content": "to nobody" }));
    session
        .refused("wechat sendText without wcId", wechat, &call)
        .await;
    let image = session.upload_png("wechat").await;
    let call = platforms::of(wechat)
        .send_image(&peer, &image, &fresh())
        .unwrap();
    session.accepted("wechat sendImage2", wechat, &call).await;
    let gone = Attachment {
        url: image
            .url
            .as_ref()
            .map(|url| url.replace("green.png", "gone.png")),
        ..image
    };
    let call = platforms::of(wechat)
        .send_image(&peer, &gone, &fresh())
        .unwrap();
    session
        .refused("wechat image E云 cannot download", wechat, &call)
        .await;
    let mut stale = wechat_ids.clone();
    stale.insert("createTime".into(), "1".into());
    let call = platforms::of(wechat)
        .recall(&peer, "", &stale, &fresh())
        .unwrap();
    session
        .refused("wechat revokeMsg with the wrong createTime", wechat, &call)
        .await;
    let call = platforms::of(wechat)
        .recall(&peer, "", &wechat_ids, &fresh())
        .unwrap();
    session.accepted("wechat revokeMsg", wechat, &call).await;

    // Every call and its answer are in the log, the answer linked to the call.
    let events = all_events(&session.client, &session.server).await;
    let forwarded: Vec<i64> = events
        .iter()
        .filter(|event| event["direction"] == "outbound")
        .filter(|event| !is_seed(event))
        .map(|event| event["seq"].as_i64().unwrap())
        .collect();
    let answered: Vec<i64> = events
        .iter()
        .filter(|event| event["direction"] == "response")
        .filter_map(|event| event["request_seq"].as_i64())
        .collect();
    assert!(
        forwarded.len() >= session.calls,
        "{} logged for {} calls",
        forwarded.len(),
        session.calls
    );
    for seq in forwarded {
        assert!(
            answered.contains(&seq),
            "request {seq} has no logged answer"
        );
    }
}
