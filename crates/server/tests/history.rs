//! History through `switchboard serve` and the sandbox: Yunhu's `list-message` pages back
//! through a chat (the emulator holds more than the log), and E云's `syncFinder` pages forward
//! with `keyBuff`, finding a message whose callback never came. Requests and answers are logged.

mod support;

use prost::Message;
use support::{RunningServer, all_events, dist, read_json};
use switchboard_payload::Platform;
use switchboard_payload::compose::{self, Target};
use switchboard_payload::event::ConversationKind;
use switchboard_payload::platforms;
use switchboard_payload::protobuf::yunhu::{ListMessageRequest, ListMessageResponse};

async fn post(
    client: &reqwest::Client,
    server: &RunningServer,
    platform: Platform,
    call: &compose::Call,
) -> Vec<u8> {
    let response = client
        .post(server.url(&format!("/api/proxy/{}{}", platform.id(), call.path)))
        .header("content-type", call.content_type)
        .header("x-switchboard-conversation", "7356666")
        .body(call.body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", call.path);
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn yunhu_pages_back_to_the_beginning_of_a_chat() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let target = Target {
        conversation_id: "7356666".into(),
        kind: Some(ConversationKind::Direct),
        ..Target::default()
    };
    // The seed's message is the oldest the log holds; page back from it.
    let mut before = "4f9c2a7be1d34c0f9a8e6b5d4c3b2a19".to_owned();
    let mut pages = Vec::new();
    loop {
        let call = platforms::of(Platform::Yunhu)
            .earlier_messages(&target, Some(&before))
            .unwrap();
        assert_eq!(
            ListMessageRequest::decode(call.body.as_slice())
                .unwrap()
                .msg_id,
            before
        );
        let body = post(&client, &server, Platform::Yunhu, &call).await;
        assert!(platforms::of(Platform::Yunhu).outcome(&call.path, &body).ok);
        let page = ListMessageResponse::decode(body.as_slice()).unwrap();
        pages.push(page.msg.len());
        let Some(oldest) = page.msg.last() else { break };
        // Newest first, each older than the message paged from.
        assert!(
            page.msg
                .windows(2)
                .all(|pair| pair[0].send_time >= pair[1].send_time)
        );
        before = oldest.msg_id.clone();
        assert!(pages.len() < 10, "paging never ends: {pages:?}");
    }
    assert_eq!(pages, [30, 15, 0]);
    let events = all_events(&client, &server).await;
    let logged = events
        .iter()
        .filter(|event| event["direction"] == "response" && event["platform"] == "yunhu")
        .count();
    assert!(logged >= 3, "every page is in the log");
}

#[tokio::test]
async fn e_yun_pulls_page_forward_through_channels_private_messages() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    for index in 0..11 {
        let delivered: serde_json::Value = read_json(
            client
                .post(server.url("/api/sandbox/wechat/customer-message"))
                .json(&serde_json::json!({ "text": format!("消息 {index}"), "channel": "finder" })),
        )
        .await;
        assert_eq!(delivered["queued"], true, "held for a pull: {delivered}");
    }
    let mut cursor: Option<String> = None;
    let mut texts = Vec::new();
    for _ in 0..5 {
        let call = platforms::of(Platform::Wechat)
            .sync(cursor.as_deref())
            .unwrap();
        let body = post(&client, &server, Platform::Wechat, &call).await;
        let answered = platforms::of(Platform::Wechat).outcome(&call.path, &body);
        assert!(answered.ok, "{answered:?}");
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        for item in value["data"]["list"].as_array().unwrap() {
            texts.push(
                item["content"]["msg"]["Content"]["string"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let next = answered.ids.get("keyBuff").cloned();
        if next == cursor {
            break;
        }
        cursor = next;
    }
    // Eleven private messages, over two pages.
    assert_eq!(texts.len(), 11, "{texts:?}");
    assert_eq!(texts.last().map(String::as_str), Some("消息 10"));
    // Our server added the instance id; the log shows every pull.
    let events = all_events(&client, &server).await;
    let pulls: Vec<&serde_json::Value> = events
        .iter()
        .filter(|event| event["direction"] == "outbound" && event["platform"] == "wechat")
        .collect();
    assert!(pulls.len() >= 2);
    for pull in pulls {
        let body: serde_json::Value = serde_json::from_slice(&support::body_of(pull)).unwrap();
        assert!(body["wId"].is_string(), "{body}");
    }
}
