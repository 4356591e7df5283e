//! Platforms that deliver over their own connection: the real server keeps Mixin's Blaze socket
//! to the sandbox's emulator open, stores every frame before acknowledging it, comes back after
//! the line is cut (or the server is killed) without storing anything twice, and stops with a
//! reason when the platform refuses its credentials.

mod support;

use std::time::{Duration, Instant};

use base64::Engine;
use support::{Options, RunningServer, all_events, body_of, dist, get_json, read_json, receive_of};
use switchboard_payload::Platform;
use switchboard_server::platforms::mixin::blaze::gunzip;
use switchboard_server::sandbox::Sandbox;
use switchboard_server::sandbox::credentials::{MIXIN_SESSION_ID, MIXIN_USER_ID};
use switchboard_server::sandbox::customer::CustomerMessage;
use switchboard_server::sandbox::lock;

/// Polls `check` every 50 ms until it gives a value or `within` passes.
async fn eventually<T, F>(within: Duration, what: &str, mut check: impl FnMut() -> F) -> T
where
    F: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(started.elapsed() < within, "waited {within:?} for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The inspector's reading of a stored row: (schema name, the message's text if any).
fn read_row(event: &serde_json::Value) -> (String, Option<String>, Option<String>) {
    let inspection = switchboard_payload::inspect(&body_of(event), &Default::default());
    let schema = inspection
        .schema
        .map(|schema| schema.name)
        .unwrap_or_default();
    let message = inspection.events.first();
    (
        schema,
        message.and_then(|event| event.content.as_ref()?.text.clone()),
        message.and_then(|event| {
            event
                .message_id
                .clone()
                .or_else(|| event.target_message_id.clone())
        }),
    )
}

fn mixin_rows(events: &[serde_json::Value], schema: &str) -> Vec<serde_json::Value> {
    events
        .iter()
        .filter(|event| event["platform"] == "mixin" && event["direction"] == "inbound")
        .filter(|event| read_row(event).0 == schema)
        .cloned()
        .collect()
}

async fn customer_says(
    client: &reqwest::Client,
    server: &RunningServer,
    text: &str,
) -> serde_json::Value {
    read_json(
        client
            .post(server.url("/api/sandbox/mixin/customer-message"))
            .json(&serde_json::json!({ "text": text })),
    )
    .await
}

async fn mixin_receive(client: &reqwest::Client, server: &RunningServer) -> serde_json::Value {
    receive_of(client, server, "mixin").await
}

async fn connected(client: &reqwest::Client, server: &RunningServer) {
    eventually(Duration::from_secs(10), "Blaze connected", || async {
        (mixin_receive(client, server).await["state"] == "connected").then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_mixin_customer_message_arrives_over_blaze_as_the_platforms_own_frame() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let receive = eventually(Duration::from_secs(10), "Blaze connected", || async {
        let receive = mixin_receive(&client, &server).await;
        (receive["state"] == "connected").then_some(receive)
    })
    .await;
    assert_eq!(receive["transport"], "blaze");
    assert!(receive["since"].as_i64().unwrap() > 0);

    let delivered = customer_says(&client, &server, "在吗？我的订单还没到").await;
    assert_eq!(delivered["status"], 200, "{delivered}");
    let rows = mixin_rows(
        &all_events(&client, &server).await,
        "mixin.blaze.CREATE_MESSAGE",
    );
    let row = rows
        .iter()
        .find(|row| read_row(row).2.as_deref() == delivered["message_id"].as_str())
        .expect("the pushed frame is stored");
    assert_eq!(
        read_row(row).1.as_deref(),
        Some("在吗？我的订单还没到"),
        "the stored gzip frame reads back to the customer's words"
    );
    assert_eq!(&body_of(row)[..2], b"\x1f\x8b", "stored as it came: gzip");
    let receive = mixin_receive(&client, &server).await;
    assert!(receive["last_frame_at"].as_i64().unwrap() >= receive["since"].as_i64().unwrap());

    // Mixin has no webhooks: none is offered, and the intake has no door for one.
    let webhooks = get_json(&client, &server.url("/api/webhooks")).await;
    assert!(
        webhooks
            .as_array()
            .unwrap()
            .iter()
            .all(|webhook| webhook["platform"] != "mixin"),
        "{webhooks}"
    );
    let config = get_json(&client, &server.url("/api/config")).await;
    for platform in config["platforms"].as_array().unwrap() {
        assert_eq!(platform["webhook"], platform["id"] != "mixin", "{platform}");
    }
    let secret = support::webhook_secret(data.path(), "mixin");
    let posted = reqwest::Client::new()
        .post(server.url(&format!("/hooks/mixin/{secret}")))
        .body(r#"{"message_id":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 404);
    assert!(posted.text().await.unwrap().contains("posts no webhooks"));
}

#[tokio::test]
async fn messages_sent_while_the_line_is_cut_arrive_after_it_comes_back_once_each_in_order() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    connected(&client, &server).await;
    let before = customer_says(&client, &server, "before the cut").await;
    assert_eq!(before["status"], 200);

    let cut = client
        .post(server.url("/api/sandbox/mixin/drop-connection"))
        .json(&serde_json::json!({ "refuse_for_secs": 2 }))
        .send()
        .await
        .unwrap();
    assert_eq!(cut.status(), 204);
    let backing_off = eventually(Duration::from_secs(5), "backing off", || async {
        let receive = mixin_receive(&client, &server).await;
        (receive["state"] == "backing_off").then_some(receive)
    })
    .await;
    assert!(backing_off["attempt"].as_u64().unwrap() >= 1);
    assert!(backing_off["retry_at"].as_i64().is_some());
    assert!(!backing_off["error"].as_str().unwrap().is_empty());

    let mut sent = Vec::new();
    for n in 1..=3 {
        let text = format!("while cut {n}");
        let delivered = customer_says(&client, &server, &text).await;
        assert_eq!(delivered["queued"], true, "{delivered}");
        sent.push(delivered["message_id"].as_str().unwrap().to_owned());
    }
    let stored = eventually(Duration::from_secs(30), "the queued messages", || async {
        let rows = mixin_rows(
            &all_events(&client, &server).await,
            "mixin.blaze.CREATE_MESSAGE",
        );
        let ids: Vec<String> = rows.iter().filter_map(|row| read_row(row).2).collect();
        sent.iter().all(|id| ids.contains(id)).then_some(ids)
    })
    .await;
    let positions: Vec<usize> = sent
        .iter()
        .map(|id| {
            assert_eq!(
                stored.iter().filter(|stored| *stored == id).count(),
                1,
                "{id} is stored once"
            );
            stored.iter().position(|stored| stored == id).unwrap()
        })
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "in order: {positions:?}"
    );
    assert_eq!(
        stored
            .iter()
            .filter(|id| *id == before["message_id"].as_str().unwrap())
            .count(),
        1,
        "what came before the cut is not stored again"
    );
    assert_eq!(mixin_receive(&client, &server).await["state"], "connected");

    let not_a_socket = client
        .post(server.url("/api/sandbox/douyin/drop-connection"))
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_socket.status(), 404);
}

#[tokio::test]
async fn a_read_receipt_after_a_delivered_one_is_stored_too() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    connected(&client, &server).await;
    let delivered = customer_says(&client, &server, "hello").await;
    assert_eq!(delivered["status"], 200);
    let conversation = switchboard_payload::platforms::mixin::unique_conversation_id(
        "11efbb75-e7fe-44d7-a14f-698535289310",
        MIXIN_USER_ID,
    );
    let message_id = uuid::Uuid::new_v4().to_string();
    let reply = serde_json::json!([{
        "conversation_id": conversation,
        "recipient_id": "11efbb75-e7fe-44d7-a14f-698535289310",
        "message_id": message_id,
        "category": "PLAIN_TEXT",
        "data_base64": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("您好"),
    }]);
    let sent = client
        .post(server.url("/api/proxy/mixin/messages"))
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success());
    let statuses = eventually(Duration::from_secs(10), "both receipts", || async {
        let receipts: Vec<String> = all_events(&client, &server)
            .await
            .iter()
            .filter(|event| event["platform"] == "mixin" && event["direction"] == "inbound")
            .filter_map(|event| {
                let json = gunzip(&body_of(event))?;
                let frame: serde_json::Value = serde_json::from_slice(&json).ok()?;
                (frame["action"] == "ACKNOWLEDGE_MESSAGE_RECEIPT"
                    && frame["data"]["message_id"] == message_id.as_str())
                .then(|| frame["data"]["status"].as_str().unwrap().to_owned())
            })
            .collect();
        (receipts.len() >= 2).then_some(receipts)
    })
    .await;
    assert_eq!(statuses, ["DELIVERED", "READ"]);
}

