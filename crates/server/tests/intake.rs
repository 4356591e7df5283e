//! Webhook intake over real HTTP: signatures, challenges, de-duplication, rejected and malformed
//! deliveries kept, oversized ones refused; and the live stream's resume without gap or repeat.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use support::{
    RunningServer, all_events, body_of, dist, is_seed, read_json, webhook_secret, without_lookups,
};
use switchboard_server::platforms::douyin::signature;
use switchboard_server::sandbox::credentials::DOUYIN_CLIENT_SECRET;

async fn events_beyond_seed(
    client: &reqwest::Client,
    server: &RunningServer,
) -> Vec<serde_json::Value> {
    without_lookups(all_events(client, server).await)
        .into_iter()
        .filter(|event| !is_seed(event))
        .collect()
}

#[tokio::test]
async fn douyin_webhooks_are_verified_challenged_and_deduplicated() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let hook = server.url(&format!(
        "/hooks/douyin/{}",
        webhook_secret(data.path(), "douyin")
    ));
    let http = reqwest::Client::new();

    let body = br#"{"event":"im_receive_msg","from_user_id":"a","to_user_id":"b","content":{"text":"hi"}}"#;
    let forged = http
        .post(&hook)
        .header("X-Douyin-Signature", signature("not-the-secret", body))
        .header("Msg-Id", "m-1")
        .body(&body[..])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);

    for attempt in 0..3 {
        // Douyin retries up to three times: stored once, whatever the unsigned `Msg-Id` says.
        let delivered = http
            .post(&hook)
            .header("X-Douyin-Signature", signature(DOUYIN_CLIENT_SECRET, body))
            .header("Msg-Id", format!("m-{attempt}"))
            .header("content-type", "application/json")
            .body(&body[..])
            .send()
            .await
            .unwrap();
        assert_eq!(delivered.status(), 200);
    }

    let challenge =
        br#"{"event":"verify_webhook","client_key":"k","content":{"challenge":12345678901234567}}"#;
    let answered = http
        .post(&hook)
        .header(
            "X-Douyin-Signature",
            signature(DOUYIN_CLIENT_SECRET, challenge),
        )
        .body(&challenge[..])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    assert_eq!(
        answered.text().await.unwrap(),
        r#"{"challenge":12345678901234567}"#
    );

    let events = events_beyond_seed(&client, &server).await;
    let directions: Vec<&str> = events
        .iter()
        .map(|event| event["direction"].as_str().unwrap())
        .collect();
    assert_eq!(directions, ["rejected", "inbound", "inbound"]);
    assert_eq!(
        body_of(&events[0]),
        body,
        "a rejected delivery is kept for the inspector"
    );
    assert!(
        events[0]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|header| header[0] == ":rejected")
    );
    assert_eq!(body_of(&events[1]), body);
}

