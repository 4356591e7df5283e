//! The proxy over real HTTP: allowed calls reach the sandbox with credentials and come back
//! logged; anything else is refused before a byte leaves; upstream failures are JSON 502/504;
//! media and uploads; and no credential ever shows up in a response, a log row or a log line.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use prost::Message;
use support::{
    Options, RunningServer, all_events, body_of, dist, file_form, is_seed, read_json, text,
};
use switchboard_payload::protobuf::yunhu::{
    MsgContent, RecallMsgRequest, SendMessageRequest, StatusResponse,
};

/// Requests we forwarded (the seed's example requests aside).
fn outbound_count(events: &[serde_json::Value]) -> usize {
    events
        .iter()
        .filter(|event| event["direction"] == "outbound")
        .filter(|event| !is_seed(event))
        // The server's own calls for receiving (Blaze acknowledgements) are not the test's.
        .filter(|event| !support::is_receiving(event))
        .count()
}

async fn json_post(
    client: &reqwest::Client,
    server: &RunningServer,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let response = client
        .post(server.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn every_platform_round_trips_through_the_sandbox_and_the_log() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;

    // Yunhu user API: protobuf in, protobuf Status out; then recall it.
    let send = SendMessageRequest {
        msg_id: "0a1b2c3d4e5f".into(),
        chat_id: "5180273".into(),
        chat_type: 1,
        content: Some(MsgContent {
            text: "您好".into(),
            ..Default::default()
        }),
        content_type: 1,
        ..Default::default()
    };
    let response = client
        .post(server.url("/api/proxy/yunhu/v1/msg/send-message"))
        .header("content-type", "application/x-protobuf")
        .body(send.encode_to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request_seq: i64 = response.headers()["x-switchboard-request-seq"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let response_seq: i64 = response.headers()["x-switchboard-response-seq"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let status = StatusResponse::decode(response.bytes().await.unwrap())
        .unwrap()
        .status
        .unwrap();
    assert_eq!((status.code, status.msg.as_str()), (1, "success"));
    let recall = RecallMsgRequest {
        msg_id: vec!["0a1b2c3d4e5f".into()],
        chat_id: "5180273".into(),
        chat_type: 1,
    };
    let recalled = client
        .post(server.url("/api/proxy/yunhu/v1/msg/recall-msg"))
        .body(recall.encode_to_vec())
        .send()
        .await
        .unwrap();
    let status = StatusResponse::decode(recalled.bytes().await.unwrap())
        .unwrap()
        .status
        .unwrap();
    assert_eq!(status.code, 1);

    // Douyin, E云, wkteam, Mixin: JSON. A Douyin reply answers a message the customer sent.
    let customer: serde_json::Value = read_json(
        client
            .post(server.url("/api/sandbox/douyin/customer-message"))
            .json(&serde_json::json!({})),
    )
    .await;
    let conversation = "@sandbox-conversation-_000sandbox-customer-c1";
    let (status, douyin) = json_post(&client, &server, "/api/proxy/douyin/im/send/msg/", serde_json::json!({
        "msg_id": customer["message_id"], "conversation_id": conversation, "to_user_id": "_000sandbox-customer-c1",
        "content": { "msg_type": 1, "text": { "text": "hi" } }
    }))
    .await;
    assert_eq!(
        (status, douyin["data"]["error_code"].as_i64()),
        (200, Some(0)),
        "{douyin}"
    );
    let (_, recall) = json_post(
        &client,
        &server,
        "/api/proxy/douyin/im/recall/msg/",
        serde_json::json!({
            "msg_id": douyin["data"]["msg_id"], "conversation_id": conversation, "conversation_type": 1
        }),
    )
    .await;
    assert_eq!(recall["data"]["error_code"], 0, "{recall}");

    let (_, wechat) = json_post(
        &client,
        &server,
        "/api/proxy/wechat/sendText",
        serde_json::json!({ "wcId": "wxid_a", "content": "hi" }),
    )
    .await;
    assert_eq!(wechat["code"], "1000", "{wechat}");
    let sent = &wechat["data"];
    let (_, revoked) = json_post(&client, &server, "/api/proxy/wechat/revokeMsg", serde_json::json!({
        "wcId": "wxid_a", "msgId": sent["msgId"], "newMsgId": sent["newMsgId"], "createTime": sent["createTime"]
    }))
    .await;
    assert_eq!(revoked["code"], "1000", "{revoked}");
    // syncFinder carries 视频号 private messages only: the chat send above is not in it.
    let asked = client
        .post(server.url("/api/sandbox/wechat/customer-message"))
        .json(&serde_json::json!({ "text": "视频号私信", "channel": "finder" }))
        .send()
        .await
        .unwrap();
    assert!(asked.status().is_success());
    let (_, page) = json_post(
        &client,
        &server,
        "/api/proxy/wechat/syncFinder",
        serde_json::json!({ "keyBuff": "" }),
    )
    .await;
    let items = page["data"]["list"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert!(
        page["data"]["keyBuff"]
            .as_str()
            .is_some_and(|key| !key.is_empty())
    );
    let item = &items[0]["content"];
    let session = item["msgSessionId"].as_str().unwrap();
    assert!(session.ends_with("@findermsg"), "{item}");
    let customer = item["msg"]["FromUserName"]["string"].as_str().unwrap();
    let ours = item["msg"]["ToUserName"]["string"].as_str().unwrap();
    let private = |to: &str, me: Option<&str>| {
        let mut body =
            serde_json::json!({ "toUserName": to, "sessionId": session, "content": "您好" });
        if let Some(me) = me {
            body["myUserName"] = me.into();
        }
        body
    };
    let (_, replied) = json_post(
        &client,
        &server,
        "/api/proxy/wechat/privateSend",
        private(customer, Some(ours)),
    )
    .await;
    assert_eq!(replied["code"], "1000", "{replied}");
    assert!(replied["data"]["newMsgId"].is_u64(), "{replied}");
    let (_, wrong) = json_post(
        &client,
        &server,
        "/api/proxy/wechat/privateSend",
        private("v2_someone@finder", Some(ours)),
    )
    .await;
    assert_eq!(
        wrong["code"], "1001",
        "the session's customer is checked: {wrong}"
    );
    // Our 视频号 unnamed and not configured: refused here with the reason, not sent half-named.
    let unnamed = client
        .post(server.url("/api/proxy/wechat/privateSend"))
        .json(&private(customer, None))
        .send()
        .await
        .unwrap();
    assert_eq!(unnamed.status(), 400);
    assert!(unnamed.text().await.unwrap().contains("finder_username"));

    let (_, wecom) = json_post(
        &client,
        &server,
        "/api/proxy/wecom/message/sendText",
        serde_json::json!({ "toId": "788130", "content": "hi" }),
    )
    .await;
    assert_eq!(wecom["code"], 200, "{wecom}");
    let (_, cancelled) = json_post(
        &client,
        &server,
        "/api/proxy/wecom/message/cancelMsg",
        serde_json::json!({
            "wxId": "788130", "messageId": wecom["data"]["messageId"]
        }),
    )
    .await;
    assert_eq!(cancelled["code"], 200, "{cancelled}");

    let message_id = uuid::Uuid::new_v4().to_string();
    let (status, mixin) = json_post(&client, &server, "/api/proxy/mixin/messages", serde_json::json!([{
        "conversation_id": "c354135b-d7c8-361b-a2e1-8b549601a6f5", "recipient_id": "11efbb75-e7fe-44d7-a14f-698535289310",
        "message_id": message_id, "category": "PLAIN_TEXT", "data_base64": "aGk"
    }]))
    .await;
    assert_eq!(status, 200);
    assert!(
        mixin.get("error").is_none(),
        "the sandbox verified our JWT: {mixin}"
    );
    let (_, read) = json_post(
        &client,
        &server,
        "/api/proxy/mixin/acknowledgements",
        serde_json::json!([{ "message_id": message_id, "status": "READ" }]),
    )
    .await;
    assert!(read.get("error").is_none(), "{read}");

    // Both sides of every call are in the log, linked.
    let events = all_events(&client, &server).await;
    let request = events
        .iter()
        .find(|event| event["seq"] == request_seq)
        .unwrap();
    let answer = events
        .iter()
        .find(|event| event["seq"] == response_seq)
        .unwrap();
    assert_eq!(request["direction"], "outbound");
    assert_eq!(
        body_of(request),
        send.encode_to_vec(),
        "the exact bytes sent"
    );
    assert_eq!(answer["direction"], "response");
    assert_eq!(answer["request_seq"], request_seq);
    // The privateSend refused for want of our name never left: it is not among them.
    assert_eq!(outbound_count(&events), 13);
    for event in events.iter().filter(|event| {
        event["direction"] == "response" && event["seq"].as_i64() > Some(request_seq)
    }) {
        let linked = event["request_seq"].as_i64().unwrap();
        assert!(
            events
                .iter()
                .any(|other| other["seq"] == linked && other["direction"] == "outbound")
        );
    }
}

#[tokio::test]
async fn disallowed_paths_and_methods_get_403_and_nothing_is_sent() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let before = outbound_count(&all_events(&client, &server).await);
    for (method, path) in [
        ("POST", "/api/proxy/wechat/member/login"),
        ("POST", "/api/proxy/wechat/sendText/../member/login"),
        ("POST", "/api/proxy/wechat/%2e%2e/sendText"),
        ("GET", "/api/proxy/wechat/sendText"),
        ("POST", "/api/proxy/yunhu/v1/msg/send-message/extra"),
        ("POST", "/api/proxy/yunhu/http:%2F%2Fevil.example%2F"),
        ("POST", "/api/proxy/yunhu//evil.example/v1/msg/send-message"),
        ("GET", "/api/proxy/mixin/attachments/..%2F..%2Fsnapshots"),
        ("DELETE", "/api/proxy/mixin/messages"),
        ("POST", "/api/proxy/douyin/im/send/msg"),
    ] {
        let response = client
            .request(method.parse().unwrap(), server.url(path))
            .body("{}")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap();
        // A `..` the client already resolved leaves no proxy route at all: 404.
        match status {
            403 => assert!(
                body["error"].as_str().unwrap().contains("not an allowed"),
                "{body}"
            ),
            404 => assert!(
                !path.contains("/sendText/..") || body["error"].is_string(),
                "{body}"
            ),
            other => panic!("{method} {path}: {other} {body}"),
        }
    }
    let unknown = client
        .post(server.url("/api/proxy/telegram/sendMessage"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let answer: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(answer["error"], "platform \"telegram\" is not configured");
    assert_eq!(
        outbound_count(&all_events(&client, &server).await),
        before,
        "nothing was sent"
    );
}

#[tokio::test]
async fn an_oversized_request_is_refused_with_413_and_nothing_stored() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let mut options = Options::new(data.path(), dist.path());
    options.env.push(("SWITCHBOARD_BODY_LIMIT", "4096".into()));
    let server = RunningServer::start_with(options);
    let client = server.logged_in_client().await;
    let before = outbound_count(&all_events(&client, &server).await);
    let response = client
        .post(server.url("/api/proxy/wechat/sendText"))
        .header("content-type", "application/json")
        .body(format!(
            "{{\"wcId\":\"w\",\"content\":\"{}\"}}",
            "x".repeat(5000)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(outbound_count(&all_events(&client, &server).await), before);
}

/// A fake upstream for live mode: answers per path, counts hits.
async fn fake_upstream(hits: Arc<AtomicUsize>) -> SocketAddr {
    use axum::routing::post;
    let counter = hits.clone();
    let app = axum::Router::new()
        .route(
            "/sendText",
            post(|| async {
                (
                    axum::http::StatusCode::FOUND,
                    [("location", "http://127.0.0.1:9/steal")],
                    "",
                )
            }),
        )
        .route(
            "/sendImage2",
            post(|| async {
                (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "{\"code\":\"1001\",\"message\":\"维护中\"}",
                )
            }),
        )
        .route(
            "/sendFile",
            post(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                "late"
            }),
        )
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let counter = counter.clone();
                async move {
                    // The server's own syncFinder pulls are not the proxy calls counted here.
                    if request.uri().path() != "/syncFinder" {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    next.run(request).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

#[tokio::test]
async fn upstream_failures_are_json_502_or_504_never_a_hang() {
    let hits = Arc::new(AtomicUsize::new(0));
    let upstream = fake_upstream(hits.clone()).await;
    // Port 1 on loopback: nothing listens there, so connecting is refused at once.
    let closed = "127.0.0.1:1";
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let config = data.path().join("switchboard.toml");
    std::fs::write(
        &config,
        format!(
            "upstream_timeout_secs = 1\n[wechat]\nbase_url = \"http://{upstream}\"\nauthorization = \"live-wechat-key\"\nw_id = \"w\"\n\
             [wecom]\nbase_url = \"http://{closed}\"\ntoken = \"live-wecom-token\"\nsession_id = \"s\"\n"
        ),
    )
    .unwrap();
    let mut options = Options::new(data.path(), dist.path());
    options.config = Some(&config);
    let server = RunningServer::start_with(options);
    assert!(
        server.sandbox_url.is_none(),
        "a configured platform turns the sandbox off"
    );
    let client = server.logged_in_client().await;

    let (status, down) = json_post(
        &client,
        &server,
        "/api/proxy/wecom/message/sendText",
        serde_json::json!({ "toId": "a", "content": "hi" }),
    )
    .await;
    assert_eq!(status, 502, "{down}");
    assert!(
        down["error"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{down}"
    );
    assert!(down["upstream_status"].is_null());

    let (status, redirected) = json_post(
        &client,
        &server,
        "/api/proxy/wechat/sendText",
        serde_json::json!({ "wcId": "a", "content": "hi" }),
    )
    .await;
    assert_eq!(status, 502, "{redirected}");
    assert_eq!(redirected["upstream_status"], 302);
    assert!(
        redirected["error"]
            .as_str()
            .unwrap()
            .contains("not followed"),
        "{redirected}"
    );

    let (status, failing) = json_post(
        &client,
        &server,
        "/api/proxy/wechat/sendImage2",
        serde_json::json!({ "wcId": "a", "content": "http://x/a.png" }),
    )
    .await;
    assert_eq!(status, 502);
    assert_eq!(failing["upstream_status"], 503);
    assert!(
        failing["upstream_body"]
            .as_str()
            .unwrap()
            .contains("维护中"),
        "{failing}"
    );

    let started = std::time::Instant::now();
    let (status, slow) = json_post(
        &client,
        &server,
        "/api/proxy/wechat/sendFile",
        serde_json::json!({ "wcId": "a", "path": "p", "fileName": "f" }),
    )
    .await;
    assert_eq!(status, 504, "{slow}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        3,
        "the redirect was not followed anywhere"
    );

    // Every failure is in the log, linked to its request.
    let events = all_events(&client, &server).await;
    assert_eq!(outbound_count(&events), 4);
    // The server's own syncFinder pulls (refused by this upstream) are not the test's.
    let pulls: Vec<&serde_json::Value> = events
        .iter()
        .filter(|event| support::is_receiving(event))
        .map(|event| &event["seq"])
        .collect();
    assert_eq!(
        events
            .iter()
            .filter(|event| event["direction"] == "response")
            .filter(|event| !pulls.contains(&&event["request_seq"]))
            .count(),
        4
    );
    let config_view = text(client.get(server.url("/api/config"))).await;
    assert!(config_view.contains("\"mode\":\"live\""), "{config_view}");
}

#[tokio::test]
async fn uploads_return_the_platform_key_and_media_come_through_with_the_referer() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let sandbox = server.sandbox_url.clone().unwrap();
    let png = switchboard_server::sandbox::png_1x1([200, 30, 30]);
    let form = || file_form(&png, "red.png", "image/png");

    let yunhu: serde_json::Value = read_json(
        client
            .post(server.url("/api/upload/yunhu"))
            .multipart(form()),
    )
    .await;
    let key = yunhu["id"].as_str().unwrap();
    assert!(
        key.ends_with(".png") && key.len() == 36,
        "md5 hex + extension: {yunhu}"
    );
    assert_eq!(yunhu["size"], png.len());
    assert!(
        yunhu["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/yunhu-media/{key}")),
        "where the key can be seen: {yunhu}"
    );

    let media_url = format!("{sandbox}/yunhu-media/{key}");
    let direct = reqwest::get(&media_url).await.unwrap();
    assert_eq!(direct.status(), 403, "Yunhu's media host wants its Referer");
    let through = client
        .get(server.url("/api/media/yunhu"))
        .query(&[("url", &media_url)])
        .send()
        .await
        .unwrap();
    assert_eq!(through.status(), 200);
    assert_eq!(through.headers()["content-type"], "image/png");
    // Pictures are the browser's to keep for a while (avatars on every row): not `no-store`
    // like the rest of the API.
    assert_eq!(through.headers()["cache-control"], "private, max-age=3600");
    assert!(
        through.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(through.bytes().await.unwrap().as_ref(), png.as_slice());

    let elsewhere = client
        .get(server.url("/api/media/yunhu"))
        .query(&[("url", "http://169.254.169.254/latest/meta-data")])
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 403);

    let mixin: serde_json::Value = read_json(
        client
            .post(server.url("/api/upload/mixin"))
            .multipart(form()),
    )
    .await;
    assert!(
        uuid::Uuid::parse_str(mixin["id"].as_str().unwrap()).is_ok(),
        "{mixin}"
    );
    let view = mixin["url"].as_str().unwrap();
    let shown = client
        .get(server.url("/api/media/mixin"))
        .query(&[("url", view)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        shown.bytes().await.unwrap().as_ref(),
        png.as_slice(),
        "the PUT stored the bytes"
    );

    let douyin: serde_json::Value = read_json(
        client
            .post(server.url("/api/upload/douyin"))
            .multipart(form()),
    )
    .await;
    assert!(douyin["id"].as_str().unwrap().starts_with('@'), "{douyin}");
    let wecom: serde_json::Value = read_json(
        client
            .post(server.url("/api/upload/wecom"))
            .multipart(form()),
    )
    .await;
    assert!(wecom["id"].as_str().is_some(), "{wecom}");
    // E云 has no upload endpoint and fetches media by URL: we host the file at our public
    // address, readable without a session (the random token is the capability).
    let wechat: serde_json::Value = read_json(
        client
            .post(server.url("/api/upload/wechat"))
            .multipart(form()),
    )
    .await;
    let hosted = wechat["url"].as_str().unwrap();
    assert_eq!(wechat["id"], hosted);
    assert!(
        hosted.starts_with(&server.url("/files/")) && hosted.ends_with("/red.png"),
        "{wechat}"
    );
    let fetched = reqwest::get(hosted).await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "image/png");
    assert!(
        fetched.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), png.as_slice());
    // Anything but a raster image downloads, sandboxed: an uploaded page never runs here.
    let page: serde_json::Value = read_json(
        client
            .post(server.url("/api/upload/wechat"))
            .multipart(file_form(
                b"<script>alert(1)</script>",
                "x.html",
                "text/html",
            )),
    )
    .await;
    let page = reqwest::get(page["url"].as_str().unwrap()).await.unwrap();
    assert!(
        page.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    let token = hosted.split('/').rev().nth(1).unwrap();
    let guessed = hosted.replace(token, &"0".repeat(32));
    assert_eq!(reqwest::get(&guessed).await.unwrap().status(), 404);
}

#[tokio::test]
async fn credentials_never_appear_in_responses_log_rows_or_log_lines() {
    use switchboard_server::sandbox::credentials::*;
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let stderr = data.path().join("server.log");
    let mut options = Options::new(data.path(), dist.path());
    options.env.push(("SWITCHBOARD_LOG", "debug".into()));
    options.stderr = Some(&stderr);
    let server = RunningServer::start_with(options);
    let client = server.logged_in_client().await;
    let mut seen = String::new();

    for platform in ["yunhu", "douyin", "wecom", "mixin", "wechat"] {
        let response = client
            .post(server.url(&format!("/api/sandbox/{platform}/customer-message")))
            .send()
            .await
            .unwrap();
        seen.push_str(&response.text().await.unwrap());
    }
    for (path, body) in [
        (
            "/api/proxy/wechat/sendText",
            serde_json::json!({ "wcId": "a", "content": "hi" }),
        ),
        (
            "/api/proxy/wecom/message/sendText",
            serde_json::json!({ "toId": "a", "content": "hi" }),
        ),
        (
            "/api/proxy/douyin/im/send/msg/",
            serde_json::json!({ "conversation_id": "c", "to_user_id": "u", "content": { "msg_type": 1, "text": { "text": "x" } } }),
        ),
        (
            "/api/proxy/yunhu/open-apis/v1/bot/send",
            serde_json::json!({ "recvId": "1", "recvType": "user", "contentType": "text", "content": { "text": "x" } }),
        ),
        (
            "/api/proxy/mixin/messages",
            serde_json::json!([{ "conversation_id": "c", "message_id": uuid::Uuid::new_v4().to_string(), "category": "PLAIN_TEXT", "data_base64": "eA" }]),
        ),
        (
            "/api/proxy/wechat/revokeMsg",
            serde_json::json!({ "wcId": "nobody" }),
        ),
    ] {
        let response = client
            .post(server.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        seen.push_str(&format!("{:?}", response.headers()));
        seen.push_str(&response.text().await.unwrap());
    }
    let png = switchboard_server::sandbox::png_1x1([0, 0, 0]);
    for platform in ["yunhu", "douyin", "mixin"] {
        let form = file_form(&png, "a.png", "image/png");
        seen.push_str(
            &support::text(
                client
                    .post(server.url(&format!("/api/upload/{platform}")))
                    .multipart(form),
            )
            .await,
        );
    }
    seen.push_str(&support::text(client.get(server.url("/api/config"))).await);
    seen.push_str(&support::text(client.get(server.url("/api/events?limit=1000"))).await);

    let mut rows = String::new();
    for event in all_events(&client, &server).await {
        rows.push_str(&event["headers"].to_string());
        rows.push_str(&String::from_utf8_lossy(&body_of(&event)));
    }
    let log_lines = std::fs::read_to_string(&stderr).unwrap();
    assert!(
        log_lines.contains("/api/proxy/wechat/sendText"),
        "debug logging was on: {log_lines}"
    );
    let mixin_key = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .encode(switchboard_server::sandbox::mixin_signing_key().to_bytes())
    };
    let secrets: Vec<String> = ["yunhu", "douyin", "wecom", "mixin", "wechat"]
        .into_iter()
        .map(|platform| support::webhook_secret(data.path(), platform))
        .collect();
    for credential in [
        YUNHU_USER_TOKEN,
        YUNHU_BOT_TOKEN,
        DOUYIN_ACCESS_TOKEN,
        DOUYIN_CLIENT_SECRET,
        WECOM_TOKEN,
        WECOM_SESSION_ID,
        WECHAT_AUTHORIZATION,
        WECHAT_W_ID,
        mixin_key.as_str(),
    ] {
        assert!(!seen.contains(credential), "{credential} in a response");
        assert!(!rows.contains(credential), "{credential} in the event log");
        assert!(
            !log_lines.contains(credential),
            "{credential} in a log line"
        );
    }
    let admin_password = support::ADMIN_PASSWORD.to_owned();
    for our_secret in secrets.iter().chain([&admin_password]) {
        assert!(
            !log_lines.contains(our_secret),
            "our own secret in a log line"
        );
        assert!(!seen.contains(our_secret), "our own secret in a response");
    }
    assert!(
        rows.contains("Bearer") || rows.contains("[redacted]"),
        "the Mixin JWT header was logged, redacted"
    );
    assert!(
        !rows.contains("eyJhbGciOiJFZERTQSI"),
        "no JWT in the log either"
    );
}

#[tokio::test]
async fn wrong_credentials_get_each_platforms_own_error_shape() {
    // A sandbox-mode server lends us its emulators; a live-mode server points at them with
    // credentials they do not know.
    let sandbox_data = tempfile::tempdir().unwrap();
    let dist = dist();
    let sandbox_server = RunningServer::start(sandbox_data.path(), dist.path());
    let sandbox = sandbox_server.sandbox_url.clone().unwrap();
    let data = tempfile::tempdir().unwrap();
    let config = data.path().join("switchboard.toml");
    let mixin_key = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode([9u8; 32])
    };
    std::fs::write(
        &config,
        format!(
            "[yunhu]\nbase_url = \"{sandbox}/yunhu\"\nuser_token = \"wrong\"\n\
             [douyin]\nbase_url = \"{sandbox}/douyin\"\naccess_token = \"wrong\"\nclient_secret = \"s\"\nopen_id = \"o\"\n\
             [wecom]\nbase_url = \"{sandbox}/wecom\"\ntoken = \"wrong\"\nsession_id = \"s\"\n\
             [mixin]\nbase_url = \"{sandbox}/mixin\"\nuser_id = \"u\"\nsession_id = \"s\"\nprivate_key = \"{mixin_key}\"\n\
             [wechat]\nbase_url = \"{sandbox}/wechat\"\nauthorization = \"wrong\"\nw_id = \"w\"\n"
        ),
    )
    .unwrap();
    let mut options = Options::new(data.path(), dist.path());
    options.config = Some(&config);
    let server = RunningServer::start_with(options);
    let client = server.logged_in_client().await;

    let yunhu = client
        .post(server.url("/api/proxy/yunhu/v1/msg/send-message"))
        .body(Vec::new())
        .send()
        .await
        .unwrap();
    let status = StatusResponse::decode(yunhu.bytes().await.unwrap())
        .unwrap()
        .status
        .unwrap();
    assert_ne!(status.code, 1, "Yunhu: a Status with code ≠ 1");
    let (_, douyin) = json_post(
        &client,
        &server,
        "/api/proxy/douyin/im/send/msg/",
        serde_json::json!({}),
    )
    .await;
    assert_ne!(
        douyin["data"]["error_code"], 0,
        "Douyin: data.error_code: {douyin}"
    );
    assert!(douyin["extra"]["logid"].is_string());
    let (_, wecom) = json_post(
        &client,
        &server,
        "/api/proxy/wecom/message/sendText",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(wecom["code"], 1001, "wkteam: code 1001: {wecom}");
    let (_, mixin) = json_post(
        &client,
        &server,
        "/api/proxy/mixin/messages",
        serde_json::json!([]),
    )
    .await;
    assert_eq!(
        mixin["error"]["code"], 401,
        "Mixin: a JWT from another key is refused: {mixin}"
    );
    let (_, wechat) = json_post(
        &client,
        &server,
        "/api/proxy/wechat/sendText",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(wechat["code"], "1001", "E云: code \"1001\": {wechat}");
}