/// A live-mode configuration with only Mixin, pointing at `sandbox` and signing with `key`.
fn mixin_config(sandbox: &Sandbox, dir: &std::path::Path, key: &[u8; 32]) -> std::path::PathBuf {
    let base = &sandbox.base_url;
    let host = base.trim_start_matches("http://");
    let toml = format!(
        "[mixin]\nbase_url = \"{base}/mixin\"\nuser_id = \"{MIXIN_USER_ID}\"\nsession_id = \"{MIXIN_SESSION_ID}\"\n\
         private_key = \"{}\"\nupload_hosts = [\"{host}\"]\nblaze_url = \"ws://{host}/mixin-blaze\"\n",
        base64::engine::general_purpose::STANDARD.encode(key)
    );
    let path = dir.join("switchboard.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

fn start_live(
    data: &std::path::Path,
    dist: &std::path::Path,
    config: &std::path::Path,
) -> RunningServer {
    RunningServer::start_with(Options {
        config: Some(config),
        ..Options::new(data, dist)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_session_stops_receiving_and_says_why() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dist = dist();
    let config = mixin_config(&sandbox, dir.path(), &[7u8; 32]);
    let server = start_live(&dir.path().join("data"), dist.path(), &config);
    let client = server.logged_in_client().await;
    let stopped = eventually(Duration::from_secs(10), "stopped", || async {
        let receive = mixin_receive(&client, &server).await;
        (receive["state"] == "stopped").then_some(receive)
    })
    .await;
    let error = stopped["error"].as_str().unwrap();
    assert!(error.contains("401"), "{error}");
    assert!(
        error.contains("clock"),
        "the reason names the clock too: {error}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        mixin_receive(&client, &server).await["state"],
        "stopped",
        "it does not retry"
    );
}

/// Inbound Mixin message ids in the log file, read directly (the server is dead).
fn stored_message_ids(data: &std::path::Path) -> Vec<String> {
    let log = support::open_log(data);
    let bodies: Vec<Vec<u8>> = std::thread::spawn(move || log.after(0, usize::MAX).unwrap())
        .join()
        .unwrap()
        .into_iter()
        .filter(|row| {
            row.platform == switchboard_payload::Platform::Mixin
                && row.direction == switchboard_protocol::Direction::Inbound
        })
        .map(|row| row.body)
        .collect();
    bodies
        .iter()
        .filter_map(|body| {
            let frame: serde_json::Value = serde_json::from_slice(&gunzip(body)?).ok()?;
            (frame["action"] == "CREATE_MESSAGE")
                .then(|| frame["data"]["message_id"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_stored_but_not_acknowledged_before_kill_9_is_not_stored_twice() {
    let sandbox = Sandbox::start().await.unwrap();
    let blaze = lock(&sandbox.state.mixin).blaze.clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let dist = dist();
    let config = mixin_config(
        &sandbox,
        dir.path(),
        &switchboard_server::sandbox::mixin_signing_key().to_bytes(),
    );
    let mut sent = Vec::new();
    // A burst, killed while it is being stored: acknowledgements trail the commits, so some
    // stored frames are not acknowledged yet. A round that misses that window is tried again.
    let mut caught_in_between = false;
    for round in 0..5 {
        let mut server = start_live(&data, dist.path(), &config);
        eventually(Duration::from_secs(10), "Blaze connected", || async {
            (lock(&blaze).open > 0).then_some(())
        })
        .await;
        let stored_before = stored_message_ids(&data).len();
        for n in 0..2000 {
            let request = CustomerMessage {
                text: Some(format!("burst {round}-{n}")),
                ..CustomerMessage::default()
            };
            sent.push(
                sandbox
                    .customer_message(Platform::Mixin, &request)
                    .message_id,
            );
        }
        eventually(
            Duration::from_secs(10),
            "this round's first stored frames",
            || async { (stored_message_ids(&data).len() > stored_before).then_some(()) },
        )
        .await;
        server.kill();
        // The emulator sees the connection go before the next round connects.
        eventually(
            Duration::from_secs(10),
            "the killed server's connection closed",
            || async { (lock(&blaze).open == 0).then_some(()) },
        )
        .await;
        let acknowledged = lock(&blaze).acknowledged.clone();
        let stored = stored_message_ids(&data);
        if stored.iter().any(|id| !acknowledged.contains(id)) {
            caught_in_between = true;
            break;
        }
    }
    assert!(
        caught_in_between,
        "no kill landed between a commit and its acknowledgement"
    );
    // Restarted, the server gets every pending frame again, the stored-but-unacknowledged ones too.
    let _server = start_live(&data, dist.path(), &config);
    eventually(
        Duration::from_secs(60),
        "every frame acknowledged",
        || async { (lock(&blaze).pending() == 0).then_some(()) },
    )
    .await;
    let stored = stored_message_ids(&data);
    let mut unique = stored.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), stored.len(), "no frame is stored twice");
    assert_eq!(stored.len(), sent.len(), "every message is stored");
}

fn pulled_texts(events: &[serde_json::Value]) -> Vec<String> {
    events
        .iter()
        .filter(|event| event["platform"] == "wechat" && event["direction"] == "response")
        .flat_map(|event| {
            switchboard_payload::inspect(&body_of(event), &Default::default())
                .events
                .into_iter()
                .filter_map(|event| event.content?.text)
        })
        .collect()
}

#[tokio::test]
async fn the_server_pulls_e_yun_with_no_browser_open_and_pulls_at_once_when_asked() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let lost = |text: &str| {
        client
            .post(server.url("/api/sandbox/wechat/customer-message"))
            .json(&serde_json::json!({ "text": text, "channel": "finder" }))
    };
    let delivered: serde_json::Value = read_json(lost("no callback came for this")).await;
    assert_eq!(delivered["status"], 0, "no webhook was posted");
    assert_eq!(delivered["queued"], true, "held for the next pull");
    // The sandbox pulls every 5 s: within one interval (and the first round's own time).
    let started = Instant::now();
    eventually(Duration::from_secs(8), "the pulled message", || async {
        pulled_texts(&all_events(&client, &server).await)
            .iter()
            .any(|text| text == "no callback came for this")
            .then_some(())
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(8));
    let events = all_events(&client, &server).await;
    let pulls: Vec<_> = events
        .iter()
        .filter(|event| event["platform"] == "wechat" && event["direction"] == "outbound")
        .filter(|event| !support::is_seed(event))
        .collect();
    assert!(!pulls.is_empty());
    for pull in &pulls {
        assert!(
            pull["headers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|header| header[0] == ":receiver" && header[1] == "poll"),
            "the server's own pull says so: {pull}"
        );
    }
    let receive = receive_of(&client, &server, "wechat").await;
    assert_eq!(receive["transport"], "poll");
    assert!(receive["retry_at"].as_i64().is_some(), "{receive}");

    // "Pull now" does not wait for the interval.
    let _: serde_json::Value = read_json(lost("pulled when asked")).await;
    let asked = client
        .post(server.url("/api/receive/wechat/now"))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 202);
    eventually(
        Duration::from_secs(3),
        "the message pulled at once",
        || async {
            pulled_texts(&all_events(&client, &server).await)
                .iter()
                .any(|text| text == "pulled when asked")
                .then_some(())
        },
    )
    .await;
    let texts = pulled_texts(&all_events(&client, &server).await);
    assert_eq!(
        texts
            .iter()
            .filter(|text| *text == "no callback came for this")
            .count(),
        1,
        "a later pull resumes after the cursor: nothing comes twice"
    );
    let webhook_only = client
        .post(server.url("/api/receive/douyin/now"))
        .send()
        .await
        .unwrap();
    assert_eq!(webhook_only.status(), 404);
}

// Yunhu: a user account receives on its push socket.

async fn yunhu_says(
    client: &reqwest::Client,
    server: &RunningServer,
    body: serde_json::Value,
) -> serde_json::Value {
    read_json(
        client
            .post(server.url("/api/sandbox/yunhu/customer-message"))
            .json(&body),
    )
    .await
}

/// The desk's view of the log: the ids of the messages in Yunhu chat `chat`, in the order the
/// desk shows them, and how many of them are unread.
fn yunhu_chat(events: &[serde_json::Value], chat: &str) -> (Vec<String>, usize) {
    let mut desk = switchboard_desk::Desk::new();
    for event in events {
        let row: switchboard_desk::Row = serde_json::from_value(event.clone()).unwrap();
        desk.apply(&row);
    }
    let key = switchboard_desk::ConversationKey {
        platform: Platform::Yunhu,
        id: chat.to_owned(),
    };
    desk.conversation(&key)
        .map_or((Vec::new(), 0), |conversation| {
            (
                conversation
                    .messages
                    .iter()
                    .map(|message| message.id.clone())
                    .collect(),
                conversation.unread,
            )
        })
}

/// The sandbox's first customer on Yunhu: their user chat with our account.
const YUNHU_CUSTOMER_CHAT: &str = "5180273";

#[tokio::test]
async fn a_yunhu_customer_message_arrives_over_the_user_socket_as_a_ws_wrapper() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let receive = eventually(Duration::from_secs(10), "the socket logged in", || async {
        let receive = receive_of(&client, &server, "yunhu").await;
        (receive["state"] == "connected").then_some(receive)
    })
    .await;
    assert_eq!(receive["transport"], "websocket");

    let delivered = yunhu_says(
        &client,
        &server,
        serde_json::json!({ "text": "socket 你好" }),
    )
    .await;
    assert_eq!(delivered["status"], 200, "{delivered}");
    let message_id = delivered["message_id"].as_str().unwrap().to_owned();
    let row = eventually(Duration::from_secs(10), "the pushed frame", || async {
        all_events(&client, &server)
            .await
            .into_iter()
            .find(|event| {
                event["platform"] == "yunhu"
                    && event["direction"] == "inbound"
                    && read_row(event).2.as_deref() == Some(message_id.as_str())
            })
    })
    .await;
    let (schema, text, _) = read_row(&row);
    assert_eq!(
        schema, "yunhu.WsWrapper",
        "stored as the platform's own frame"
    );
    assert_eq!(text.as_deref(), Some("socket 你好"));
    assert!(support::has_header(&row, ":receiver"));

    // Written to the bot, it still comes by the bot's webhook, which Settings still offers.
    let to_bot = yunhu_says(
        &client,
        &server,
        serde_json::json!({ "text": "bot 你好", "to": "bot" }),
    )
    .await;
    assert_eq!(to_bot["status"], 200, "{to_bot}");
    let events = all_events(&client, &server).await;
    let by_webhook = events
        .iter()
        .find(|event| event["seq"] == to_bot["seq"])
        .expect("the webhook's row");
    assert!(!support::has_header(by_webhook, ":receiver"));
    let config = get_json(&client, &server.url("/api/config")).await;
    let yunhu = config["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|platform| platform["id"] == "yunhu")
        .unwrap();
    assert_eq!(yunhu["webhook"], true, "{yunhu}");
    // Only Yunhu's customers can pick whom they write to.
    let wrong = client
        .post(server.url("/api/sandbox/douyin/customer-message"))
        .json(&serde_json::json!({ "to": "bot" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 400);
}

#[tokio::test]
async fn yunhu_messages_sent_while_the_socket_is_down_are_filled_in_once_in_order() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let yunhu_connected = || async {
        (receive_of(&client, &server, "yunhu").await["state"] == "connected").then_some(())
    };
    eventually(
        Duration::from_secs(10),
        "the socket logged in",
        yunhu_connected,
    )
    .await;
    let before = yunhu_says(
        &client,
        &server,
        serde_json::json!({ "text": "before the cut" }),
    )
    .await;
    assert_eq!(before["status"], 200);
    let before = before["message_id"].as_str().unwrap().to_owned();
    eventually(
        Duration::from_secs(10),
        "the first message stored",
        || async {
            let (ids, _) = yunhu_chat(&all_events(&client, &server).await, YUNHU_CUSTOMER_CHAT);
            ids.contains(&before).then_some(())
        },
    )
    .await;

    let cut = client
        .post(server.url("/api/sandbox/yunhu/drop-connection"))
        .json(&serde_json::json!({ "refuse_for_secs": 2 }))
        .send()
        .await
        .unwrap();
    assert_eq!(cut.status(), 204);
    eventually(Duration::from_secs(10), "backing off", || async {
        (receive_of(&client, &server, "yunhu").await["state"] == "backing_off").then_some(())
    })
    .await;
    let mut sent = Vec::new();
    for n in 1..=3 {
        let delivered = yunhu_says(
            &client,
            &server,
            serde_json::json!({ "text": format!("while cut {n}") }),
        )
        .await;
        assert_eq!(
            delivered["queued"], true,
            "no socket to push on: {delivered}"
        );
        sent.push(delivered["message_id"].as_str().unwrap().to_owned());
    }
    let (ids, unread) = eventually(Duration::from_secs(30), "the gap filled", || async {
        let (ids, unread) = yunhu_chat(&all_events(&client, &server).await, YUNHU_CUSTOMER_CHAT);
        sent.iter()
            .all(|id| ids.contains(id))
            .then_some((ids, unread))
    })
    .await;
    let mut expected = vec![before.clone()];
    expected.extend(sent.iter().cloned());
    let shown: Vec<&String> = ids.iter().filter(|id| expected.contains(id)).collect();
    assert_eq!(
        shown,
        expected.iter().collect::<Vec<_>>(),
        "once each, in order: {ids:?}"
    );
    assert_eq!(
        unread, 4,
        "the missed messages are unread, like the one before"
    );
    let gap_fills = all_events(&client, &server)
        .await
        .into_iter()
        .filter(|event| {
            event["direction"] == "outbound"
                && event["headers"].to_string().contains("list-message-by-seq")
        })
        .count();
    assert!(gap_fills >= 1, "filled over list-message-by-seq");
    eventually(Duration::from_secs(10), "connected again", yunhu_connected).await;
}

/// A live-mode configuration with only Yunhu's user account, pointing at `sandbox`.
fn yunhu_config(sandbox: &Sandbox, dir: &std::path::Path, token: &str) -> std::path::PathBuf {
    let base = &sandbox.base_url;
    let host = base.trim_start_matches("http://");
    let toml = format!(
        "[yunhu]\nbase_url = \"{base}/yunhu\"\nuser_token = \"{token}\"\nuser_id = \"{}\"\n\
         socket_url = \"ws://{host}/yunhu-socket/ws\"\n",
        switchboard_server::sandbox::yunhu::AGENT_ID
    );
    let path = dir.join("switchboard.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_yunhu_login_stops_receiving_and_says_why() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dist = dist();
    let config = yunhu_config(&sandbox, dir.path(), "not-the-token");
    let server = start_live(&dir.path().join("data"), dist.path(), &config);
    let client = server.logged_in_client().await;
    let stopped = eventually(Duration::from_secs(10), "stopped", || async {
        let receive = receive_of(&client, &server, "yunhu").await;
        (receive["state"] == "stopped").then_some(receive)
    })
    .await;
    let error = stopped["error"].as_str().unwrap();
    assert!(
        error.contains("数据不合法") && error.contains("user_token"),
        "{error}"
    );
    // No bot token: no webhook either.
    let config = get_json(&client, &server.url("/api/config")).await;
    assert_eq!(config["platforms"][0]["webhook"], false, "{config}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_the_socket_fills_in_from_the_seq_the_log_holds() {
    let sandbox = Sandbox::start().await.unwrap();
    let socket = lock(&sandbox.state.yunhu).socket.clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let dist = dist();
    let config = yunhu_config(
        &sandbox,
        dir.path(),
        switchboard_server::sandbox::credentials::YUNHU_USER_TOKEN,
    );
    let says = |text: &str| {
        sandbox
            .customer_message(
                Platform::Yunhu,
                &CustomerMessage {
                    text: Some(text.to_owned()),
                    ..CustomerMessage::default()
                },
            )
            .message_id
    };
    let mut server = start_live(&data, dist.path(), &config);
    let client = server.logged_in_client().await;
    eventually(Duration::from_secs(10), "logged in", || async {
        (lock(&socket).open > 0).then_some(())
    })
    .await;
    let first = says("before the restart");
    eventually(
        Duration::from_secs(10),
        "the first message stored",
        || async {
            let (ids, _) = yunhu_chat(&all_events(&client, &server).await, YUNHU_CUSTOMER_CHAT);
            ids.contains(&first).then_some(())
        },
    )
    .await;
    server.kill();
    eventually(Duration::from_secs(10), "the socket closed", || async {
        (lock(&socket).open == 0).then_some(())
    })
    .await;
    let missed = [
        says("while the server was down 1"),
        says("while the server was down 2"),
    ];

    let server = start_live(&data, dist.path(), &config);
    let client = server.logged_in_client().await;
    let ids = eventually(Duration::from_secs(20), "the missed messages", || async {
        let (ids, _) = yunhu_chat(&all_events(&client, &server).await, YUNHU_CUSTOMER_CHAT);
        missed.iter().all(|id| ids.contains(id)).then_some(ids)
    })
    .await;
    let mut expected = vec![first];
    expected.extend(missed);
    assert_eq!(ids, expected, "the chat is whole, once each, in order");
}
