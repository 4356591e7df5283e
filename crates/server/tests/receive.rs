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
    let log = rusqlite::Connection::open(data.join("events.sqlite")).unwrap();
    let mut statement = log
        .prepare("SELECT body FROM events WHERE platform = 'mixin' AND direction = 'inbound' ORDER BY seq")
        .unwrap();
    let bodies: Vec<Vec<u8>> = statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
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
            .json(&serde_json::json!({ "text": text, "callback": false }))
    };
    let delivered: serde_json::Value = read_json(lost("no callback came for this")).await;
    assert_eq!(delivered["status"], 0, "no webhook was posted");
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