#[tokio::test]
async fn wrong_secrets_are_rejected_and_bodies_kept_even_when_malformed() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let secret = |platform| webhook_secret(data.path(), platform);
    let http = reqwest::Client::new();

    let wrong = http
        .post(server.url("/hooks/wecom/guess"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let malformed = b"\x00\x01not json at all\xff";
    let kept = http
        .post(server.url(&format!("/hooks/wecom/{}", secret("wecom"))))
        .body(&malformed[..])
        .send()
        .await
        .unwrap();
    assert_eq!(
        kept.status(),
        200,
        "acknowledged, so the platform stops retrying"
    );

    let wechat = |new_msg_id: u64| {
        serde_json::to_vec(&serde_json::json!({
            "wcId": "wxid_me", "messageType": 60001,
            "data": { "fromUser": "wxid_a", "toUser": "wxid_me", "msgId": 1, "newMsgId": new_msg_id, "msgType": 1, "content": "hi", "self": false }
        }))
        .unwrap()
    };
    for body in [
        wechat(3876235366388279544),
        wechat(3876235366388279544),
        wechat(3876235366388279545),
    ] {
        let response = http
            .post(server.url(&format!("/hooks/wechat/{}", secret("wechat"))))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }

    let unknown = http
        .post(server.url(&format!("/hooks/telegram/{}", secret("wechat"))))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let answer: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(answer["error"], "platform \"telegram\" is not configured");

    let events = events_beyond_seed(&client, &server).await;
    let summary: Vec<(String, String)> = events
        .iter()
        .map(|event| {
            (
                event["platform"].as_str().unwrap().to_owned(),
                event["direction"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("wecom", "rejected"),
            ("wecom", "inbound"),
            ("wechat", "inbound"),
            ("wechat", "inbound")
        ]
        .map(|(platform, direction)| (platform.to_owned(), direction.to_owned()))
    );
    assert_eq!(body_of(&events[1]), malformed, "bytes kept exactly");
}

#[tokio::test]
async fn an_oversized_webhook_is_refused_and_nothing_is_stored() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let mut options = support::Options::new(data.path(), dist.path());
    options.env.push(("SWITCHBOARD_BODY_LIMIT", "4096".into()));
    let server = RunningServer::start_with(options);
    let client = server.logged_in_client().await;
    let before = all_events(&client, &server).await.len();
    let response = reqwest::Client::new()
        .post(server.url(&format!(
            "/hooks/wecom/{}",
            webhook_secret(data.path(), "wecom")
        )))
        .body(vec![b'x'; 5000])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(all_events(&client, &server).await.len(), before);
}

#[tokio::test]
async fn the_log_starts_with_the_seed_payloads_once() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let seeded = {
        let server = RunningServer::start(data.path(), dist.path());
        let client = server.logged_in_client().await;
        all_events(&client, &server).await
    };
    assert!(seeded.len() >= 20, "{}", seeded.len());
    for platform in ["yunhu", "douyin", "wecom", "mixin", "wechat"] {
        assert!(
            seeded.iter().any(|event| event["platform"] == platform),
            "{platform} has seed traffic"
        );
    }
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    assert_eq!(
        all_events(&client, &server).await.len(),
        seeded.len(),
        "a restart does not seed again"
    );
}

#[tokio::test]
async fn the_log_pages_back_from_the_newest_event() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let forward = all_events(&client, &server).await;
    let mut pages = Vec::new();
    let mut before = i64::MAX;
    loop {
        let page: serde_json::Value =
            read_json(client.get(server.url(&format!("/api/events?before={before}&limit=7"))))
                .await;
        let events = page["events"].as_array().unwrap().clone();
        if pages.is_empty() {
            assert_eq!(
                page["next_after"],
                forward.last().unwrap()["seq"],
                "the stream's start"
            );
        }
        assert!(events.len() <= 7);
        before = page["next_before"].as_i64().unwrap();
        assert_eq!(
            Some(before),
            events.first().map(|event| event["seq"].as_i64().unwrap())
        );
        pages.push(events);
        if !page["more"].as_bool().unwrap() {
            break;
        }
    }
    let backward: Vec<serde_json::Value> = pages.into_iter().rev().flatten().collect();
    assert_eq!(
        backward, forward,
        "newest first, each page in log order, nothing missed"
    );
}

#[tokio::test]
async fn log_pages_are_compressed_for_clients_that_accept_it() {
    use std::io::Read;
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let url = server.url("/api/events?after=0&limit=5000");
    let plain = client.get(&url).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain: serde_json::Value = plain.json().await.unwrap();
    let compressed = client
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    let bytes = compressed.bytes().await.unwrap();
    let mut json = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut json)
        .unwrap();
    assert!(
        bytes.len() * 2 < json.len(),
        "{} of {}",
        bytes.len(),
        json.len()
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap(),
        plain
    );
}

/// Reads SSE events (`id`, `data`) until `count` have arrived.
async fn read_sse(response: reqwest::Response, count: usize) -> Vec<(i64, serde_json::Value)> {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let mut events = Vec::new();
    while events.len() < count {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("an event within 10 s")
            .expect("the stream stays open")
            .unwrap();
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut id = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id:") {
                    id = Some(value.trim().parse::<i64>().unwrap());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data = Some(serde_json::from_str(value.trim()).unwrap());
                }
            }
            if let (Some(id), Some(data)) = (id, data) {
                events.push((id, data));
            }
        }
    }
    events
}

#[tokio::test]
async fn the_live_stream_resumes_with_no_gap_and_no_repeat() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let seeded = all_events(&client, &server).await.len() as i64;

    let customer = |n: usize| {
        let client = client.clone();
        let url = server.url(&format!(
            "/api/sandbox/{}/customer-message",
            // One delivery, one row: not Mixin (Blaze adds its acknowledgements), E云 (the
            // server's own syncFinder pulls may add a page at any moment) nor wkteam (the server
            // asks who its customers are); Douyin's and Yunhu's socket payloads name them.
            ["douyin", "yunhu"][n % 2]
        ));
        async move {
            let response = client
                .post(url)
                .json(&serde_json::json!({ "text": format!("message {n}") }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
    };

    // From the start: the seed, then three live messages.
    let first = client
        .get(server.url("/api/events/stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["content-type"], "text/event-stream");
    for n in 0..3 {
        customer(n).await;
    }
    let received = read_sse(first, seeded as usize + 3).await;
    let last_seen = received.last().unwrap().0;

    // Disconnected (the response is dropped); meanwhile four more arrive.
    for n in 3..7 {
        customer(n).await;
    }
    let resumed = client
        .get(server.url("/api/events/stream"))
        .header("Last-Event-ID", last_seen.to_string())
        .send()
        .await
        .unwrap();
    let tail = tokio::spawn(read_sse(resumed, 6));
    tokio::time::sleep(Duration::from_millis(200)).await;
    for n in 7..9 {
        customer(n).await;
    }
    let tail = tail.await.unwrap();

    let seqs: Vec<i64> = received.iter().chain(&tail).map(|(id, _)| *id).collect();
    let expected: Vec<i64> = (1..=seeded + 9).collect();
    assert_eq!(seqs, expected, "every event exactly once, in order");
    for (id, event) in received.iter().chain(&tail) {
        assert_eq!(event["seq"], *id);
    }
    let texts: Vec<String> = tail
        .iter()
        .map(|(_, event)| String::from_utf8_lossy(&body_of(event)).into_owned())
        .collect();
    assert!(
        texts.iter().any(|text| text.contains("message 7")),
        "{texts:?}"
    );
}

#[tokio::test]
async fn header_values_that_are_not_utf8_are_kept_as_bytes() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let response = reqwest::Client::new()
        .post(server.url(&format!(
            "/hooks/wecom/{}",
            webhook_secret(data.path(), "wecom")
        )))
        .header(
            "x-sender-name",
            reqwest::header::HeaderValue::from_bytes(b"caf\xe9 \xff").unwrap(),
        )
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let events = events_beyond_seed(&client, &server).await;
    let headers: Vec<(String, String)> =
        serde_json::from_value(events[0]["headers"].clone()).unwrap();
    assert!(
        headers.contains(&(":header-bytes".into(), "x-sender-name: Y2Fm6SD/".into())),
        "{headers:?}"
    );
    assert!(headers.iter().any(|(name, _)| name == "x-sender-name"));
}

#[tokio::test]
async fn a_logged_webhook_replays_into_the_intake_as_the_same_delivery() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let delivered: serde_json::Value = read_json(
        client
            .post(server.url("/api/sandbox/douyin/customer-message"))
            .json(&serde_json::json!({"text": "replay me"})),
    )
    .await;
    let seq = delivered["seq"].as_i64().expect("the webhook's row");
    // Its headers go again (the signature among them): the intake takes it, as the row it holds.
    let replayed: serde_json::Value =
        read_json(client.post(server.url(&format!("/api/events/{seq}/replay")))).await;
    assert_eq!(
        replayed,
        serde_json::json!({"status": 200, "seq": seq, "duplicate": true})
    );
    // Only a webhook that came over HTTP replays.
    let seed = all_events(&client, &server)
        .await
        .into_iter()
        .find(|event| event["direction"] != "inbound")
        .expect("a row that is no webhook");
    let refused = client
        .post(server.url(&format!("/api/events/{}/replay", seed["seq"])))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("only those can be replayed"),
        "says why"
    );
    let missing = client
        .post(server.url("/api/events/999999/replay"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
